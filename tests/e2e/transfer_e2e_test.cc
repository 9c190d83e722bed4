// SPDX-License-Identifier: MPL-2.0
// `crashbox import` and `crashbox export` on the real binary (issue 12 point
// 5): a store exported and imported elsewhere holds the same crashes; a bad
// file is reported by path while the rest imports; a second import skips
// everything; a raw crash alone is processed once a server starts; import
// imports beside a running server, which serves the processed crashes and
// processes the raw ones.
#include <array>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/httpclient/http_client.h"
#include "app/submitter/submitter.h"
#include "tests/e2e/e2e_http.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/synth/synth_dump.h"
#include "tests/testing/temp_dir.h"

namespace crashbox {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::CommandResult;
using testing::RunCrashbox;
using testing::SynthContext;
using testing::SynthCpu;
using testing::SynthDump;
using testing::WaitForQueues;

std::string SmallDump(uint8_t seed) {
  SynthDump dump(SynthCpu::kAmd64, /*platform=*/2);
  std::array<uint8_t, 16> guid{};
  guid.fill(seed);
  dump.AddModule({.name = "C:\\app\\app.exe",
                  .base = 0x400000,
                  .size = 0x10000,
                  .cv_record = SynthDump::Pdb70(guid, 1, "app.pdb")});
  dump.AddThread(
      1,
      SynthContext{SynthCpu::kAmd64, {{"rip", 0x400020}, {"rsp", 0x7000}}, {}},
      0x7000, SynthDump::Words64({0, 0}));
  dump.SetException(1, 0xC0000005, 0, 0x10, {0, 0x10});
  return dump.Build();
}

// Every file under `root`, relative path → bytes.
std::map<std::string, std::string> Tree(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file())
      out[fs::relative(e.path(), root).string()] =
          testing::ReadFileOrDie(e.path());
  }
  return out;
}

TEST(TransferE2E, ExportImportRoundTripSkipsOnReimportAlsoBesideAServer) {
  testing::TempDir dir;
  std::string a = (dir / "a").string(), b = (dir / "b").string();
  std::vector<std::string> ids;
  {
    testing::ServerProcess server(a);
    ASSERT_TRUE(server.started());
    for (uint8_t i = 0; i < 3; ++i) {
      submitter::CrashPayload p;
      p.annotations =
          json{{"ProductName", "Round"}, {"Version", "1." + std::to_string(i)}};
      p.dumps.emplace_back("upload_file_minidump", SmallDump(0x20 + i));
      if (i == 0) p.dumps.emplace_back("memory_report", "not really gzip");
      auto id = submitter::Submitter({server.url()}).Submit(p);
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      ids.push_back(id.value());
    }
    ASSERT_TRUE(WaitForQueues(server.url()));
  }
  fs::path out = dir / "out";
  CommandResult ex = RunCrashbox({"export", out.string(), "--data-dir", a});
  ASSERT_EQ(ex.exit_code, 0) << ex.err;
  EXPECT_NE(ex.out.find("exported 3 crashes"), std::string::npos) << ex.out;
  EXPECT_TRUE(fs::exists(out / "v1/memory_report" / ids[0]));
  EXPECT_TRUE(fs::exists(out / "v1/processed_crash" / ids[2]));

  CommandResult im = RunCrashbox({"import", out.string(), "--data-dir", b});
  ASSERT_EQ(im.exit_code, 0) << im.err;
  EXPECT_EQ(im.out,
            "imported 3, skipped 0 already present, failed 0, queued 0 for "
            "processing\n");
  for (const std::string& id : ids) {
    CommandResult from_a = RunCrashbox({"show", "--json", "--data-dir", a, id});
    CommandResult from_b = RunCrashbox({"show", "--json", "--data-dir", b, id});
    ASSERT_EQ(from_b.exit_code, 0) << from_b.err;
    EXPECT_EQ(from_a.out, from_b.out);
  }
  // Exported again from the copy, the tree is the same byte for byte.
  CommandResult ex2 =
      RunCrashbox({"export", (dir / "out2").string(), "--data-dir", b});
  ASSERT_EQ(ex2.exit_code, 0) << ex2.err;
  EXPECT_EQ(Tree(out), Tree(dir / "out2"));

  CommandResult again = RunCrashbox({"import", out.string(), "--data-dir", b});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("imported 0, skipped 3 already present"),
            std::string::npos)
      << again.out;

  testing::ServerProcess server(b);
  ASSERT_TRUE(server.started());
  // Beside the server, everything is present already: nothing to queue.
  CommandResult busy = RunCrashbox({"import", out.string(), "--data-dir", b});
  EXPECT_EQ(busy.exit_code, 0) << busy.err;
  EXPECT_NE(busy.out.find("imported 0, skipped 3 already present"),
            std::string::npos)
      << busy.out;
  // Export reads beside the server; the files are already there, unchanged.
  CommandResult beside = RunCrashbox({"export", out.string(), "--data-dir", b});
  EXPECT_EQ(beside.exit_code, 0) << beside.err;
  EXPECT_NE(beside.out.find("0 files written"), std::string::npos)
      << beside.out;
}

