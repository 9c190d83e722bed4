// SPDX-License-Identifier: MPL-2.0
// End to end through the processor: crash reports submitted to the real
// server are processed by its workers; the processed crashes agree with
// Breakpad's view of the same dumps and with the submitted metadata, and
// their signatures are stable across reprocessing.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/base/strings.h"
#include "app/httpclient/http_client.h"
#include "app/submitter/submitter.h"
#include "tests/e2e/e2e_http.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/temp_dir.h"

namespace crashbox {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using testing::GetJson;
using testing::WaitForQueues;

// Breakpad's -m output: OS|, CPU|, Crash| lines.
struct BreakpadFacts {
  std::string os, cpu, reason, address;
  int thread = -1;
  bool rejected = false;
};

BreakpadFacts ReadExpected(const fs::path& corpus, const std::string& id) {
  BreakpadFacts f;
  std::ifstream in(corpus / "expected" / (id + ".m.txt"));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string_view> parts = base::Split(line, '|');
    if (parts[0] == "OS" && parts.size() > 1) f.os = parts[1];
    if (parts[0] == "CPU" && parts.size() > 1) f.cpu = parts[1];
    if (parts[0] == "Crash" && parts.size() > 3) {
      f.reason = parts[1];
      f.address = parts[2];
      f.thread =
          parts[3].empty() ? -1 : std::atoi(std::string(parts[3]).c_str());
    }
  }
  f.rejected = fs::exists(corpus / "expected" / (id + ".stderr.txt"));
  return f;
}

