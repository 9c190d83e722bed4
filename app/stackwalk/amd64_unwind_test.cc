// SPDX-License-Identifier: MPL-2.0
// amd64 unwinder on synthetic dumps (Breakpad's stackwalker_amd64.cc rules):
// CFI, the rbp chain (never on Windows), stack scanning, and the ways a walk
// must end. Runs without ../shared.
#include <gtest/gtest.h>

#include <algorithm>

#include "app/stackwalk/unwind_test_util.h"

namespace crashbox::stackwalk::unwind_test {
namespace {

using T = FrameTrust;

// Address of the 8-byte stack word `i`.
constexpr uint64_t W(int i) { return kStack + 8 * i; }

class Amd64Unwind : public UnwindTest {
 protected:
  UnwindCase Case(std::map<std::string, uint64_t> regs,
                  const SynthStack& stack) {
    UnwindCase c;
    c.cpu = SynthCpu::kAmd64;
    c.regs = std::move(regs);
    c.stack = stack.bytes();
    return c;
  }
};

// The rbp chain of three frames: callee -> caller -> main, then a record
// whose saved rbp lies below it.
SynthStack RbpChain() {
  return std::move(SynthStack(8)
                       .Zeros(2)
                       .Word(W(4))  // [2] callee's record: caller's rbp
                       .Word(kCallerRa)
                       .Word(W(6))  // [4] caller's record: main's rbp
                       .Word(kMainRa)
                       .Zeros(2));  // [6] main's record: rbp 0, rip 0
}

TEST_F(Amd64Unwind, CfiRecoversCallersAndCarriesCalleeSavedRegisters) {
  UnwindCase c =
      Case({{"rip", kCalleePc}, {"rsp", kStack}, {"rbp", 0x1234}, {"rbx", 7}},
           std::move(SynthStack(8)
                         .Word(0)  // [0] saved rbp
                         .Word(kCallerRa)
                         .Word(0x55)
                         .Word(kMainRa)
                         .Zeros(4)));
  c.symbols = std::string(kFuncs) +
              "STACK CFI INIT 1000 100 .cfa: $rsp 16 + .ra: .cfa -8 + ^ "
              "$rbp: .cfa -16 + ^\n"
              "STACK CFI INIT 2000 100 .cfa: $rsp 16 + .ra: .cfa -8 + ^\n";
  const std::vector<Frame>& f = Walk(c);
  // main has no CFI; its rbp (0) has no record and the scan finds nothing.
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, "callee"},
                              {T::kCfi, kCallerRa, W(2), "caller"},
                              {T::kCfi, kMainRa, W(4), "main"},
                          }));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[1].instruction, kCallerRa - 1);  // looked up inside the call
  EXPECT_EQ(f[1].return_address, kCallerRa);   // printed as the return address
  EXPECT_EQ(Reg(f[1], "rbp"), 0u);
  EXPECT_TRUE(IsValid(f[1], "rbp"));
  EXPECT_EQ(Reg(f[1], "rbx"), 7u);  // callee-saved: carried over
  EXPECT_EQ(Reg(f[2], "rbx"), 7u);
  EXPECT_FALSE(IsValid(f[1], "rax"));  // not recovered: Breakpad's 0xda fill
  EXPECT_EQ(Reg(f[1], "rax"), 0xdadadadadadadadaull);
}

TEST_F(Amd64Unwind, FramePointerChainWithoutCfi) {
  UnwindCase c =
      Case({{"rip", kCalleePc}, {"rsp", kStack}, {"rbp", W(2)}}, RbpChain());
  c.symbols = kFuncs;
  const std::vector<Frame>& f = Walk(c);
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, "callee"},
                              {T::kFramePointer, kCallerRa, W(4), "caller"},
                              {T::kFramePointer, kMainRa, W(6), "main"},
                          }));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(Reg(f[1], "rbp"), W(4));
  EXPECT_EQ(Reg(f[2], "rbp"), W(6));
}

TEST_F(Amd64Unwind, FramePointerIsNotFollowedOnWindows) {
  UnwindCase c =
      Case({{"rip", kCalleePc}, {"rsp", kStack}, {"rbp", W(2)}}, RbpChain());
  c.platform = kWindows;
  const std::vector<Frame>& f = Walk(c);
  // Scanning finds the same return addresses; rbp is passed on from the
  // word saved just below each.
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, ""},
                              {T::kScan, kCallerRa, W(4), ""},
                              {T::kScan, kMainRa, W(6), ""},
                          }));
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(Reg(f[1], "rbp"), W(4));
  EXPECT_TRUE(IsValid(f[1], "rbp"));
}

TEST_F(Amd64Unwind, MisalignedRbpFallsBackToScanning) {
  UnwindCase c = Case({{"rip", kCalleePc}, {"rsp", kStack}, {"rbp", W(2) + 4}},
                      RbpChain());
  const std::vector<Frame>& f = Walk(c);
  ASSERT_GE(f.size(), 2u);
  EXPECT_EQ(f[1].trust, T::kScan);
  EXPECT_EQ(f[1].regs.pc(), kCallerRa);
}

TEST_F(Amd64Unwind, ScanSkipsWordsOutsideModulesAndFunctions) {
  UnwindCase c = Case({{"rip", kCalleePc}, {"rsp", kStack}, {"rbp", 3}},
                      std::move(SynthStack(8)
                                    .Word(0x00007400b0000000)  // no module
                                    .Word(kNoFunction)  // app, but no FUNC
                                    .Word(kCallerRa)));
  c.symbols = kFuncs;
  const std::vector<Frame>& f = Walk(c);
  EXPECT_EQ(Summarize(f), (std::vector<Seen>{
                              {T::kContext, kCalleePc, kStack, "callee"},
                              {T::kScan, kCallerRa, W(3), "caller"},
                          }));
}

