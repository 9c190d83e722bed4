// SPDX-License-Identifier: MPL-2.0
// arm64 unwinder on synthetic dumps (Breakpad's stackwalker_arm64.cc rules):
// CFI, the fp/lr chain, pointer-auth stripping, stack scanning, and the ways
// a walk must end. Callers are looked up, and printed, at pc - 4. Runs
// without ../shared.
#include <gtest/gtest.h>

#include "app/stackwalk/unwind_test_util.h"

namespace crashbox::stackwalk::unwind_test {
namespace {

using T = FrameTrust;

// Address of the 8-byte stack word `i`.
constexpr uint64_t W(int i) { return kStack + 8 * i; }

class Arm64Unwind : public UnwindTest {
 protected:
  UnwindCase Case(std::map<std::string, uint64_t> regs,
                  const SynthStack& stack) {
    UnwindCase c;
    c.cpu = SynthCpu::kArm64;
    c.regs = std::move(regs);
    c.stack = stack.bytes();
    return c;
  }
};

// callee's frame record at [2] (caller's fp, then main's return address);
// caller's record at [4] ends the chain (fp 0, lr 0). The context's lr is
// the return address into caller.
SynthStack FpChain(uint64_t main_ra = kMainRa) {
  return std::move(
      SynthStack(8).Zeros(2).Word(W(4)).Word(main_ra).Word(0).Word(0));
}
std::map<std::string, uint64_t> FpRegs(uint64_t lr = kCallerRa) {
  return {{"pc", kCalleePc}, {"sp", kStack}, {"fp", W(2)}, {"lr", lr}};
}

TEST_F(Arm64Unwind, CfiRecoversCallersAndCarriesCalleeSavedRegisters) {
  UnwindCase c = Case({{"pc", kCalleePc},
                       {"sp", kStack},
                       {"fp", 0x1234},
                       {"lr", 1},
                       {"x19", 7}},
                      std::move(SynthStack(8)
                                    .Word(0)  // [0] saved fp
                                    .Word(kCallerRa)
                                    .Word(0)
                                    .Word(kMainRa)
                                    .Zeros(2)));
  c.symbols = std::string(kFuncs) +
              "STACK CFI INIT 1000 100 .cfa: sp 16 + .ra: .cfa -8 + ^ "
              "x29: .cfa -16 + ^\n"
              "STACK CFI INIT 2000 100 .cfa: sp 16 + .ra: .cfa -8 + ^ "
              "x29: .cfa -16 + ^\n";
  const std::vector<Frame>& f = Walk(c);
  // main: no CFI; fp 0 ends the chain with the caller in lr, which CFI
  // did not recover (0): below 4 KiB, the walk ends.
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, "callee"},
                              {T::kCfi, kCallerRa, W(2), "caller"},
                              {T::kCfi, kMainRa, W(4), "main"},
                          }));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[1].instruction, kCallerRa - 4);
  EXPECT_EQ(f[1].return_address, kCallerRa - 4);  // printed as looked up
  EXPECT_EQ(Reg(f[1], "fp"), 0u);
  EXPECT_EQ(Reg(f[2], "x19"), 7u);  // callee-saved: carried over
  EXPECT_FALSE(IsValid(f[1], "x0"));
  EXPECT_FALSE(IsValid(f[1], "lr"));
}

TEST_F(Arm64Unwind, FramePointerChainStartsWithTheLinkRegister) {
  UnwindCase c = Case(FpRegs(), FpChain());
  c.symbols = kFuncs;
  const std::vector<Frame>& f = Walk(c);
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, "callee"},
                              {T::kFramePointer, kCallerRa, W(4), "caller"},
                              {T::kFramePointer, kMainRa, W(6), "main"},
                          }));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(Reg(f[1], "fp"), W(4));
  EXPECT_EQ(Reg(f[1], "lr"), kMainRa);
  EXPECT_EQ(f[2].instruction, kMainRa - 4);
}

