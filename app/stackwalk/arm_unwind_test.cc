// SPDX-License-Identifier: MPL-2.0
// 32-bit arm unwinder on synthetic dumps (Breakpad's stackwalker_arm.cc
// rules): CFI, the r7 chain on iOS only, stack scanning, and the ways a walk
// must end. Callers are looked up, and printed, at pc - 2. Runs without
// ../shared.
#include <gtest/gtest.h>

#include "app/stackwalk/unwind_test_util.h"

namespace crashbox::stackwalk::unwind_test {
namespace {

using T = FrameTrust;

// Address of the 4-byte stack word `i`.
constexpr uint64_t W(int i) { return kStack + 4 * i; }

class ArmUnwind : public UnwindTest {
 protected:
  UnwindCase Case(std::map<std::string, uint64_t> regs, const SynthStack& stack,
                  uint32_t platform = kIos) {
    UnwindCase c;
    c.cpu = SynthCpu::kArm;
    c.platform = platform;
    c.regs = std::move(regs);
    c.stack = stack.bytes();
    return c;
  }
};

// callee's r7 record at [2] (caller's r7, then main's return address);
// caller's record at [4] ends the chain (r7 0, lr 0). The context's lr is
// the return address into caller.
SynthStack R7Chain() {
  return std::move(
      SynthStack(4).Zeros(2).Word(W(4)).Word(kMainRa).Word(0).Word(0));
}
std::map<std::string, uint64_t> R7Regs() {
  return {{"pc", kCalleePc}, {"sp", kStack}, {"r7", W(2)}, {"lr", kCallerRa}};
}

TEST_F(ArmUnwind, CfiRecoversCallersAndCarriesCalleeSavedRegisters) {
  UnwindCase c = Case(
      {{"pc", kCalleePc}, {"sp", kStack}, {"r7", 0x99}, {"lr", 1}, {"r4", 7}},
      std::move(SynthStack(4)
                    .Word(0)  // [0] saved r7
                    .Word(kCallerRa)
                    .Word(0x55)
                    .Word(kMainRa)
                    .Zeros(2)),
      kLinux);
  c.symbols = std::string(kFuncs) +
              "STACK CFI INIT 1000 100 .cfa: sp 8 + .ra: .cfa -4 + ^ "
              "r7: .cfa -8 + ^\n"
              "STACK CFI INIT 2000 100 .cfa: sp 8 + .ra: .cfa -4 + ^\n";
  const std::vector<Frame>& f = Walk(c);
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, "callee"},
                              {T::kCfi, kCallerRa, W(2), "caller"},
                              {T::kCfi, kMainRa, W(4), "main"},
                          }));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[1].instruction, kCallerRa - 2);
  EXPECT_EQ(f[1].return_address, kCallerRa - 2);  // printed as looked up
  EXPECT_EQ(Reg(f[1], "r7"), 0u);
  EXPECT_EQ(Reg(f[2], "r4"), 7u);  // callee-saved: carried over
  EXPECT_FALSE(IsValid(f[1], "r0"));
  EXPECT_EQ(Reg(f[1], "r0"), 0u);  // arm leaves unrecovered registers 0
}

TEST_F(ArmUnwind, R7ChainOnIos) {
  UnwindCase c = Case(R7Regs(), R7Chain());
  c.symbols = kFuncs;
  const std::vector<Frame>& f = Walk(c);
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, "callee"},
                              {T::kFramePointer, kCallerRa, W(4), "caller"},
                              {T::kFramePointer, kMainRa, W(6), "main"},
                          }));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(Reg(f[1], "r7"), W(4));
  EXPECT_EQ(Reg(f[1], "lr"), kMainRa);
  EXPECT_EQ(f[2].instruction, kMainRa - 2);
}

TEST_F(ArmUnwind, NoFramePointerChainOutsideIos) {
  // The same stack on Linux: no r7 chain, no use of lr; scanning finds
  // main's return address in callee's record.
  UnwindCase c = Case(R7Regs(), R7Chain(), kLinux);
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, kStack, ""},
                                    {T::kScan, kMainRa, W(4), ""},
                                }));
}

TEST_F(ArmUnwind, ScanSkipsWordsOutsideModulesAndFunctions) {
  UnwindCase c = Case(
      {{"pc", kCalleePc}, {"sp", kStack}, {"lr", 1}},
      std::move(
          SynthStack(4).Word(0xb0000000).Word(kNoFunction).Word(kCallerRa)),
      kLinux);
  c.symbols = kFuncs;
  const std::vector<Frame>& f = Walk(c);
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, "callee"},
                              {T::kScan, kCallerRa, W(3), "caller"},
                          }));
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].instruction, kCallerRa - 2);
}

TEST_F(ArmUnwind, CfiThatFailsToEvaluateFallsBackToScanning) {
  UnwindCase c = Case(R7Regs(), R7Chain(), kLinux);
  c.symbols = std::string(kFuncs) +
              "STACK CFI INIT 1000 100 .cfa: nosuch 8 + .ra: .cfa -4 + ^\n";
  const std::vector<Frame>& f = Walk(c);
  ASSERT_GE(f.size(), 2u);
  EXPECT_EQ(f[1].trust, T::kScan);
  EXPECT_EQ(f[1].regs.pc(), kMainRa);
}

TEST_F(ArmUnwind, CfiPointingOutsideTheStackFallsBackToTheR7Chain) {
  UnwindCase c = Case(R7Regs(), R7Chain());
  c.symbols = std::string(kFuncs) +
              "STACK CFI INIT 1000 100 .cfa: sp 4096 + .ra: .cfa -4 + ^\n";
  const std::vector<Frame>& f = Walk(c);
  ASSERT_GE(f.size(), 2u);
  EXPECT_EQ(f[1].trust, T::kFramePointer);
  EXPECT_EQ(f[1].regs.pc(), kCallerRa);
}

TEST_F(ArmUnwind, R7ChainThatLoopsStops) {
  UnwindCase c = Case(
      R7Regs(), std::move(SynthStack(4).Zeros(2).Word(W(2)).Word(kMainRa)));
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, kStack, ""},
                                    {T::kFramePointer, kCallerRa, W(4), ""},
                                }));
}

TEST_F(ArmUnwind, StackPointerGoingBackwardsEndsTheWalk) {
  UnwindCase c =
      Case({{"pc", kCalleePc}, {"sp", W(4)}, {"r7", kStack}, {"lr", kCallerRa}},
           std::move(SynthStack(4).Word(0).Word(kMainRa).Zeros(4)));
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, W(4), ""},
                                }));
}

TEST_F(ArmUnwind, TruncatedStackEndsTheChain) {
  UnwindCase c =
      Case(R7Regs(),
           std::move(SynthStack(4).Zeros(2).Word(W(4)).Word(kMainRa).Word(0)));
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, kStack, ""},
                                    {T::kFramePointer, kCallerRa, W(4), ""},
                                }));
}

}  // namespace
}  // namespace crashbox::stackwalk::unwind_test