TEST(ProcessorE2E, CorpusCrashesAreProcessedLikeBreakpadSeesThem) {
  fs::path corpus = testing::CorpusDir();
  if (corpus.empty())
    GTEST_SKIP()
        << "../shared/corpus not present: processor corpus test skipped";
  testing::TempDir dir;
  testing::ServerProcess server(
      (dir / "var").string(),
      {"--symbols-path", (corpus / "symbols").string()});
  ASSERT_TRUE(server.started());

  auto payloads = submitter::LoadPayloads((corpus / "dumps").string());
  ASSERT_TRUE(payloads.ok());
  submitter::Submitter sub({server.url()});
  std::map<std::string, const submitter::CrashPayload*>
      ids;  // crash id → payload
  for (const auto& p : *payloads) {
    auto id = sub.Submit(p);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ids[id.value()] = &p;
  }
  ASSERT_TRUE(WaitForQueues(server.url())) << "processing did not finish";

  httpclient::HttpClient http;
  std::map<std::string, std::string> signatures;
  int agreeing = 0;
  for (const auto& [id, payload] : ids) {
    std::string name = fs::path(payload->source).stem().string();
    SCOPED_TRACE(name);
    json p =
        GetJson(http, server.url() + "/api/ProcessedCrash/?crash_id=" + id);
    ASSERT_TRUE(p.is_object()) << "no processed crash for " << id;
    EXPECT_EQ(p["product"], payload->annotations["ProductName"]);
    EXPECT_EQ(p["version"], payload->annotations["Version"]);
    EXPECT_TRUE(p["success"].get<bool>());
    std::string notes = p["processor_notes"];
    BreakpadFacts bp = ReadExpected(corpus, name);
    if (bp.rejected) {
      EXPECT_NE(p["mdsw_status_string"], "OK");
      EXPECT_NE(notes.find("MinidumpStackwalkRule"), std::string::npos)
          << notes;
      signatures[id] = p["signature"];
      continue;
    }
    EXPECT_EQ(p["os_name"], bp.os);
    EXPECT_EQ(p["cpu_arch"], bp.cpu);
    // Breakpad says "No crash" where Socorro's reason is empty.
    EXPECT_EQ(p["reason"], bp.reason == "No crash" ? "" : bp.reason);
    std::string address =
        p["address"].is_string() ? p["address"].get<std::string>() : "";
    uint64_t ours = std::strtoull(address.c_str(), nullptr, 16);
    uint64_t theirs = std::strtoull(bp.address.c_str(), nullptr, 16);
    if (ours != theirs) {
      // Socorro's null-pointer adjustment: accesses inside the null page read
      // as 0.
      EXPECT_LT(theirs, 0x1000u) << address << " vs " << bp.address;
      EXPECT_EQ(ours, 0u) << address << " vs " << bp.address;
    }
    std::string signature = p["signature"];
    if (bp.thread >= 0) {
      EXPECT_EQ(p["crashing_thread"], bp.thread);
      EXPECT_FALSE(signature.empty());
      EXPECT_FALSE(signature.starts_with("EMPTY")) << signature;
    } else {
      EXPECT_TRUE(p["crashing_thread"].is_null());
      EXPECT_NE(notes.find("did not identify the crashing thread"),
                std::string::npos)
          << notes;
    }
    const std::string missing = p["missing_symbols"];
    const std::string on_stack =
        p["modules_in_stack"];  // Split's views point into it
    if (!missing.empty() && on_stack.find('/') != std::string::npos) {
      // Modules without symbols on the stack are explained in the notes.
      bool missing_on_stack = notes.find("no symbols for") != std::string::npos;
      bool all_on_stack_have_symbols = true;
      for (std::string_view m : base::Split(on_stack, ';')) {
        std::string module(m.substr(0, m.find('/')));
        if (missing.find(module + "/") != std::string::npos)
          all_on_stack_have_symbols = false;
      }
      if (!all_on_stack_have_symbols) {
        EXPECT_TRUE(missing_on_stack) << notes;
      }
    }
    signatures[id] = p["signature"];
    ++agreeing;
  }
  std::printf(
      "processor e2e: %d of %zu processed crashes agree with Breakpad and "
      "their metadata\n",
      agreeing, ids.size());

  // Signatures are stable across reprocessing (full and signature-only).
  std::string body;
  int n = 0;
  for (const auto& [id, payload] : ids) {
    body += (body.empty() ? "" : "&") + std::string("crash_ids=") + id +
            (n++ % 2 ? ":regenerate_signature" : "");
  }
  auto r = http.Post(server.url() + "/api/Reprocessing/", body,
                     {"Content-Type: application/x-www-form-urlencoded"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  ASSERT_TRUE(WaitForQueues(server.url()));
  for (const auto& [id, sig] : signatures) {
    json p =
        GetJson(http, server.url() + "/api/ProcessedCrash/?crash_id=" + id);
    EXPECT_EQ(p["signature"], sig) << id;
    EXPECT_EQ(p["processor_history"].size(), 1u) << id;
  }
}

TEST(ProcessorE2E, UnprocessedCrashIsPrioritisedWhenAskedFor) {
  testing::TempDir dir;
  testing::ServerProcess server((dir / "var").string(),
                                {"--processor-workers", "-1"});
  ASSERT_TRUE(server.started());
  submitter::CrashPayload p;
  p.annotations = json{{"ProductName", "Lazy"}};
  p.dumps.emplace_back("upload_file_minidump", "not a minidump");
  auto id = submitter::Submitter({server.url()}).Submit(p);
  ASSERT_TRUE(id.ok());
  httpclient::HttpClient http;
  auto r =
      http.Get(server.url() + "/api/ProcessedCrash/?crash_id=" + id.value());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 404);
  json hb = GetJson(http, server.url() + "/__heartbeat__");
  EXPECT_EQ(hb["info"]["queue"]["priority"], 1);
  EXPECT_EQ(hb["info"]["queue"]["normal"], 1);
}

TEST(ProcessorE2E, GarbageDumpIsProcessedWithANote) {
  testing::TempDir dir;
  testing::ServerProcess server((dir / "var").string());
  ASSERT_TRUE(server.started());
  submitter::CrashPayload p;
  p.annotations = json{{"ProductName", "Broken"}, {"Version", "1.0"}};
  p.dumps.emplace_back("upload_file_minidump", std::string(5000, 'x'));
  auto id = submitter::Submitter({server.url()}).Submit(p);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(WaitForQueues(server.url(), std::chrono::seconds(30)));
  httpclient::HttpClient http;
  json processed = GetJson(
      http, server.url() + "/api/ProcessedCrash/?crash_id=" + id.value());
  ASSERT_TRUE(processed.is_object());
  EXPECT_EQ(processed["mdsw_status_string"], "ERROR_MINIDUMP_HEADER");
  EXPECT_NE(processed["processor_notes"].get<std::string>().find(
                "minidump-stackwalk: failed"),
            std::string::npos);
  EXPECT_EQ(processed["product"], "Broken");
}

// A report whose annotations hold JSON nested 100,000 deep (200 KB) is
// processed with a note, as Socorro's RecursionError fails one rule; the
// server keeps answering. It used to overflow the stack and take the
// collector down with the processor.
TEST(ProcessorE2E, DeeplyNestedAnnotationJsonFailsOneRuleNotTheServer) {
  testing::TempDir dir;
  testing::ServerProcess server((dir / "var").string(),
                                {"--mozilla-signature-rules"});
  ASSERT_TRUE(server.started());
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  submitter::CrashPayload p;
  p.annotations =
      json{{"ProductName", "Deep"},
           {"Version", "1.0"},
           {"AsyncShutdownTimeout",
            R"({"phase": "x", "conditions": [)" + deep + "]}"},
           {"JavaException", R"({"exception": {"values": [)" + deep + "]}}"}};
  p.dumps.emplace_back("upload_file_minidump", std::string(5000, 'x'));
  auto id = submitter::Submitter({server.url()}).Submit(p);
  ASSERT_TRUE(id.ok()) << id.status().message();
  ASSERT_TRUE(WaitForQueues(server.url(), std::chrono::seconds(30)));
  httpclient::HttpClient http;
  json processed = GetJson(
      http, server.url() + "/api/ProcessedCrash/?crash_id=" + id.value());
  ASSERT_TRUE(processed.is_object()) << "the server stopped answering";
  std::string notes = processed["processor_notes"].get<std::string>();
  EXPECT_NE(notes.find("SignatureShutdownTimeout: Rule failed: maximum "
                       "recursion depth exceeded while decoding a JSON array"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("JavaException value is malformed json"),
            std::string::npos)
      << notes;
  EXPECT_EQ(processed.count("java_exception"), 0u);
}

// Socorro's field definitions, public as in Socorro: a client such as
// crashstats-tools reads them to know the fields and their operators.
TEST(SearchApiE2E, SuperSearchFieldsInSocorrosShape) {
  testing::TempDir dir;
  testing::ServerProcess server((dir / "var").string());
  ASSERT_TRUE(server.started());
  httpclient::HttpClient http;
  json fields = GetJson(http, server.url() + "/api/SuperSearchFields/");
  ASSERT_TRUE(fields.is_object());
  EXPECT_GE(fields.size(), 156u);
  ASSERT_TRUE(fields.contains("signature"));
  EXPECT_EQ(fields["signature"]["name"], "signature");
  EXPECT_EQ(fields["signature"]["query_type"], "string");
  EXPECT_TRUE(fields["signature"]["permissions_needed"].empty());
  ASSERT_TRUE(fields.contains("url"));
  EXPECT_FALSE(fields["url"]["permissions_needed"].empty());
  EXPECT_EQ(GetJson(http, server.url() + "/api/SuperSearchFields"), fields);
}

TEST(ProcessorE2E, ShowSignatureAndReprocessFromTheCommandLine) {
  testing::TempDir dir;
  std::string data = (dir / "var").string();
  std::string id;
  {
    testing::ServerProcess server(data);
    ASSERT_TRUE(server.started());
    submitter::CrashPayload p;
    p.annotations = json{{"ProductName", "Cli"}, {"Version", "3.0"}};
    p.dumps.emplace_back("upload_file_minidump", std::string(100, 'z'));
    auto submitted = submitter::Submitter({server.url()}).Submit(p);
    ASSERT_TRUE(submitted.ok());
    id = submitted.value();
    ASSERT_TRUE(WaitForQueues(server.url(), std::chrono::seconds(30)));

    // Reading works beside the running server.
    testing::CommandResult show =
        testing::RunCrashbox({"show", "--data-dir", data, "bp-" + id});
    EXPECT_EQ(show.exit_code, 0) << show.err;
    EXPECT_NE(show.out.find("Signature:"), std::string::npos) << show.out;
    EXPECT_NE(show.out.find("Cli 3.0"), std::string::npos) << show.out;
    testing::CommandResult as_json =
        testing::RunCrashbox({"show", "--json", "--data-dir", data, id});
    EXPECT_EQ(json::parse(as_json.out)["product"], "Cli");

    testing::CommandResult sig = testing::RunCrashbox(
        {"signature", "--format", "json", "--data-dir", data, id});
    EXPECT_EQ(sig.exit_code, 0) << sig.err;
    json rows = json::parse(sig.out);
    EXPECT_EQ(rows[0]["changed"], false);

    // The server holds the store: reprocess queues beside it, and the
    // server's processor takes the job up from the store.
    testing::CommandResult rp =
        testing::RunCrashbox({"reprocess", "--data-dir", data, id});
    EXPECT_EQ(rp.exit_code, 0) << rp.err;
    httpclient::HttpClient http;
    json processed;
    for (int i = 0; i < 300; ++i) {
      processed =
          GetJson(http, server.url() + "/api/ProcessedCrash/?crash_id=" + id);
      if (processed["processor_history"].size() == 1u) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(processed["processor_history"].size(), 1u);
  }
  // No server: reprocess queues in the store; the next server processes it.
  testing::CommandResult direct = testing::RunCrashbox(
      {"reprocess", "--data-dir", data, "--ruleset", "regenerate_signature"},
      id + "\n");
  EXPECT_EQ(direct.exit_code, 0) << direct.err;
  testing::CommandResult unknown =
      testing::RunCrashbox({"reprocess", "--data-dir", data,
                            "00000000-0000-4000-8000-000000261124"});
  EXPECT_EQ(unknown.exit_code, 1);
  testing::ServerProcess again(data);
  ASSERT_TRUE(again.started());
  ASSERT_TRUE(WaitForQueues(again.url(), std::chrono::seconds(30)));
  httpclient::HttpClient http;
  json processed =
      GetJson(http, again.url() + "/api/ProcessedCrash/?crash_id=" + id);
  EXPECT_EQ(processed["processor_history"].size(), 2u);

  testing::CommandResult bad =
      testing::RunCrashbox({"show", "--data-dir", data, "not-a-crash"});
  EXPECT_EQ(bad.exit_code, 2);
  testing::CommandResult missing = testing::RunCrashbox(
      {"show", "--data-dir", data, "00000000-0000-4000-8000-000000261124"});
  EXPECT_EQ(missing.exit_code, 1);
}

TEST(SignatureCli, SignsCrashDataFromFilesAndStdin) {
  testing::TempDir dir;
  json crash_data = {
      {"os", "Linux"},
      {"crashing_thread", 0},
      {"threads",
       json::array({json{
           {"frames",
            json::array({json{{"module", "libc.so.6"}, {"function", "raise"}},
                         json{{"module", "libc.so.6"}, {"function", "abort"}},
                         json{{"module", "app"},
                              {"function", "Widget::Paint(Canvas&)"}},
                         json{{"module", "app"}, {"function", "main"}}})}}})}};
  testing::WriteFileOrDie(dir / "crash.json", crash_data.dump());
  testing::CommandResult r =
      testing::RunCrashbox({"signature", (dir / "crash.json").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Widget::Paint"), std::string::npos) << r.out;
  testing::CommandResult from_stdin =
      testing::RunCrashbox({"signature", "--format", "csv"}, crash_data.dump());
  EXPECT_NE(from_stdin.out.find("\"stdin\""), std::string::npos)
      << from_stdin.out;
  testing::CommandResult broken =
      testing::RunCrashbox({"signature"}, "[not an object]");
  EXPECT_EQ(broken.exit_code, 1);
  fs::path socorro =
      fs::path(std::getenv("CB_SOURCE_DIR") ? std::getenv("CB_SOURCE_DIR")
                                            : ".") /
      ".." / "shared" / "reference" / "socorro-siglists";
  if (fs::is_directory(socorro)) {
    testing::CommandResult with_lists = testing::RunCrashbox(
        {"signature", "--siglists", socorro.string()}, crash_data.dump());
    EXPECT_EQ(with_lists.exit_code, 0) << with_lists.err;
    EXPECT_NE(with_lists.out.find("Widget::Paint"), std::string::npos)
        << with_lists.out;
  }
}

}  // namespace
}  // namespace crashbox
