// SPDX-License-Identifier: MPL-2.0
// x86 unwinder on synthetic dumps (Breakpad's stackwalker_x86.cc rules):
// STACK WIN, STACK CFI, the %ebp chain, stack scanning with %ebp recovery,
// and the ways a walk must end. Runs without ../shared.
#include <gtest/gtest.h>

#include "app/stackwalk/unwind_test_util.h"

namespace crashbox::stackwalk::unwind_test {
namespace {

using T = FrameTrust;

// Address of the 4-byte stack word `i`.
constexpr uint64_t W(int i) { return kStack + 4 * i; }

class X86Unwind : public UnwindTest {
 protected:
  UnwindCase Case(std::map<std::string, uint64_t> regs,
                  const SynthStack& stack) {
    UnwindCase c;
    c.cpu = SynthCpu::kX86;
    c.regs = std::move(regs);
    c.stack = stack.bytes();
    return c;
  }
};

// The %ebp chain of three frames: callee -> caller -> main (ebp 0).
SynthStack EbpChain() {
  return std::move(SynthStack(4)
                       .Zeros(2)
                       .Word(W(4))  // [2] callee's record: caller's ebp
                       .Word(kCallerRa)
                       .Word(0)  // [4] caller's record: main's ebp
                       .Word(kMainRa)
                       .Zeros(1));
}

TEST_F(X86Unwind, CfiRecoversCallersAndCarriesCalleeSavedRegisters) {
  UnwindCase c =
      Case({{"eip", kCalleePc}, {"esp", kStack}, {"ebp", 0x99}, {"ebx", 7}},
           std::move(SynthStack(4)
                         .Word(0)  // [0] saved ebp
                         .Word(kCallerRa)
                         .Word(0x55)
                         .Word(kMainRa)
                         .Zeros(2)));
  c.symbols = std::string(kFuncs) +
              "STACK CFI INIT 1000 100 .cfa: $esp 8 + .ra: .cfa -4 + ^ "
              "$ebp: .cfa -8 + ^\n"
              "STACK CFI INIT 2000 100 .cfa: $esp 8 + .ra: .cfa -4 + ^\n";
  const std::vector<Frame>& f = Walk(c);
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, "callee"},
                              {T::kCfi, kCallerRa, W(2), "caller"},
                              {T::kCfi, kMainRa, W(4), "main"},
                          }));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[1].instruction, kCallerRa - 1);
  EXPECT_EQ(f[1].return_address, kCallerRa);
  EXPECT_EQ(Reg(f[1], "ebp"), 0u);
  EXPECT_EQ(Reg(f[2], "ebx"), 7u);  // callee-saved: carried over
  EXPECT_FALSE(IsValid(f[1], "eax"));
  EXPECT_EQ(Reg(f[1], "eax"), 0xdadadadau);
}

TEST_F(X86Unwind, StackWinFpoSkipsTheCalleesParameters) {
  // callee's STACK WIN: 8 bytes of parameters, 4 of locals. The caller's
  // return address search starts above the callee's parameters, so the
  // decoy return address at [2] (a parameter) is not taken.
  UnwindCase c = Case({{"eip", kCalleePc}, {"esp", kStack}, {"ebp", 0x1234}},
                      std::move(SynthStack(4)
                                    .Word(0x66)  // [0] callee's local
                                    .Word(kCallerRa)
                                    .Word(kApp + 0x3020)  // [2] parameter
                                    .Word(0)              // [3] parameter
                                    .Word(kMainRa)
                                    .Zeros(1)));
  c.platform = kWindows;
  c.symbols =
      "FUNC 1000 100 8 callee\nFUNC 2000 100 0 caller\nFUNC 3000 100 0 main\n"
      "STACK WIN 0 1000 100 0 0 8 0 4 0 0 0\n"
      "STACK WIN 0 2000 100 0 0 0 0 0 0 0 0\n";
  const std::vector<Frame>& f = Walk(c);
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, "callee"},
                              {T::kCfi, kCallerRa, W(2), "caller"},
                              {T::kCfi, kMainRa, W(5), "main"},
                          }));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(Reg(f[1], "ebp"), 0x1234u);  // FPO: %ebp untouched
}

TEST_F(X86Unwind, StackWinProgramThatFailsFallsBackToScanning) {
  UnwindCase c =
      Case({{"eip", kCalleePc}, {"esp", kStack}, {"ebp", W(2)}}, EbpChain());
  c.platform = kWindows;
  c.symbols = std::string(kFuncs) +
              "STACK WIN 4 1000 100 0 0 0 0 0 0 1 $T0 $nosuch = $eip $T0 ^ = "
              "$esp $T0 4 + =\n";
  const std::vector<Frame>& f = Walk(c);
  // The scan finds kCallerRa at [3] and keeps %ebp (W(2) is readable); the
  // next %ebp step would not move the stack pointer, so the walk ends.
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, "callee"},
                              {T::kScan, kCallerRa, W(4), "caller"},
                          }));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(Reg(f[1], "ebp"), W(2));
}

