// SPDX-License-Identifier: MPL-2.0
// Issue 9 point 3: text in a dump or a symbol file that is not UTF-8 (a PDB
// path in an ANSI code page) must not cost the stack. The real binary prints
// valid JSON with U+FFFD in the CLI, and the server keeps the processed
// crash's json_dump and its real signature.
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/base/strings.h"
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
using testing::SynthContext;
using testing::SynthCpu;
using testing::SynthDump;
using testing::WaitForQueues;

const std::string kRep = "\xEF\xBF\xBD";  // U+FFFD
constexpr uint64_t kApp = 0x400000, kLib = 0x500000;

// Windows amd64: thread 1 crashed in "app.exe", whose PDB path has "café" in
// an ANSI code page plus 0xFF; thread 2 runs in "lib.dll" (symbols below).
std::string MakeDump() {
  SynthDump dump(SynthCpu::kAmd64, /*platform=*/2);
  std::array<uint8_t, 16> guid{};
  guid.fill(0x42);
  dump.AddModule(
      {.name = "C:\\app\\app.exe",
       .base = kApp,
       .size = 0x10000,
       .cv_record = SynthDump::Pdb70(guid, 1, "C:\\build\\caf\xe9\xff.pdb")});
  guid.fill(0x24);
  dump.AddModule({.name = "C:\\app\\lib.dll",
                  .base = kLib,
                  .size = 0x10000,
                  .cv_record = SynthDump::Pdb70(guid, 1, "lib.pdb")});
  dump.AddThread(
      1,
      SynthContext{
          SynthCpu::kAmd64, {{"rip", kApp + 0x1234}, {"rsp", 0x7000}}, {}},
      0x7000, SynthDump::Words64({0, 0}));
  dump.AddThread(
      2,
      SynthContext{
          SynthCpu::kAmd64, {{"rip", kLib + 0x20}, {"rsp", 0x9000}}, {}},
      0x9000, SynthDump::Words64({0, 0}));
  dump.SetException(1, 0xC0000005, 0, 0x10, {0, 0x10});
  return dump.Build();
}

// lib.dll's symbols: Latin-1 function and file names.
void WriteSymbols(const fs::path& root) {
  fs::path dir = root / "lib.pdb" / "242424242424242424242424242424241";
  fs::create_directories(dir);
  std::ofstream(dir / "lib.sym", std::ios::binary)
      << "MODULE windows x86_64 242424242424242424242424242424241 lib.pdb\n"
         "FILE 0 c:\\src\\d\xe9j\xe0.cc\n"
         "FUNC 0 100 0 Stra\xdf"
         "e::Gr\xfc\xdf"
         "e()\n"
         "0 100 7 0\n";
}

TEST(Utf8E2E, StackwalkJsonReplacesInvalidBytesAndBreakpadFormatsKeepThem) {
  testing::TempDir dir;
  fs::path dump_path = dir / "latin1.dmp";
  std::ofstream(dump_path, std::ios::binary) << MakeDump();
  WriteSymbols(dir / "symbols");

  testing::CommandResult r =
      testing::RunCrashbox({"stackwalk", "--format", "json", "--symbols-path",
                            (dir / "symbols").string(), dump_path.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(base::IsValidUtf8(r.out));
  json j = json::parse(r.out);  // strict: throws on ill-formed UTF-8
  EXPECT_EQ(j["modules"][0]["debug_file"],
            "C:\\build\\caf" + kRep + kRep + ".pdb");
  EXPECT_EQ(j["threads"][1]["frames"][0]["function"],
            "Stra" + kRep + "e::Gr" + kRep + kRep + "e()");
  EXPECT_EQ(j["threads"][1]["frames"][0]["file"],
            "c:\\src\\d" + kRep + "j" + kRep + ".cc");

  // The Breakpad formats print the bytes as read, as minidump_stackwalk does.
  for (const char* format : {"breakpad", "breakpad-m"}) {
    testing::CommandResult t =
        testing::RunCrashbox({"stackwalk", "--format", format, "--symbols-path",
                              (dir / "symbols").string(), dump_path.string()});
    ASSERT_EQ(t.exit_code, 0) << format << ": " << t.err;
    EXPECT_NE(t.out.find("Stra\xdf"
                         "e::Gr\xfc\xdf"
                         "e()"),
              std::string::npos)
        << format;
  }
  testing::CommandResult m = testing::RunCrashbox(
      {"stackwalk", "--format", "breakpad-m", dump_path.string()});
  EXPECT_NE(m.out.find("caf\xe9\xff.pdb"), std::string::npos) << m.out;
}

TEST(Utf8E2E, ServerKeepsJsonDumpAndSignatureOfADumpWithAnAnsiPdbPath) {
  testing::TempDir dir;
  testing::ServerProcess server((dir / "var").string());
  ASSERT_TRUE(server.started());
  submitter::CrashPayload p;
  p.annotations = json{{"ProductName", "Latin1"}, {"Version", "1.0"}};
  p.dumps.emplace_back("upload_file_minidump", MakeDump());
  auto id = submitter::Submitter({server.url()}).Submit(p);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  ASSERT_TRUE(WaitForQueues(server.url(), std::chrono::seconds(30)));

  httpclient::HttpClient http;
  auto r =
      http.Get(server.url() + "/api/ProcessedCrash/?crash_id=" + id.value());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  ASSERT_TRUE(base::IsValidUtf8(r->body));
  json processed = json::parse(r->body);
  ASSERT_TRUE(processed["json_dump"].is_object()) << r->body;
  EXPECT_EQ(processed["json_dump"]["modules"][0]["debug_file"],
            "C:\\build\\caf" + kRep + kRep + ".pdb");
  EXPECT_EQ(processed["mdsw_status_string"], "OK");
  std::string signature = processed.value("signature", "");
  EXPECT_FALSE(signature.starts_with("EMPTY")) << signature;
  EXPECT_EQ(signature,
            "app.exe");  // siggen: frame 0 in a module without symbols
}

// Request text quoted back in an error (a crash id or dump name with %FF) is
// converted too: a 400 or 404 with valid JSON, not a 500 from nlohmann.
TEST(Utf8E2E, ApiErrorsQuotingInvalidUtf8AreAnsweredNormally) {
  testing::TempDir dir;
  testing::ServerProcess server((dir / "var").string());
  ASSERT_TRUE(server.started());
  struct Case {
    std::string target;
    int status;
  };
  for (const Case& c : {Case{"/api/ProcessedCrash/?crash_id=%FFabc", 400},
                        Case{"/api/RawCrash/?crash_id=%FF", 400},
                        Case{"/api/RawCrash/"
                             "?crash_id=00000000-0000-0000-0000-000000000000&"
                             "format=raw&name=%FF",
                             404}}) {
    std::string response = testing::RawHttp(
        server.port(), "GET " + c.target +
                           " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    EXPECT_EQ(testing::StatusOf(response), c.status) << c.target << "\n"
                                                     << response;
    std::string body = testing::BodyOf(response);
    EXPECT_TRUE(base::IsValidUtf8(body)) << c.target;
    EXPECT_TRUE(json::accept(body)) << c.target << ": " << body;
  }
}

}  // namespace
}  // namespace crashbox
