// SPDX-License-Identifier: MPL-2.0
// End to end: the real binary, real HTTP, real LMDB. Crash reports go in
// through /submit (plain, gzipped, JSON extra) and come back byte for byte
// through /api/RawCrash.
#include <filesystem>
#include <random>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/base/sha256.h"
#include "app/base/strings.h"
#include "app/httpclient/http_client.h"
#include "app/submitter/submitter.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/temp_dir.h"

namespace crashbox {
namespace {

using nlohmann::json;
using submitter::CrashPayload;
using testing::ServerProcess;

struct Mode {
  const char* name;
  bool gzip;
  bool json_extra;
};
constexpr Mode kModes[] = {{"plain", false, false},
                           {"gzip", true, false},
                           {"json_extra", false, true}};

// Submits `payload` and checks what the API gives back.
void SubmitAndVerify(const std::string& url, const CrashPayload& payload,
                     const Mode& mode) {
  SCOPED_TRACE(payload.source + " " + mode.name);
  submitter::Submitter sub({url, mode.gzip, mode.json_extra});
  Result<std::string> id = sub.Submit(payload);
  ASSERT_TRUE(id.ok()) << id.status().ToString();

  httpclient::HttpClient http;
  auto raw = http.Get(url + "/api/RawCrash/?crash_id=" + id.value());
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->status, 200) << raw->body;
  json stored = json::parse(raw->body);
  for (const auto& [k, v] : payload.annotations.items()) {
    if (k == "Email") {
      EXPECT_FALSE(stored.contains(k));  // removed by the collector, as Antenna
      continue;
    }
    EXPECT_EQ(stored[k], v) << k;
  }
  EXPECT_EQ(stored["metadata"]["payload_compressed"], mode.gzip ? "1" : "0");
  EXPECT_EQ(stored["metadata"]["payload"],
            mode.json_extra ? "json" : "multipart");
  for (const auto& [name, bytes] : payload.dumps) {
    std::string sha = base::Sha256Hex(AsBytes(bytes));
    EXPECT_EQ(stored["metadata"]["dump_checksums"][name], sha);
    auto dump = http.Get(url + "/api/RawCrash/?crash_id=" + id.value() +
                         "&format=raw&name=" + name);
    ASSERT_TRUE(dump.ok());
    ASSERT_EQ(dump->status, 200);
    EXPECT_EQ(dump->body.size(), bytes.size());
    EXPECT_EQ(base::Sha256Hex(AsBytes(dump->body)), sha);
  }
}

TEST(SubmitE2E, CorpusRoundTripsInEveryEncoding) {
  std::filesystem::path corpus = testing::CorpusDir();
  if (corpus.empty())
    GTEST_SKIP() << "../shared/corpus not present: corpus round trip skipped";
  Result<std::vector<CrashPayload>> payloads =
      submitter::LoadPayloads((corpus / "dumps").string());
  ASSERT_TRUE(payloads.ok()) << payloads.status().ToString();
  ASSERT_EQ(payloads->size(), 100u);
  testing::TempDir dir;
  ServerProcess server((dir / "var").string());
  ASSERT_TRUE(server.started());
  for (const CrashPayload& p : *payloads) {
    for (const Mode& m : kModes) SubmitAndVerify(server.url(), p, m);
  }
}

TEST(SubmitE2E, SyntheticReportsWithSeveralDumpsRoundTrip) {
  testing::TempDir dir;
  ServerProcess server((dir / "var").string());
  ASSERT_TRUE(server.started());
  std::mt19937 rng(7);
  for (int i = 0; i < 5; ++i) {
    CrashPayload p;
    p.source = "synthetic " + std::to_string(i);
    p.annotations = json{{"ProductName", "Synth"},
                         {"Version", "1." + std::to_string(i)},
                         {"Email", "x@example.org"},
                         {"Notes", std::string("nul\0inside", 10)}};
    for (const char* name : {"upload_file_minidump",
                             "upload_file_minidump_browser", "memory_report"}) {
      std::string bytes(1000 + rng() % 300000, '\0');
      for (char& c : bytes) c = static_cast<char>(rng());
      p.dumps.emplace_back(name, std::move(bytes));
    }
    for (const Mode& m : kModes) SubmitAndVerify(server.url(), p, m);
  }
}

TEST(SubmitE2E, CliSubmitReadsPathsFromStdinAndPrintsIds) {
  testing::TempDir dir;
  testing::WriteFileOrDie(dir / "in" / "a.dmp", "MDMP-a");
  testing::WriteFileOrDie(dir / "in" / "a.json", R"({"ProductName": "Cli"})");
  testing::WriteFileOrDie(dir / "in" / "b.dmp", "MDMP-b");
  ServerProcess server((dir / "var").string());
  ASSERT_TRUE(server.started());
  testing::CommandResult r = testing::RunCrashbox(
      {"submit", "--gzip", "--annotation", "Extra=1", server.url()},
      (dir / "in" / "a.dmp").string() + "\n" + (dir / "in" / "b.dmp").string() +
          "\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> ids;
  for (std::string_view line : base::Split(r.out, '\n')) {
    if (!line.empty()) ids.emplace_back(line);
  }
  ASSERT_EQ(ids.size(), 2u) << r.out;
  httpclient::HttpClient http;
  for (const std::string& id : ids) {
    auto raw = http.Get(server.url() + "/api/RawCrash/?crash_id=" + id);
    ASSERT_EQ(raw->status, 200);
    EXPECT_EQ(json::parse(raw->body)["Extra"], "1");
  }
  testing::CommandResult bad = testing::RunCrashbox(
      {"submit", server.url(), (dir / "nope.dmp").string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("no such file"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace crashbox