TEST_F(Amd64Unwind, ScanSearchesFurtherFromTheContextFrame) {
  // From the context frame Breakpad scans 160 words (+1), later 40 (+1).
  auto walk = [&](int second_at) {
    SynthStack stack(8);
    stack.At(150, kCallerRa).At(second_at, kMainRa).At(second_at + 1, 0);
    return Summarize(
        Walk(Case({{"rip", kCalleePc}, {"rsp", kStack}, {"rbp", 3}}, stack)));
  };
  EXPECT_EQ(walk(151 + 40), (std::vector<Seen>{
                                {T::kContext, kCalleePc, kStack, ""},
                                {T::kScan, kCallerRa, W(151), ""},
                                {T::kScan, kMainRa, W(192), ""},
                            }));
  EXPECT_EQ(walk(151 + 41), (std::vector<Seen>{
                                {T::kContext, kCalleePc, kStack, ""},
                                {T::kScan, kCallerRa, W(151), ""},
                            }));
}

TEST_F(Amd64Unwind, CfiThatFailsToEvaluateFallsBackToTheFramePointer) {
  UnwindCase c =
      Case({{"rip", kCalleePc}, {"rsp", kStack}, {"rbp", W(2)}}, RbpChain());
  c.symbols = std::string(kFuncs) +
              "STACK CFI INIT 1000 100 .cfa: $nosuch 16 + .ra: .cfa -8 + ^\n";
  const std::vector<Frame>& f = Walk(c);
  ASSERT_GE(f.size(), 2u);
  EXPECT_EQ(f[1].trust, T::kFramePointer);
  EXPECT_EQ(f[1].regs.pc(), kCallerRa);
}

TEST_F(Amd64Unwind, CfiPointingOutsideTheStackFallsBack) {
  UnwindCase c =
      Case({{"rip", kCalleePc}, {"rsp", kStack}, {"rbp", W(2)}}, RbpChain());
  c.symbols = std::string(kFuncs) +
              "STACK CFI INIT 1000 100 .cfa: $rsp 4096 + .ra: .cfa -8 + ^\n";
  const std::vector<Frame>& f = Walk(c);
  ASSERT_GE(f.size(), 2u);
  EXPECT_EQ(f[1].trust, T::kFramePointer);
  EXPECT_EQ(f[1].regs.pc(), kCallerRa);
}

TEST_F(Amd64Unwind, CfiLoopingOnItselfStopsAfterOneRepeat) {
  // The caller is the callee again, at the same sp: allowed once (a leaf's
  // first unwind may keep sp), then the walk ends.
  UnwindCase c = Case({{"rip", kCalleePc}, {"rsp", kStack}, {"rbp", 3}},
                      std::move(SynthStack(8).Zeros(4)));
  c.symbols =
      std::string(kFuncs) + "STACK CFI INIT 1000 100 .cfa: $rsp .ra: $rip\n";
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, kStack, "callee"},
                                    {T::kCfi, kCalleePc, kStack, "callee"},
                                }));
}

TEST_F(Amd64Unwind, RbpChainPointingBackIsNotFollowed) {
  // The record's saved rbp points at itself: Breakpad's amd64 check (saved
  // rbp below the caller's rsp) refuses it and scanning takes over.
  UnwindCase c =
      Case({{"rip", kCalleePc}, {"rsp", kStack}, {"rbp", W(2)}},
           std::move(SynthStack(8).Zeros(2).Word(W(2)).Word(kCallerRa)));
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, kStack, ""},
                                    {T::kScan, kCallerRa, W(4), ""},
                                }));
}

TEST_F(Amd64Unwind, StackPointerGoingBackwardsEndsTheWalk) {
  // CFI puts the caller below the callee; the scan that would find
  // kCallerRa is not tried: the chosen caller is refused outright.
  UnwindCase c =
      Case({{"rip", kCalleePc}, {"rsp", W(2)}, {"rbp", 3}},
           std::move(SynthStack(8).Zeros(2).Word(kCallerRa).Zeros(2)));
  c.symbols = std::string(kFuncs) +
              "STACK CFI INIT 1000 100 .cfa: $rsp 16 - .ra: $rsp ^\n";
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, W(2), "callee"},
                                }));
}

TEST_F(Amd64Unwind, TruncatedStackEndsTheChain) {
  // The stack ends inside main's frame record.
  UnwindCase c = Case(
      {{"rip", kCalleePc}, {"rsp", kStack}, {"rbp", W(2)}},
      std::move(SynthStack(8).Zeros(2).Word(W(4)).Word(kCallerRa).Word(W(6))));
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, kStack, ""},
                                    {T::kFramePointer, kCallerRa, W(4), ""},
                                }));
}

TEST_F(Amd64Unwind, NoStackMemoryLeavesTheContextFrame) {
  UnwindCase c =
      Case({{"rip", kCalleePc}, {"rsp", kStack}, {"rbp", W(2)}}, SynthStack(8));
  EXPECT_EQ(Summarize(Walk(c)), (std::vector<Seen>{
                                    {T::kContext, kCalleePc, kStack, ""},
                                }));
  EXPECT_NE(std::find(state().notes.begin(), state().notes.end(),
                      "thread 0x1: no stack memory"),
            state().notes.end());
}

}  // namespace
}  // namespace crashbox::stackwalk::unwind_test