TEST_F(X86Unwind, FramePointerChainWithoutCfi) {
  UnwindCase c =
      Case({{"eip", kCalleePc}, {"esp", kStack}, {"ebp", W(2)}}, EbpChain());
  c.symbols = kFuncs;
  const std::vector<Frame>& f = Walk(c);
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, "callee"},
                              {T::kFramePointer, kCallerRa, W(4), "caller"},
                              {T::kFramePointer, kMainRa, W(6), "main"},
                          }));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(Reg(f[1], "ebp"), W(4));
  EXPECT_EQ(Reg(f[2], "ebp"), 0u);
}

TEST_F(X86Unwind, ScanTakesEbpSavedBelowTheReturnAddress) {
  UnwindCase c = Case({{"eip", kCalleePc}, {"esp", kStack}, {"ebp", 0x10}},
                      std::move(SynthStack(4)
                                    .Word(0x11)
                                    .Word(W(6))  // [1] saved ebp
                                    .Word(kCallerRa)
                                    .Zeros(3)
                                    .Word(0)  // [6] caller's record
                                    .Word(kMainRa)
                                    .Zeros(1)));
  c.symbols = kFuncs;
  const std::vector<Frame>& f = Walk(c);
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, "callee"},
                              {T::kScan, kCallerRa, W(3), "caller"},
                              {T::kFramePointer, kMainRa, W(8), "main"},
                          }));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(Reg(f[1], "ebp"), W(6));
}

TEST_F(X86Unwind, ScanKeepsEbpWhenTheWordBelowIsNoChain) {
  UnwindCase c =
      Case({{"eip", kCalleePc}, {"esp", kStack}, {"ebp", 0x10}},
           std::move(SynthStack(4).Word(0x11).Word(5).Word(kCallerRa)));
  const std::vector<Frame>& f = Walk(c);
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, ""},
                              {T::kScan, kCallerRa, W(3), ""},
                          }));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(Reg(f[1], "ebp"), 0x10u);
}

TEST_F(X86Unwind, CfiThatFailsToEvaluateFallsBackToTheFramePointer) {
  UnwindCase c =
      Case({{"eip", kCalleePc}, {"esp", kStack}, {"ebp", W(2)}}, EbpChain());
  c.symbols = std::string(kFuncs) +
              "STACK CFI INIT 1000 100 .cfa: $nosuch 8 + .ra: .cfa -4 + ^\n";
  const std::vector<Frame>& f = Walk(c);
  ASSERT_GE(f.size(), 2u);
  EXPECT_EQ(f[1].trust, T::kFramePointer);
  EXPECT_EQ(f[1].regs.pc(), kCallerRa);
}

TEST_F(X86Unwind, CfiPointingOutsideTheStackFallsBack) {
  UnwindCase c =
      Case({{"eip", kCalleePc}, {"esp", kStack}, {"ebp", W(2)}}, EbpChain());
  c.symbols = std::string(kFuncs) +
              "STACK CFI INIT 1000 100 .cfa: $esp 4096 + .ra: .cfa -4 + ^\n";
  const std::vector<Frame>& f = Walk(c);
  ASSERT_GE(f.size(), 2u);
  EXPECT_EQ(f[1].trust, T::kFramePointer);
  EXPECT_EQ(f[1].regs.pc(), kCallerRa);
}

TEST_F(X86Unwind, EbpChainThatLoopsStops) {
  // The saved %ebp points at its own record: x86 follows any readable
  // record, and the repeat is refused because esp did not grow.
  UnwindCase c =
      Case({{"eip", kCalleePc}, {"esp", kStack}, {"ebp", W(2)}},
           std::move(SynthStack(4).Zeros(2).Word(W(2)).Word(kCallerRa)));
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, kStack, ""},
                                    {T::kFramePointer, kCallerRa, W(4), ""},
                                }));
}

TEST_F(X86Unwind, StackPointerGoingBackwardsEndsTheWalk) {
  // %ebp lies below %esp: the caller would sit below the callee.
  UnwindCase c =
      Case({{"eip", kCalleePc}, {"esp", W(8)}, {"ebp", W(2)}},
           std::move(SynthStack(4).Zeros(3).Word(kCallerRa).Zeros(6)));
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, W(8), ""},
                                }));
}

TEST_F(X86Unwind, TruncatedStackEndsTheChain) {
  UnwindCase c = Case(
      {{"eip", kCalleePc}, {"esp", kStack}, {"ebp", W(2)}},
      std::move(SynthStack(4).Zeros(2).Word(W(4)).Word(kCallerRa).Word(W(6))));
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, kStack, ""},
                                    {T::kFramePointer, kCallerRa, W(4), ""},
                                }));
}

}  // namespace
}  // namespace crashbox::stackwalk::unwind_test
