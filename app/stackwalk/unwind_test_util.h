// SPDX-License-Identifier: MPL-2.0
// Shared fixture of the per-CPU unwinder tests (amd64_unwind_test.cc, ...):
// one synthetic dump with module "app" at kApp and one thread whose stack
// starts at kStack, symbols for "app" written to the test's own directory and
// served by DirSymbolSupplier, walked by WalkDump. Test-only.
//
// Addresses used by every case: kCalleePc lies in FUNC callee, kCallerRa in
// FUNC caller and kMainRa in FUNC main (see kFuncs).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "app/minidump/minidump.h"
#include "app/stackwalk/walker.h"
#include "app/symbols/suppliers/dir_supplier.h"
#include "tests/testing/synth/synth_dump.h"
#include "tests/testing/synth/synth_stack.h"
#include "tests/testing/synth/synth_symbols.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::stackwalk::unwind_test {

using ::crashbox::testing::SynthContext;
using ::crashbox::testing::SynthCpu;
using ::crashbox::testing::SynthDump;
using ::crashbox::testing::SynthStack;

constexpr uint64_t kApp = 0x400000;  // module "app", 64 KiB
constexpr uint64_t kStack = 0x7000;  // base of the thread's stack memory
constexpr uint64_t kCalleePc = kApp + 0x1010;
constexpr uint64_t kCallerRa = kApp + 0x2010;
constexpr uint64_t kMainRa = kApp + 0x3010;
constexpr uint64_t kNoFunction = kApp + 0x5001;  // in "app", in no FUNC
constexpr uint32_t kLinux = 0x8201, kWindows = 2, kIos = 0x8102;

// FUNC records of "app" (every case with symbols starts with them).
inline constexpr char kFuncs[] =
    "FUNC 1000 100 0 callee\nFUNC 2000 100 0 caller\nFUNC 3000 100 0 main\n";

// What a test asserts of each frame: how it was found, its pc and sp
// registers and its function (empty without symbols).
struct Seen {
  FrameTrust trust = FrameTrust::kNone;
  uint64_t pc = 0;
  uint64_t sp = 0;
  std::string function;
  bool operator==(const Seen&) const = default;
};
inline std::ostream& operator<<(std::ostream& os, const Seen& s) {
  return os << "{" << TrustJsonName(s.trust) << std::hex << " pc=0x" << s.pc
            << " sp=0x" << s.sp << std::dec << " '" << s.function << "'}";
}
inline std::vector<Seen> Summarize(const std::vector<Frame>& frames) {
  std::vector<Seen> out;
  for (const Frame& f : frames)
    out.push_back({f.trust, f.regs.pc(), f.regs.sp(), f.function_name});
  return out;
}

struct UnwindCase {
  SynthCpu cpu = SynthCpu::kAmd64;
  uint32_t platform = kLinux;
  std::map<std::string, uint64_t> regs;  // the thread's context
  std::string stack;                     // memory at kStack; empty = none
  // The .sym of "app" without its MODULE line; nullopt = no symbols.
  std::optional<std::string> symbols;
  WalkOptions options;
};

class UnwindTest : public ::testing::Test {
 protected:
  // Builds and walks `c`; the frames of its one thread.
  const std::vector<Frame>& Walk(const UnwindCase& c) {
    SynthDump synth(c.cpu, c.platform);
    synth.AddModule({.name = "app",
                     .base = kApp,
                     .size = 0x10000,
                     .cv_record = SynthDump::Elf(std::string(16, '\x11'))});
    synth.AddThread(1, SynthContext{c.cpu, c.regs, {}}, kStack, c.stack);
    auto opened = minidump::Minidump::Open(synth.Build());
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    dump_ = std::move(opened.value());
    if (c.symbols) {
      const minidump::Module& app = dump_->modules()->modules()[0];
      ::crashbox::testing::WriteSymbolFile(
          dir_.path(), app.debug_file, app.debug_id,
          ::crashbox::testing::SymModuleLine(OsName(c.platform),
                                             ArchName(c.cpu), app.debug_id,
                                             app.debug_file) +
              *c.symbols);
    }
    symbols::DirSymbolSupplier supplier({.roots = {dir_.path()}});
    Result<ProcessState> state = WalkDump(*dump_, &supplier, c.options);
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    state_ = std::move(state.value());
    EXPECT_EQ(state_.threads.size(), 1u);
    return state_.threads.at(0).frames;
  }

  const ProcessState& state() const { return state_; }

  // The value of register `name` (Breakpad's name) in `frame`.
  static uint64_t Reg(const Frame& frame, const std::string& name) {
    int index = frame.regs.Index(name);
    EXPECT_GE(index, 0) << name;
    return frame.regs.Get(index);
  }
  static bool IsValid(const Frame& frame, const std::string& name) {
    return frame.regs.IsValid(frame.regs.Index(name));
  }

 private:
  static const char* OsName(uint32_t platform) {
    return platform == kWindows ? "windows"
           : platform == kIos   ? "iOS"
                                : "Linux";
  }
  static const char* ArchName(SynthCpu cpu) {
    switch (cpu) {
      case SynthCpu::kX86:
        return "x86";
      case SynthCpu::kAmd64:
        return "x86_64";
      case SynthCpu::kArm:
        return "arm";
      case SynthCpu::kArm64:
      case SynthCpu::kArm64Old:
        return "arm64";
    }
    return "unknown";
  }

  ::crashbox::testing::TempDir dir_;
  std::unique_ptr<minidump::Minidump> dump_;
  ProcessState state_;
};

}  // namespace crashbox::stackwalk::unwind_test
