// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/eval/cfi_rules.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "app/symbols/text/symbols_test_util.h"

namespace crashbox::symbols {
namespace {

using testing::Load;

class MapMemory : public MemoryReader {
 public:
  std::map<uint64_t, uint64_t> words;
  bool ReadMemory(uint64_t address, ValueWidth,
                  uint64_t* value) const override {
    auto it = words.find(address);
    if (it == words.end()) return false;
    *value = it->second;
    return true;
  }
};

constexpr std::string_view kCfi =
    "FUNC 1000 40 0 f\n"
    "STACK CFI INIT 1000 40 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n"
    "STACK CFI 1001 .cfa: $rsp 16 + $rbp: .cfa -16 + ^\n"
    "STACK CFI 1004 .cfa: $rbp 16 +\n"
    "STACK CFI 1030 .cfa: $rsp 8 +\n"
    "STACK CFI INIT 2000 10 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n";

TEST(CfiRules, InitAloneAtFunctionStart) {
  auto f = Load(kCfi);
  auto rules = f->FindCfiRules(0x1000);
  ASSERT_TRUE(rules.has_value());
  EXPECT_EQ(rules->cfa_rule(), "$rsp 8 +");
  EXPECT_EQ(rules->ra_rule(), ".cfa -8 + ^");
  EXPECT_TRUE(rules->register_rules().empty());
}

TEST(CfiRules, DeltasAccumulateUpToTheAddress) {
  auto f = Load(kCfi);
  auto rules = f->FindCfiRules(0x1010);
  ASSERT_TRUE(rules.has_value());
  EXPECT_EQ(rules->Serialize(),
            ".cfa: $rbp 16 + .ra: .cfa -8 + ^ $rbp: .cfa -16 + ^");
  EXPECT_EQ(f->FindCfiRecords(0x1010)->delta_rules.size(), 2u);
  EXPECT_EQ(f->FindCfiRules(0x1003)->cfa_rule(), "$rsp 16 +");
  EXPECT_EQ(f->FindCfiRules(0x103f)->cfa_rule(), "$rsp 8 +");
}

TEST(CfiRules, DeltasOfOtherRangesDoNotApply) {
  auto f = Load(kCfi);
  auto records = f->FindCfiRecords(0x2005);
  ASSERT_TRUE(records.has_value());
  EXPECT_TRUE(records->delta_rules.empty());
  EXPECT_FALSE(f->FindCfiRules(0x1040).has_value());  // between ranges
}

TEST(CfiRules, OverlappingInitFirstWinsAndDuplicateDeltaLastWins) {
  auto f = Load(
      "STACK CFI INIT 1000 40 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n"
      "STACK CFI INIT 1010 40 .cfa: $rsp 99 + .ra: .cfa -8 + ^\n"
      "STACK CFI 1004 .cfa: $rsp 16 +\n"
      "STACK CFI 1004 .cfa: $rsp 24 +\n");
  EXPECT_EQ(f->FindCfiRules(0x1020)->cfa_rule(), "$rsp 24 +");
  EXPECT_FALSE(f->FindCfiRules(0x1045).has_value());
  EXPECT_EQ(f->stats().cfi_dropped, 1u);
}

TEST(CfiRules, DeltasInInterleavedRunsAreOrderedAndTheLaterDuplicateWins) {
  auto f = Load(
      "STACK CFI INIT 1000 40 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n"
      "STACK CFI 1008 .cfa: $rsp 16 +\n"
      "STACK CFI 1020 .cfa: $rsp 32 +\n"
      "STACK CFI INIT 2000 40 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n"
      "STACK CFI 2010 .cfa: $rsp 48 +\n"
      "STACK CFI 1004 .cfa: $rsp 12 +\n"  // a second run, interleaving the
                                          // first
      "STACK CFI 1010 .cfa: $rsp 20 +\n"
      "STACK CFI 1020 .cfa: $rsp 40 +\n"  // replaces the earlier delta at 1020
      "STACK CFI 2008 .cfa: $rsp 44 +\n");
  EXPECT_EQ(f->FindCfiRules(0x1006)->cfa_rule(), "$rsp 12 +");
  EXPECT_EQ(f->FindCfiRules(0x100c)->cfa_rule(), "$rsp 16 +");
  EXPECT_EQ(f->FindCfiRules(0x1014)->cfa_rule(), "$rsp 20 +");
  EXPECT_EQ(f->FindCfiRules(0x1030)->cfa_rule(), "$rsp 40 +");
  EXPECT_EQ(f->FindCfiRecords(0x1030)->delta_rules.size(), 4u);
  EXPECT_EQ(f->FindCfiRules(0x200a)->cfa_rule(), "$rsp 44 +");
  EXPECT_EQ(f->FindCfiRules(0x2030)->cfa_rule(), "$rsp 48 +");
}

// Deltas in random order with repeated addresses read as Breakpad's map of
// address → rules (the last one written wins) would.
TEST(CfiRules, ShuffledDeltasMatchALastWinsMap) {
  std::mt19937 rng(20261125);
  std::string text =
      "STACK CFI INIT 1000 1000 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n";
  std::map<uint64_t, std::string> expected;
  for (int i = 0; i < 2000; ++i) {
    uint64_t address = 0x1000 + rng() % 0x400;
    std::string rules = ".cfa: $rsp " + std::to_string(i) + " +";
    text += fmt::format("STACK CFI {:x} {}\n", address, rules);
    expected[address] = rules;
  }
  auto f = Load(text);
  for (uint64_t query : {0x1000, 0x1001, 0x1100, 0x1234, 0x13ff, 0x1fff}) {
    std::vector<std::string> want;
    for (const auto& [address, rules] : expected) {
      if (address <= query) want.push_back(rules);
    }
    auto records = f->FindCfiRecords(query);
    ASSERT_TRUE(records.has_value()) << query;
    std::vector<std::string> got(records->delta_rules.begin(),
                                 records->delta_rules.end());
    EXPECT_EQ(got, want) << "at " << query;
  }
}

TEST(CfiRules, MalformedInitGivesNoRulesAndBadDeltaIsSkipped) {
  auto f = Load(
      "STACK CFI INIT 1000 10 .cfa:\n"
      "STACK CFI INIT 2000 10 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n"
      "STACK CFI 2004 $rsp 16 +\n");
  EXPECT_FALSE(f->FindCfiRules(0x1000).has_value());
  EXPECT_EQ(f->FindCfiRules(0x2008)->cfa_rule(), "$rsp 8 +");
}

TEST(CfiRules, ApplyRejectsMalformedRuleSets) {
  CfiRules r;
  EXPECT_FALSE(r.Apply(""));
  EXPECT_FALSE(r.Apply(": 1"));
  EXPECT_FALSE(r.Apply("1 2 +"));
  EXPECT_FALSE(r.Apply(".cfa: .ra: 4"));
  EXPECT_TRUE(r.Apply(".cfa:\t$rsp 8 +   .ra: .cfa -8 + ^"));
  EXPECT_EQ(r.cfa_rule(), "$rsp 8 +");
}

TEST(CfiRules, FindCallerRegsComputesCfaRaAndRegisters) {
  CfiRules r;
  ASSERT_TRUE(r.Apply(
      ".cfa: $rsp 16 + .ra: .cfa -8 + ^ $rbp: .cfa -16 + ^ $rbx: $nope"));
  MapMemory mem;
  mem.words[0x1008] = 0x401234;  // return address
  mem.words[0x1000] = 0x7000;    // saved rbp
  Result<RegisterMap> caller =
      r.FindCallerRegs({{"$rsp", 0x1000}}, &mem, ValueWidth::k64);
  ASSERT_TRUE(caller.ok()) << caller.status().ToString();
  EXPECT_EQ(caller->at(".cfa"), 0x1010u);
  EXPECT_EQ(caller->at(".ra"), 0x401234u);
  EXPECT_EQ(caller->at("$rbp"), 0x7000u);
  EXPECT_EQ(caller->count("$rbx"), 0u);  // a failing register rule is left out
}

TEST(CfiRules, FindCallerRegsNeedsCfaAndRa) {
  CfiRules r;
  ASSERT_TRUE(r.Apply(".cfa: $rsp 16 +"));
  EXPECT_EQ(
      r.FindCallerRegs({{"$rsp", 1}}, nullptr, ValueWidth::k64).status().code(),
      Status::Code::kNotFound);
}

}  // namespace
}  // namespace crashbox::symbols
