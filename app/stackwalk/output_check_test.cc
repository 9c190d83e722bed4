// SPDX-License-Identifier: MPL-2.0
// Dump and symbol text that is not UTF-8 reaches every output format without
// an exception: JSON gets U+FFFD (base::Utf8Lossy), the Breakpad text formats
// keep the raw bytes as minidump_stackwalk prints them. Also runs the fuzz
// target's check (output_check_internal.h) over synthetic and corpus dumps.
#include "app/stackwalk/output_check_internal.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/testing/synth/synth_dump.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::stackwalk::internal {
namespace {

using testing::SynthContext;
using testing::SynthCpu;
using testing::SynthDump;

constexpr uint64_t kBase = 0x400000;
constexpr std::string_view kRep = "\xEF\xBF\xBD";  // U+FFFD

// Windows amd64 dump, one thread crashed inside a module whose PDB path is
// in an ANSI code page ("café" as 0xE9, then 0xFF) and whose code file holds
// a lone low surrogate 0xDD00 (which Breakpad's UTF-16 reader turns into the
// ill-formed ED B4 80); the thread name has the same surrogate.
std::string DumpWithInvalidNames() {
  SynthDump dump(SynthCpu::kAmd64, /*platform=*/2);
  std::array<uint8_t, 16> guid{};
  guid.fill(0x42);
  dump.AddModule(
      {.name = "C:\\app\\caf\xed\xb4\x80.exe",
       .base = kBase,
       .size = 0x10000,
       .cv_record = SynthDump::Pdb70(guid, 1, "C:\\build\\caf\xe9\xff.pdb")});
  SynthContext ctx{SynthCpu::kAmd64,
                   {{"rip", kBase + 0x1234}, {"rsp", 0x7000}, {"rbp", 0}},
                   {}};
  dump.AddThread(1, ctx, 0x7000, SynthDump::Words64({kBase + 0x2000, 0, 0, 0}));
  dump.AddThreadName(1, "worker \xed\xb4\x80");
  dump.SetException(1, 0xC0000005, 0, 0x10, {0, 0x10});
  return dump.Build();
}

TEST(InvalidUtf8, JsonGetsOneReplacementPerMaximalSubpartAndTextKeepsRawBytes) {
  std::string bytes = DumpWithInvalidNames();
  auto dump = minidump::Minidump::Open(bytes);
  ASSERT_TRUE(dump.ok()) << dump.status().ToString();
  AnyModuleSupplier supplier(kInvalidUtf8Sym);
  Result<ProcessState> state = WalkDump(*dump.value(), &supplier);
  ASSERT_TRUE(state.ok()) << state.status().ToString();

  std::string text = PrintJsonDump(state.value(), *dump.value());
  ASSERT_TRUE(base::IsValidUtf8(text));
  nlohmann::json j = nlohmann::json::parse(text);
  const nlohmann::json& module = j["modules"][0];
  std::string rep(kRep);
  EXPECT_EQ(module["debug_file"], "C:\\build\\caf" + rep + rep + ".pdb");
  EXPECT_EQ(module["filename"],
            "caf" + rep + rep + rep + ".exe");  // ED B4 80: one per byte
  const nlohmann::json& frame = j["crashing_thread"]["frames"][0];
  EXPECT_EQ(frame["module"], "caf" + rep + rep + rep + ".exe");
  EXPECT_EQ(frame["function"],
            "f" + rep + rep + "unc" + rep);  // F0 90 80 is one subpart
  EXPECT_EQ(frame["file"],
            rep + rep + rep + ".h");  // the inline call site: FILE 1
  ASSERT_EQ(frame["inlines"].size(), 1u);
  EXPECT_EQ(frame["inlines"][0]["function"], "inl" + rep + rep + "ined");
  EXPECT_EQ(frame["inlines"][0]["file"], "src/caf" + rep + rep + ".cc");
  EXPECT_EQ(j["crashing_thread"]["thread_name"], "worker " + rep + rep + rep);

  // minidump_stackwalk prints the bytes it read; so do the Breakpad formats.
  std::string machine = PrintBreakpadMachine(state.value());
  EXPECT_NE(machine.find("caf\xe9\xff.pdb"), std::string::npos) << machine;
  EXPECT_NE(machine.find("f\xff\xfeunc\xf0\x90\x80"), std::string::npos)
      << machine;
  std::string human = PrintBreakpadText(state.value());
  EXPECT_NE(human.find("caf\xed\xb4\x80.exe"), std::string::npos) << human;
}

TEST(InvalidUtf8, EveryOutputOfADumpWithInvalidNamesIsWellFormed) {
  EXPECT_EQ(CheckEveryOutput(DumpWithInvalidNames()), "");
}

TEST(InvalidUtf8, SymTextBeforeTheDumpIsServedForEveryModule) {
  std::string sym =
      "MODULE windows x86_64 4242 a.pdb\nFUNC 0 10000 0 only\xc3(\n";
  EXPECT_EQ(CheckEveryOutput(sym + '\0' + DumpWithInvalidNames()), "");
  EXPECT_EQ(CheckEveryOutput(std::string("garbage\0MDMP", 12)),
            "");  // unreadable dump: nothing to check
}

// The fuzz target's seeds: every corpus dump passes the check.
TEST(InvalidUtf8, CorpusDumpsPassTheFuzzCheck) {
  std::filesystem::path corpus = testing::CorpusDir();
  if (corpus.empty())
    GTEST_SKIP() << "corpus not found (set CB_CORPUS_DIR or place it at "
                    "../shared/corpus)";
  int checked = 0;
  for (const auto& e : std::filesystem::directory_iterator(corpus / "dumps")) {
    if (e.path().extension() != ".dmp") continue;
    EXPECT_EQ(CheckEveryOutput(testing::ReadFileOrDie(e.path())), "")
        << e.path();
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

}  // namespace
}  // namespace crashbox::stackwalk::internal
