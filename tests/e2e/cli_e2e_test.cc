// SPDX-License-Identifier: MPL-2.0
// The command line as a user types it (issue 10 point 8): switches that need
// no value, repeatable options that take one value each time, and a `show`
// that stays readable when hundreds of modules lack symbols.
#include <array>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/submitter/submitter.h"
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

// A Windows amd64 dump with `modules` modules, one thread running in each:
// every module is on a stack, so every one is looked up (and, with no
// symbols, missing).
std::string DumpWithModules(int modules) {
  SynthDump dump(SynthCpu::kAmd64, /*platform=*/2);
  for (int i = 0; i < modules; ++i) {
    std::array<uint8_t, 16> guid{};
    guid.fill(static_cast<uint8_t>(0x10 + i));
    uint64_t base = 0x400000 + 0x100000 * static_cast<uint64_t>(i);
    dump.AddModule({.name = "C:\\app\\m" + std::to_string(i) + ".dll",
                    .base = base,
                    .size = 0x10000,
                    .cv_record = SynthDump::Pdb70(
                        guid, 1, "m" + std::to_string(i) + ".pdb")});
    uint64_t sp = 0x7000 + 0x1000 * static_cast<uint64_t>(i);
    dump.AddThread(
        static_cast<uint32_t>(i + 1),
        SynthContext{SynthCpu::kAmd64, {{"rip", base + 0x20}, {"rsp", sp}}, {}},
        sp, SynthDump::Words64({0, 0}));
  }
  dump.SetException(1, 0xC0000005, 0, 0x10, {0, 0x10});
  return dump.Build();
}

std::string ConfigValue(const std::vector<std::string>& flags,
                        const std::string& key) {
  std::vector<std::string> args = {"config"};
  args.insert(args.end(), flags.begin(), flags.end());
  CommandResult r = RunCrashbox(args);
  if (r.exit_code != 0) return "exit " + std::to_string(r.exit_code);
  size_t at = r.out.find(key + "=");
  if (at == std::string::npos) return "absent";
  size_t from = at + key.size() + 1;
  return r.out.substr(from, r.out.find_first_of(" \n", from) - from);
}

TEST(CliE2E, BooleanSettingsAreSwitches) {
  const std::string key = "CRASHBOX_MOZILLA_SIGNATURE_RULES";
  EXPECT_EQ(ConfigValue({}, key), "false");
  EXPECT_EQ(ConfigValue({"--mozilla-signature-rules"}, key), "true");
  EXPECT_EQ(ConfigValue({"--mozilla-signature-rules=false"}, key), "false");
  EXPECT_EQ(ConfigValue({"--no-store-sync"}, "CRASHBOX_STORE_SYNC"), "false");
  EXPECT_EQ(ConfigValue({"--mozilla-signature-rules=maybe"}, key), "exit 2");
  // The switch never swallows the next argument.
  EXPECT_EQ(ConfigValue({"--mozilla-signature-rules", "true"}, key), "exit 2");
}

TEST(CliE2E, StackwalkWalksEveryDumpAfterARepeatableOption) {
  testing::TempDir dir;
  for (const char* name : {"a.dmp", "b.dmp"})
    std::ofstream(dir / name, std::ios::binary) << DumpWithModules(2);
  fs::create_directories(dir / "syms");
  fs::path out = dir / "out";

  CommandResult r =
      RunCrashbox({"stackwalk", "--format", "breakpad-m", "--symbols-path",
                   (dir / "syms").string(), "--output-dir", out.string(),
                   (dir / "a.dmp").string(), (dir / "b.dmp").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(out / "a.m.txt"));
  EXPECT_TRUE(fs::exists(out / "b.m.txt"));

  // Fewer dumps walked than given: said so, and the exit code is the worst.
  r = RunCrashbox({"stackwalk", "--format", "breakpad-m", "--output-dir",
                   out.string(), (dir / "a.dmp").string(),
                   (dir / "missing.dmp").string()});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("walked 1 of 2 dumps"), std::string::npos) << r.err;
}

TEST(CliE2E, ShowListsAFewMissingSymbolsOneALine) {
  testing::TempDir dir;
  std::string data = (dir / "var").string();
  testing::ServerProcess server(data);
  ASSERT_TRUE(server.started());
  submitter::CrashPayload p;
  p.annotations = json{{"ProductName", "Many"}, {"Version", "1.0"}};
  p.dumps.emplace_back("upload_file_minidump", DumpWithModules(8));
  auto id = submitter::Submitter({server.url()}).Submit(p);
  ASSERT_TRUE(id.ok()) << id.status().ToString();

  CommandResult show;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {  // 1 until the crash is processed
    show = RunCrashbox({"show", "--data-dir", data, id.value()});
    if (show.exit_code != 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(show.exit_code, 0) << show.err;

  EXPECT_NE(show.out.find("8 modules without symbols"), std::string::npos)
      << show.out;
  int listed = 0;
  for (size_t at = show.out.find("\n  "); at != std::string::npos;
       at = show.out.find("\n  ", at + 1)) {
    listed += show.out.compare(at, 20, "\n                  m") == 0;
  }
  EXPECT_EQ(listed, 5) << show.out;
  EXPECT_NE(show.out.find("3 more: `crashbox show " + id.value() + " --json`"),
            std::string::npos)
      << show.out;
  // One module a line, never the ';'-joined field.
  EXPECT_EQ(show.out.find(';'), std::string::npos) << show.out;
}

}  // namespace
}  // namespace crashbox
