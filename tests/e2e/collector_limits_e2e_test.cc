// SPDX-License-Identifier: MPL-2.0
// Issue 9, points 2 and 4, against the real server: a small gzipped request
// whose JSON `extra` expands to tens of MiB of `[0,0,...]` is refused without
// the server's memory following it, and a dump part whose name would be
// stored under the minidump's key never replaces the minidump.
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/base/gzip.h"
#include "app/base/sha256.h"
#include "app/httpclient/http_client.h"
#include "app/wire/multipart_writer.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/synth/synth_dump.h"
#include "tests/testing/temp_dir.h"

namespace crashbox {
namespace {

using nlohmann::json;
using testing::BodyOf;
using testing::RawHttp;
using testing::StatusOf;

// Peak resident memory of a process (VmHWM), in bytes; 0 when unreadable.
uint64_t PeakRssBytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

std::string SubmitRequest(const std::string& content_type,
                          const std::string& body, bool gzipped) {
  return "POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: " + content_type +
         "\r\n" + (gzipped ? "Content-Encoding: gzip\r\n" : "") +
         "Content-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
}

// A crash report whose JSON extra holds `zeros` zeros: 2 bytes of text each,
// about 24 times that once parsed into a value.
std::string AmplifyingBody(size_t zeros, wire::MultipartWriter& w) {
  std::string extra = R"({"ProductName":"Amplifier","Version":"1.0","Pad":[)";
  extra.reserve(extra.size() + 2 * zeros + 2);
  for (size_t i = 0; i < zeros; ++i) extra += i ? ",0" : "0";
  extra += "]}";
  w.AddFile("extra", "extra.json", extra, "application/json");
  w.AddFile("upload_file_minidump", "a.dmp", "MDMP");
  return base::Gzip(AsBytes(w.Finish()));
}

TEST(CollectorLimitsE2E, JsonAmplificationIsRefusedAndMemoryStaysBounded) {
  testing::TempDir dir;
  // The in-flight budget alone (counting bytes) used to let this through: the
  // decompressed body is 48 MiB, below the budget, but its parse took >1 GiB.
  testing::ServerProcess server(
      (dir / "var").string(),
      {"--max-inflight-bytes", "64MiB", "--http-threads", "8",
       "--processor-workers", "1"});
  ASSERT_TRUE(server.started());
  const uint64_t baseline = PeakRssBytes(server.pid());
  ASSERT_GT(baseline, 0u);

  wire::MultipartWriter w;
  std::string body = AmplifyingBody(24u << 20, w);
  ASSERT_LT(body.size(), 256u << 10);  // a small request
  std::string resp =
      RawHttp(server.port(), SubmitRequest(w.ContentType(), body, true),
              std::chrono::seconds(60));
  EXPECT_EQ(StatusOf(resp), 400) << resp.substr(0, 300);
  EXPECT_EQ(BodyOf(resp), "Discarded=malformed_json_too_large");

  const uint64_t peak = PeakRssBytes(server.pid());
  std::printf(
      "json amplification: %zu-byte request, server VmHWM %.1f MiB (%.1f MiB "
      "at start)\n",
      body.size(), peak / 1048576.0, baseline / 1048576.0);
  // Bound: the in-flight budget (64 MiB) plus fixed costs; the old collector
  // went past 1 GiB on this request.
  EXPECT_LT(peak, baseline + (128u << 20)) << "peak RSS " << peak;

  // The server still takes an ordinary JSON crash report.
  wire::MultipartWriter ok;
  ok.AddJson("extra", json{{"ProductName", "After"}, {"Version", "1.0"}});
  resp = RawHttp(server.port(),
                 SubmitRequest(ok.ContentType(), ok.Finish(), false));
  EXPECT_EQ(StatusOf(resp), 200) << resp;
}

std::string MinidumpBytes() {
  testing::SynthDump dump(testing::SynthCpu::kAmd64, /*platform=*/0x8201);
  dump.AddModule(
      {.name = "/usr/bin/app",
       .base = 0x400000,
       .size = 0x10000,
       .cv_record = testing::SynthDump::Elf(std::string(16, '\x11'))});
  testing::SynthContext ctx{testing::SynthCpu::kAmd64,
                            {{"rip", 0x401010}, {"rsp", 0x7000}, {"rbp", 0}},
                            {}};
  dump.AddThread(1, ctx, 0x7000,
                 testing::SynthDump::Words64({0x402010, 0, 0, 0}));
  dump.SetException(1, /*SIGSEGV*/ 11, /*SEGV_MAPERR*/ 1, 0x10, {}, ctx);
  return dump.Build();
}

TEST(CollectorLimitsE2E, EveryStoredDumpIsTheOneItsChecksumDescribes) {
  testing::TempDir dir;
  testing::ServerProcess server(
      (dir / "var").string(),
      {"--http-threads", "8", "--processor-workers", "1"});
  ASSERT_TRUE(server.started());
  const std::string minidump = MinidumpBytes();
  const std::string browser = "browser minidump bytes";

  // Parts named "dump" or "!!!" would be stored under the minidump's key.
  for (const char* alias : {"dump", "!!!"}) {
    wire::MultipartWriter w;
    w.AddText("ProductName", "Test");
    w.AddFile("upload_file_minidump", "a.dmp", minidump);
    w.AddFile(alias, "x.dmp", "not a minidump");
    std::string resp = RawHttp(
        server.port(), SubmitRequest(w.ContentType(), w.Finish(), false));
    EXPECT_EQ(StatusOf(resp), 400) << alias << ": " << resp.substr(0, 300);
    EXPECT_EQ(BodyOf(resp), "Discarded=malformed_invalid_dump_name") << alias;
  }

  // A second part whose name sanitizes to the minidump's: the first is kept.
  wire::MultipartWriter w;
  w.AddText("ProductName", "Test");
  w.AddFile("upload_file_minidump", "a.dmp", minidump);
  w.AddFile("upload_file_minidump_browser", "b.dmp", browser);
  w.AddFile("upload_file_minidump!", "c.dmp", "not a minidump");
  std::string resp =
      RawHttp(server.port(), SubmitRequest(w.ContentType(), w.Finish(), false));
  ASSERT_EQ(StatusOf(resp), 200) << resp;
  std::string id = BodyOf(resp).substr(std::string("CrashID=bp-").size(), 36);

  httpclient::HttpClient http;
  auto meta = http.Get(server.url() + "/api/RawCrash/?crash_id=" + id);
  ASSERT_TRUE(meta.ok());
  ASSERT_EQ(meta->status, 200) << meta->body;
  json raw = json::parse(meta->body);
  const json& sums = raw["metadata"]["dump_checksums"];
  ASSERT_EQ(sums.size(), 2u) << sums.dump();
  const std::map<std::string, std::string> sent = {
      {"upload_file_minidump", minidump},
      {"upload_file_minidump_browser", browser}};
  for (const auto& [name, sum] : sums.items()) {
    auto got = http.Get(server.url() + "/api/RawCrash/?crash_id=" + id +
                        "&format=raw&name=" + name);
    ASSERT_TRUE(got.ok());
    ASSERT_EQ(got->status, 200) << name;
    EXPECT_EQ(base::Sha256Hex(AsBytes(got->body)), sum.get<std::string>())
        << name;
    ASSERT_TRUE(sent.count(name)) << name;
    EXPECT_TRUE(got->body == sent.at(name))
        << name << ": the stored bytes are not the part sent under that name";
  }
  auto dump = http.Get(server.url() + "/api/RawCrash/?crash_id=" + id +
                       "&format=raw&name=dump");
  ASSERT_TRUE(dump.ok());
  EXPECT_TRUE(dump->body == minidump) << "name=dump is not the minidump";

  // The processed crash describes the same minidump.
  json processed;
  for (int i = 0; i < 100; ++i) {
    auto p = http.Get(server.url() + "/api/ProcessedCrash/?crash_id=" + id);
    if (p.ok() && p->status == 200) {
      processed = json::parse(p->body);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(processed.is_object()) << "not processed";
  EXPECT_EQ(processed.value("minidump_sha256_hash", ""),
            base::Sha256Hex(AsBytes(minidump)));
}

}  // namespace
}  // namespace crashbox
