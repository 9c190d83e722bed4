// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/eval/postfix_eval.h"

#include <gtest/gtest.h>

#include <map>

namespace crashbox::symbols {
namespace {

class FakeMemory : public MemoryReader {
 public:
  std::map<uint64_t, uint64_t> words;
  bool ReadMemory(uint64_t address, ValueWidth width,
                  uint64_t* value) const override {
    auto it = words.find(address);
    if (it == words.end()) return false;
    *value = width == ValueWidth::k32 ? (it->second & 0xFFFFFFFFu) : it->second;
    return true;
  }
};

class Postfix : public ::testing::Test {
 protected:
  Result<uint64_t> Value(std::string_view expr,
                         ValueWidth width = ValueWidth::k64) {
    PostfixEvaluator ev(&regs_, &memory_, width);
    return ev.EvaluateForValue(expr);
  }
  RegisterMap regs_{{"$rsp", 0x1000}, {"$rbp", 0x2000}, {".cfa", 0x3000}};
  FakeMemory memory_;
};

TEST_F(Postfix, Arithmetic) {
  EXPECT_EQ(*Value("$rsp 8 +"), 0x1008u);
  EXPECT_EQ(*Value("10 3 -"), 7u);
  EXPECT_EQ(*Value("6 7 *"), 42u);
  EXPECT_EQ(*Value("17 5 /"), 3u);
  EXPECT_EQ(*Value("17 5 %"), 2u);
  EXPECT_EQ(*Value("4100 16 @"), 4096u);
}

TEST_F(Postfix, NegativeLiteralWraps) {
  EXPECT_EQ(*Value(".cfa -8 +"), 0x2ff8u);
  EXPECT_EQ(*Value("0 -1 +", ValueWidth::k32), 0xFFFFFFFFu);
}

TEST_F(Postfix, ThirtyTwoBitWraps) {
  regs_["$esp"] = 0xFFFFFFFC;
  EXPECT_EQ(*Value("$esp 8 +", ValueWidth::k32), 4u);
  EXPECT_FALSE(Value("4294967296", ValueWidth::k32)
                   .ok());  // not a 32-bit literal: an unknown name
}

TEST_F(Postfix, Dereference) {
  memory_.words[0x2ff8] = 0xdeadbeef;
  EXPECT_EQ(*Value(".cfa -8 + ^"), 0xdeadbeefu);
  Result<uint64_t> missing = Value("$rsp ^");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

TEST_F(Postfix, DereferenceWithoutMemoryFails) {
  PostfixEvaluator ev(&regs_, nullptr, ValueWidth::k64);
  EXPECT_EQ(ev.EvaluateForValue("$rsp ^").status().code(),
            Status::Code::kCorrupt);
}

TEST_F(Postfix, ProgramStringAssigns) {
  regs_ = {{"$ebp", 0x100}, {"$esp", 0x80}};
  memory_.words[0x100] = 0x200;
  memory_.words[0x104] = 0x401000;
  std::set<std::string> assigned;
  PostfixEvaluator ev(&regs_, &memory_, ValueWidth::k32);
  Status s = ev.Evaluate(
      "$T0 $ebp = $eip $T0 4 + ^ = $ebp $T0 ^ = $esp $T0 8 + =", &assigned);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(regs_["$eip"], 0x401000u);
  EXPECT_EQ(regs_["$ebp"], 0x200u);
  EXPECT_EQ(regs_["$esp"], 0x108u);
  EXPECT_EQ(assigned, (std::set<std::string>{"$T0", "$eip", "$ebp", "$esp"}));
}

TEST_F(Postfix, GluedAssignmentOperator) {
  regs_ = {{"$ebp", 0x100}};
  PostfixEvaluator ev(&regs_, &memory_, ValueWidth::k32);
  ASSERT_TRUE(ev.Evaluate("$T0 $ebp 128 + =$eip $T0 =").ok());
  EXPECT_EQ(regs_["$eip"], 0x180u);
}

TEST_F(Postfix, MalformedExpressionsFail) {
  for (std::string_view expr :
       {"+", "1 +", "1 2", "", "$nope", "1 0 /", "1 0 %", "^"}) {
    Result<uint64_t> r = Value(expr);
    EXPECT_FALSE(r.ok()) << "'" << expr << "'";
  }
  PostfixEvaluator ev(&regs_, &memory_, ValueWidth::k64);
  EXPECT_FALSE(ev.Evaluate("5 6 =").ok());    // assignment to a literal
  EXPECT_FALSE(ev.Evaluate("-5 6 =").ok());   // Breakpad crashes here
  EXPECT_FALSE(ev.Evaluate("rsp 6 =").ok());  // not a $variable
  EXPECT_FALSE(ev.Evaluate("=").ok());
  EXPECT_FALSE(ev.Evaluate("$a 1 = 2").ok());  // leftover value
}

TEST_F(Postfix, LimitsBoundWork) {
  std::string deep;
  for (int i = 0; i < 1000; ++i) deep += "1 ";
  EXPECT_EQ(Value(deep).status().code(), Status::Code::kLimitExceeded);
  std::string long_expr(70000, ' ');
  long_expr += "1";
  EXPECT_EQ(Value(long_expr).status().code(), Status::Code::kLimitExceeded);
}

}  // namespace
}  // namespace crashbox::symbols