TEST_F(Arm64Unwind, ZeroFramePointerStillYieldsTheLinkRegister) {
  UnwindCase c = Case({{"pc", kCalleePc}, {"sp", kStack}, {"lr", kCallerRa}},
                      std::move(SynthStack(8).Zeros(2)));
  // The caller keeps sp (allowed on the first unwind); then lr is 0.
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, kStack, ""},
                                    {T::kFramePointer, kCallerRa, kStack, ""},
                                }));
}

TEST_F(Arm64Unwind, PointerAuthenticationBitsAreStripped) {
  // Bits above the highest module's reach are a signature, not address.
  UnwindCase c = Case(FpRegs(kCallerRa | 0xff00000000000000ull),
                      FpChain(kMainRa | 0x0012000000000000ull));
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, kStack, ""},
                                    {T::kFramePointer, kCallerRa, W(4), ""},
                                    {T::kFramePointer, kMainRa, W(6), ""},
                                }));
}

TEST_F(Arm64Unwind, ScanSkipsWordsOutsideModulesAndFunctions) {
  UnwindCase c =
      Case({{"pc", kCalleePc}, {"sp", kStack}, {"fp", 0x10}, {"lr", 1}},
           std::move(SynthStack(8)
                         .Word(0x00007400b0000000)
                         .Word(kNoFunction)
                         .Word(kCallerRa)));
  c.symbols = kFuncs;
  const std::vector<Frame>& f = Walk(c);
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, "callee"},
                              {T::kScan, kCallerRa, W(3), "caller"},
                          }));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].instruction, kCallerRa - 4);
}

TEST_F(Arm64Unwind, CfiThatFailsToEvaluateFallsBackToTheFramePointer) {
  UnwindCase c = Case(FpRegs(), FpChain());
  c.symbols = std::string(kFuncs) +
              "STACK CFI INIT 1000 100 .cfa: nosuch 16 + .ra: .cfa -8 + ^\n";
  const std::vector<Frame>& f = Walk(c);
  ASSERT_GE(f.size(), 2u);
  EXPECT_EQ(f[1].trust, T::kFramePointer);
  EXPECT_EQ(f[1].regs.pc(), kCallerRa);
}

TEST_F(Arm64Unwind, CfiPointingOutsideTheStackFallsBack) {
  UnwindCase c = Case(FpRegs(), FpChain());
  c.symbols = std::string(kFuncs) +
              "STACK CFI INIT 1000 100 .cfa: sp 4096 + .ra: .cfa -8 + ^\n";
  const std::vector<Frame>& f = Walk(c);
  ASSERT_GE(f.size(), 2u);
  EXPECT_EQ(f[1].trust, T::kFramePointer);
  EXPECT_EQ(f[1].regs.pc(), kCallerRa);
}

TEST_F(Arm64Unwind, FramePointerChainThatLoopsStops) {
  // callee's record holds its own address as the caller's fp.
  UnwindCase c = Case(
      FpRegs(), std::move(SynthStack(8).Zeros(2).Word(W(2)).Word(kMainRa)));
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, kStack, ""},
                                    {T::kFramePointer, kCallerRa, W(4), ""},
                                }));
}

TEST_F(Arm64Unwind, StackPointerGoingBackwardsEndsTheWalk) {
  UnwindCase c =
      Case({{"pc", kCalleePc}, {"sp", W(4)}, {"fp", kStack}, {"lr", kCallerRa}},
           std::move(SynthStack(8).Word(0).Word(kMainRa).Zeros(4)));
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, W(4), ""},
                                }));
}

TEST_F(Arm64Unwind, TruncatedStackEndsTheChain) {
  UnwindCase c =
      Case(FpRegs(),
           std::move(SynthStack(8).Zeros(2).Word(W(4)).Word(kMainRa).Word(0)));
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, kStack, ""},
                                    {T::kFramePointer, kCallerRa, W(4), ""},
                                }));
}

}  // namespace
}  // namespace crashbox::stackwalk::unwind_test
