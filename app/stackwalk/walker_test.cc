// SPDX-License-Identifier: MPL-2.0
// Unit tests of the unwinders on synthetic dumps: one behaviour per test.
#include "app/stackwalk/walker.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "app/minidump/minidump.h"
#include "app/stackwalk/printers/printers.h"
#include "app/symbols/suppliers/map_supplier.h"
#include "tests/testing/synth/synth_dump.h"

namespace crashbox::stackwalk {
namespace {

using testing::SynthContext;
using testing::SynthCpu;
using testing::SynthDump;

constexpr uint64_t kAppBase = 0x400000;
constexpr uint64_t kStack = 0x7000;

// Little-endian words laid out from the stack base.
class StackBuilder {
 public:
  explicit StackBuilder(int word) : word_(word) {}
  StackBuilder& Word(uint64_t v) {
    for (int i = 0; i < word_; ++i)
      bytes_.push_back(static_cast<char>(v >> (8 * i)));
    return *this;
  }
  std::string bytes() const { return bytes_; }

 private:
  int word_;
  std::string bytes_;
};

struct Walked {
  std::unique_ptr<minidump::Minidump> dump;
  ProcessState state;
  const std::vector<Frame>& frames() const {
    return state.threads.at(0).frames;
  }
};

class WalkTest : public ::testing::Test {
 protected:
  // A dump with module "app" (ELF build id) at kAppBase and one thread.
  SynthDump MakeDump(SynthCpu cpu, std::map<std::string, uint64_t> regs,
                     const StackBuilder& stack) {
    SynthDump dump(cpu);
    dump.AddModule({.name = "app",
                    .base = kAppBase,
                    .size = 0x10000,
                    .cv_record = SynthDump::Elf(std::string(16, '\x11'))});
    dump.AddThread(1, SynthContext{cpu, std::move(regs), {}}, kStack,
                   stack.bytes());
    return dump;
  }
  // Walks `dump`, serving `sym` (if any) as the symbols of "app".
  Walked Walk(const SynthDump& synth, const std::string& sym = "",
              WalkOptions options = {}) {
    Walked w;
    auto opened = minidump::Minidump::Open(synth.Build());
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    w.dump = std::move(opened.value());
    symbols::MapSymbolSupplier supplier;
    if (!sym.empty()) {
      const minidump::Module& app = w.dump->modules()->modules()[0];
      EXPECT_TRUE(supplier.AddText({app.debug_file, app.debug_id}, sym).ok());
    }
    Result<ProcessState> state = WalkDump(*w.dump, &supplier, options);
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    w.state = std::move(state.value());
    return w;
  }
};

const char* kHeader =
    "MODULE Linux x86_64 11111111111111111111111111111111 app\n";

TEST_F(WalkTest, CfiRestoresRegistersFromCfaRules) {
  std::string sym = std::string(kHeader) +
                    "FUNC 1000 100 0 callee\nFUNC 2000 100 0 caller\n"
                    "STACK CFI INIT 1000 100 .cfa: $rsp 16 + .ra: .cfa -8 + ^ "
                    "$rbx: .cfa -16 + ^\n";
  SynthDump dump =
      MakeDump(SynthCpu::kAmd64,
               {{"rip", kAppBase + 0x1010}, {"rsp", kStack}, {"rbx", 1}},
               StackBuilder(8).Word(0x1111).Word(kAppBase + 0x2010));
  Walked w = Walk(dump, sym);
  ASSERT_GE(w.frames().size(), 2u);
  const Frame& caller = w.frames()[1];
  EXPECT_EQ(caller.trust, FrameTrust::kCfi);
  EXPECT_EQ(caller.regs.pc(), kAppBase + 0x2010);
  EXPECT_EQ(caller.regs.sp(), kStack + 16);
  EXPECT_EQ(caller.regs.Get(caller.regs.Index("rbx")), 0x1111u);
  EXPECT_EQ(caller.function_name, "caller");
  EXPECT_EQ(caller.instruction,
            kAppBase + 0x200f);  // the call, not the return address
}

TEST_F(WalkTest, FramePointerIsUsedWithoutCfi) {
  SynthDump dump = MakeDump(
      SynthCpu::kAmd64,
      {{"rip", kAppBase + 0x1010}, {"rsp", kStack}, {"rbp", kStack + 16}},
      StackBuilder(8)
          .Word(0)
          .Word(0)
          .Word(kStack + 32)
          .Word(kAppBase + 0x2010)
          .Word(0)
          .Word(0));
  Walked w = Walk(dump);
  ASSERT_GE(w.frames().size(), 2u);
  EXPECT_EQ(w.frames()[1].trust, FrameTrust::kFramePointer);
  EXPECT_EQ(w.frames()[1].regs.pc(), kAppBase + 0x2010);
  EXPECT_EQ(w.frames()[1].regs.sp(), kStack + 32);
}

TEST_F(WalkTest, ScanSkipsWordsOutsideAnyModule) {
  SynthDump dump = MakeDump(
      SynthCpu::kAmd64,
      {{"rip", kAppBase + 0x1010}, {"rsp", kStack}, {"rbp", 3}},
      StackBuilder(8).Word(0x00007400b0000000).Word(kAppBase + 0x1234));
  Walked w = Walk(dump);
  ASSERT_EQ(w.frames().size(), 2u);
  EXPECT_EQ(w.frames()[1].trust, FrameTrust::kScan);
  EXPECT_EQ(w.frames()[1].regs.sp(), kStack + 16);
  EXPECT_EQ(w.frames()[1].return_address, kAppBase + 0x1234);
}

TEST_F(WalkTest, ScanRefusesAddressesOutsideFunctionsOfModulesWithSymbols) {
  std::string sym =
      std::string(kHeader) + "FUNC 1000 100 0 f\nFUNC 2000 100 0 g\n";
  SynthDump dump =
      MakeDump(SynthCpu::kAmd64,
               {{"rip", kAppBase + 0x1010}, {"rsp", kStack}, {"rbp", 3}},
               StackBuilder(8).Word(kAppBase + 0x5001).Word(kAppBase + 0x2010));
  Walked w = Walk(dump, sym);
  ASSERT_EQ(w.frames().size(), 2u);
  EXPECT_EQ(w.frames()[1].regs.sp(), kStack + 16);
  EXPECT_EQ(w.frames()[1].function_name, "g");
}

TEST_F(WalkTest, StopsWhenTheStackPointerGoesBackwards) {
  std::string sym =
      std::string(kHeader) +
      "FUNC 1000 100 0 f\nSTACK CFI INIT 1000 100 .cfa: $rsp 8 - .ra: $rsp ^\n";
  SynthDump dump = MakeDump(SynthCpu::kAmd64,
                            {{"rip", kAppBase + 0x1010}, {"rsp", kStack + 8}},
                            StackBuilder(8).Word(0).Word(kAppBase + 0x1050));
  Walked w = Walk(dump, sym, {.allow_stack_scan = false});
  EXPECT_EQ(w.frames().size(), 1u);
}

TEST_F(WalkTest, FrameCapTruncatesTheThread) {
  // A frame-pointer chain of many frames.
  StackBuilder stack(8);
  for (int i = 0; i < 32; ++i)
    stack.Word(kStack + 16 * (i + 1)).Word(kAppBase + 0x2010);
  SynthDump dump = MakeDump(
      SynthCpu::kAmd64,
      {{"rip", kAppBase + 0x1010}, {"rsp", kStack}, {"rbp", kStack}}, stack);
  Walked w = Walk(dump, "", {.max_frames_per_thread = 3});
  EXPECT_EQ(w.frames().size(), 3u);
  EXPECT_TRUE(w.state.threads[0].truncated);
}

TEST_F(WalkTest, InlineFramesPrecedeTheirFunction) {
  std::string sym =
      std::string(kHeader) +
      "FILE 0 a.cc\nINLINE_ORIGIN 0 inlined_fn\nFUNC 1000 100 0 outer\n"
      "INLINE 0 7 0 0 1008 10\n1000 100 3 0\n";
  SynthDump dump =
      MakeDump(SynthCpu::kAmd64, {{"rip", kAppBase + 0x1010}, {"rsp", kStack}},
               StackBuilder(8).Word(0));
  Walked w = Walk(dump, sym);
  ASSERT_GE(w.frames().size(), 2u);
  EXPECT_EQ(w.frames()[0].trust, FrameTrust::kInline);
  EXPECT_EQ(w.frames()[0].function_name, "inlined_fn");
  EXPECT_EQ(w.frames()[0].source_line, 3);
  EXPECT_EQ(w.frames()[1].function_name, "outer");
  EXPECT_EQ(w.frames()[1].source_line, 7);  // the call site of the inline
  EXPECT_EQ(w.frames()[1].trust, FrameTrust::kContext);
}

TEST_F(WalkTest, X86StackWinProgramStringFindsTheCaller) {
  std::string sym =
      std::string("MODULE windows x86 11111111111111111111111111111111 app\n") +
      "FUNC 1000 100 0 f\nFUNC 2000 100 0 g\n"
      "STACK WIN 4 1000 100 0 0 0 0 0 0 1 $T0 $esp = $eip $T0 ^ = $esp $T0 4 + "
      "=\n";
  SynthDump dump = MakeDump(
      SynthCpu::kX86, {{"eip", kAppBase + 0x1010}, {"esp", kStack}, {"ebp", 0}},
      StackBuilder(4).Word(kAppBase + 0x2010).Word(0));
  Walked w = Walk(dump, sym);
  ASSERT_GE(w.frames().size(), 2u);
  EXPECT_EQ(w.frames()[1].trust, FrameTrust::kCfi);
  EXPECT_EQ(w.frames()[1].regs.pc(), kAppBase + 0x2010);
  EXPECT_EQ(w.frames()[1].regs.sp(), kStack + 4);
  EXPECT_EQ(w.frames()[1].function_name, "g");
}

TEST_F(WalkTest, Arm64FramePointerStartsWithTheLinkRegister) {
  SynthDump dump = MakeDump(SynthCpu::kArm64,
                            {{"pc", kAppBase + 0x1010},
                             {"sp", kStack},
                             {"fp", kStack + 16},
                             {"lr", kAppBase + 0x2010}},
                            StackBuilder(8)
                                .Word(0)
                                .Word(0)
                                .Word(kStack + 32)
                                .Word(kAppBase + 0x3010)
                                .Word(0)
                                .Word(0));
  Walked w = Walk(dump);
  ASSERT_GE(w.frames().size(), 3u);
  EXPECT_EQ(w.frames()[1].trust, FrameTrust::kFramePointer);
  EXPECT_EQ(w.frames()[1].regs.pc(), kAppBase + 0x2010);
  EXPECT_EQ(w.frames()[1].instruction, kAppBase + 0x200c);
  EXPECT_EQ(w.frames()[2].regs.pc(), kAppBase + 0x3010);
}

TEST_F(WalkTest, ModulesWithoutSymbolsAreMarkedInTheReport) {
  SynthDump dump =
      MakeDump(SynthCpu::kAmd64, {{"rip", kAppBase + 0x1010}, {"rsp", kStack}},
               StackBuilder(8).Word(0));
  Walked w = Walk(dump);
  std::string text = PrintBreakpadText(w.state);
  EXPECT_NE(text.find(" 0  app + 0x1010\n"), std::string::npos) << text;
  EXPECT_NE(text.find("(main)  (WARNING: No symbols, app, "), std::string::npos)
      << text;
  std::string machine = PrintBreakpadMachine(w.state);
  EXPECT_NE(machine.find("\n0|0|app||||0x1010\n"), std::string::npos)
      << machine;
}

TEST_F(WalkTest, JsonFoldsInlineFramesIntoTheirFunction) {
  std::string sym =
      std::string(kHeader) +
      "FILE 0 a.cc\nINLINE_ORIGIN 0 inlined_fn\nFUNC 1000 100 0 outer\n"
      "INLINE 0 7 0 0 1008 10\n1000 100 3 0\n";
  SynthDump dump =
      MakeDump(SynthCpu::kAmd64, {{"rip", kAppBase + 0x1010}, {"rsp", kStack}},
               StackBuilder(8).Word(0));
  Walked w = Walk(dump, sym);
  std::string json = PrintJsonDump(w.state, *w.dump);
  EXPECT_NE(json.find("\"function\": \"outer\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"inlines\": [\n"), std::string::npos) << json;
  EXPECT_NE(json.find("\"module_offset\": \"0x0000000000001010\""),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"trust\": \"context\""), std::string::npos) << json;
}

TEST(WalkDump, RejectsDumpsWithoutThreadList) {
  SynthDump synth(SynthCpu::kAmd64);
  auto dump = minidump::Minidump::Open(synth.Build());
  ASSERT_TRUE(dump.ok());
  Result<ProcessState> state = WalkDump(*dump.value(), nullptr);
  ASSERT_FALSE(state.ok());
  EXPECT_NE(state.status().message().find("no thread list"), std::string::npos);
}

}  // namespace
}  // namespace crashbox::stackwalk