TEST(TransferE2E, BadFileIsReportedAndARawCrashAloneIsProcessedLater) {
  testing::TempDir dir;
  fs::path in = dir / "in";
  const std::string good = "a1b2c3d4-0000-4000-8000-000000261205";
  const std::string bad = "b1b2c3d4-0000-4000-8000-000000261205";
  testing::WriteFileOrDie(
      in / "v1/raw_crash/20261205" / good,
      R"({"ProductName": "Imported", "Version": "2.0", "submitted_timestamp": "2026-12-05T08:00:00+00:00"})");
  testing::WriteFileOrDie(in / "v1/dump_names" / good,
                          R"(["upload_file_minidump"])");
  testing::WriteFileOrDie(in / "v1/dump" / good, SmallDump(0x40));
  fs::path bad_path = in / "v1/raw_crash/20261205" / bad;
  testing::WriteFileOrDie(bad_path, R"({"ProductName": "Broken",)");

  std::string data = (dir / "var").string();
  CommandResult im = RunCrashbox({"import", in.string(), "--data-dir", data});
  EXPECT_EQ(im.exit_code, 1);
  EXPECT_NE(im.err.find(bad_path.string() + ": invalid JSON"),
            std::string::npos)
      << im.err;
  EXPECT_EQ(im.out,
            "imported 1, skipped 0 already present, failed 1, queued 1 for "
            "processing\n");
  EXPECT_EQ(RunCrashbox({"show", "--data-dir", data, good}).exit_code, 1);

  // Processed crashes as JSON lines on stdin, stored as they are.
  const std::string line_id = "c1b2c3d4-0000-4000-8000-000000261204";
  std::string line =
      R"({"uuid": ")" + line_id +
      R"(", "signature": "imported | as is", "product": "Lines"})";
  CommandResult lines =
      RunCrashbox({"import", "-", "--data-dir", data}, line + "\nnot json\n");
  EXPECT_EQ(lines.exit_code, 1);
  EXPECT_NE(lines.err.find("<stdin>:2: invalid JSON"), std::string::npos)
      << lines.err;
  CommandResult shown =
      RunCrashbox({"show", "--json", "--data-dir", data, line_id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(json::parse(shown.out)["signature"], "imported | as is");

  testing::ServerProcess server(data);
  ASSERT_TRUE(server.started());
  ASSERT_TRUE(WaitForQueues(server.url()));
  CommandResult processed =
      RunCrashbox({"show", "--json", "--data-dir", data, good});
  ASSERT_EQ(processed.exit_code, 0) << processed.err;
  json p = json::parse(processed.out);
  EXPECT_EQ(p["product"], "Imported");
  EXPECT_EQ(p["version"], "2.0");
  EXPECT_FALSE(p["signature"].get<std::string>().empty());
}

TEST(TransferE2E, ImportsBesideARunningServerWhichServesAndProcesses) {
  testing::TempDir dir;
  std::string data = (dir / "var").string();
  testing::ServerProcess server(data);
  ASSERT_TRUE(server.started());
  httpclient::HttpClient http;
  // Submitted before the import, so the server's store is in use.
  submitter::CrashPayload p;
  p.annotations = json{{"ProductName", "Live"}, {"Version", "3.0"}};
  p.dumps.emplace_back("upload_file_minidump", SmallDump(0x50));
  auto live = submitter::Submitter({server.url()}).Submit(p);
  ASSERT_TRUE(live.ok()) << live.status().ToString();

  std::string lines;
  std::vector<std::string> ids;
  for (int i = 0; i < 300; ++i) {  // more than one import batch
    std::string id = fmt::format("d1b2c3d4-0000-4000-8000-{:06d}261205", i);
    ids.push_back(id);
    lines += json{{"uuid", id},
                  {"signature", fmt::format("beside | {}", i)},
                  {"product", "Beside"}}
                 .dump() +
             "\n";
  }
  CommandResult im = RunCrashbox({"import", "-", "--data-dir", data}, lines);
  ASSERT_EQ(im.exit_code, 0) << im.err;
  EXPECT_EQ(im.out,
            "imported 300, skipped 0 already present, failed 0, queued 0 for "
            "processing\n");
  for (const std::string& id : {ids.front(), ids.back()}) {
    auto r = http.Get(server.url() + "/api/ProcessedCrash/?crash_id=" + id);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, 200) << r->body;
    json doc = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(doc.is_object()) << r->body;
    EXPECT_EQ(doc["uuid"], id);
    EXPECT_EQ(doc["product"], "Beside");
  }

  // A bucket copy: the processed crash is stored as is, the raw crash is
  // queued, and the running server processes it (its workers poll the
  // store, so an entry another process queued is taken up).
  fs::path in = dir / "in";
  const std::string raw_id = "e1b2c3d4-0000-4000-8000-000000261205";
  const std::string done_id = "f1b2c3d4-0000-4000-8000-000000261205";
  testing::WriteFileOrDie(in / "v1/raw_crash/20261205" / raw_id,
                          R"({"ProductName": "Queued", "Version": "4.0"})");
  testing::WriteFileOrDie(in / "v1/dump_names" / raw_id,
                          R"(["upload_file_minidump"])");
  testing::WriteFileOrDie(in / "v1/dump" / raw_id, SmallDump(0x60));
  testing::WriteFileOrDie(in / "v1/processed_crash" / done_id,
                          json{{"uuid", done_id}, {"product", "Done"}}.dump());
  CommandResult dir_im =
      RunCrashbox({"import", in.string(), "--data-dir", data});
  EXPECT_EQ(dir_im.exit_code, 0) << dir_im.err;
  EXPECT_EQ(dir_im.out,
            "imported 2, skipped 0 already present, failed 0, queued 1 for "
            "processing\n");
  auto done =
      http.Get(server.url() + "/api/ProcessedCrash/?crash_id=" + done_id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->status, 200) << done->body;
  auto processed_by_server = [&](const std::string& id) -> json {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      auto r = http.Get(server.url() + "/api/ProcessedCrash/?crash_id=" + id);
      if (r.ok() && r->status == 200)
        return json::parse(r->body, nullptr, false);
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return json();
  };
  json queued = processed_by_server(raw_id);
  ASSERT_TRUE(queued.is_object()) << "the server never processed " << raw_id;
  EXPECT_EQ(queued["product"], "Queued");
  EXPECT_FALSE(queued["signature"].get<std::string>().empty());
  // The server's own submission is processed too: its queue entry was not
  // overwritten by the import's.
  json own = processed_by_server(*live);
  ASSERT_TRUE(own.is_object()) << "the server never processed " << *live;
  EXPECT_EQ(own["product"], "Live");
}

}  // namespace
}  // namespace crashbox
