// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/stored/symbol_file.h"

#include <gtest/gtest.h>

#include "app/symbols/text/symbols_test_util.h"

namespace crashbox::symbols {
namespace {

using testing::Load;
using testing::NameAt;

class FuncVsPublic : public ::testing::Test {
 protected:
  // PUBLIC below the FUNC, PUBLIC inside it, PUBLIC after it.
  std::shared_ptr<const SymbolFile> f_ = Load(
      "PUBLIC 800 0 pub_low\n"
      "FUNC 1000 100 0 func\n"
      "1000 100 10 0\n"
      "PUBLIC 1000 0 pub_same\n"
      "PUBLIC 1050 0 pub_inside\n"
      "FUNC 3000 100 0 func2\n"
      "PUBLIC 4000 0 pub_high\n");
};

TEST_F(FuncVsPublic, FuncWinsInsideItsRange) {
  SymbolizedAddress s = f_->Symbolize(0x1060);
  EXPECT_EQ(s.function_name, "func");
  EXPECT_FALSE(s.from_public);
  EXPECT_EQ(s.function_base, 0x1000u);
  EXPECT_TRUE(s.has_line);
}

TEST_F(FuncVsPublic, PublicBelowAnyFuncIsUsed) {
  EXPECT_EQ(NameAt(*f_, 0x900), "pub_low");
  EXPECT_TRUE(f_->Symbolize(0x900).from_public);
  EXPECT_FALSE(f_->Symbolize(0x900).has_line);
  EXPECT_EQ(NameAt(*f_, 0x7ff), "<none>");
}

TEST_F(FuncVsPublic, PublicAboveTheNearestFuncStartIsUsedPastItsEnd) {
  // After func's end the nearest PUBLIC is pub_inside (0x1050 > 0x1000).
  SymbolizedAddress s = f_->Symbolize(0x2000);
  EXPECT_EQ(s.function_name, "pub_inside");
  EXPECT_EQ(s.function_base, 0x1050u);
}

TEST_F(FuncVsPublic, PublicAtOrBelowTheNearestFuncStartIsNotUsed) {
  // Past func2 the nearest PUBLIC (pub_inside) lies below func2's start.
  EXPECT_EQ(NameAt(*f_, 0x3100), "<none>");
  EXPECT_EQ(NameAt(*f_, 0x3fff), "<none>");
  EXPECT_EQ(NameAt(*f_, 0x4000), "pub_high");
}

TEST_F(FuncVsPublic, FindPublicIgnoresFuncs) {
  EXPECT_EQ(f_->FindPublic(0x3100)->name, "pub_inside");
}

TEST(SymbolFile, FunctionBoundaries) {
  auto f = Load("FUNC 1000 10 0 a\nFUNC 1010 10 0 b\n");
  EXPECT_EQ(NameAt(*f, 0xfff), "<none>");
  EXPECT_EQ(NameAt(*f, 0x1000), "a");
  EXPECT_EQ(NameAt(*f, 0x100f), "a");
  EXPECT_EQ(NameAt(*f, 0x1010), "b");
  EXPECT_EQ(NameAt(*f, 0x101f), "b");
  EXPECT_EQ(NameAt(*f, 0x1020), "<none>");
}

TEST(SymbolFile, FunctionAtTopOfAddressSpace) {
  auto f = Load("FUNC fffffffffffffff0 f 0 top\n");
  EXPECT_EQ(NameAt(*f, 0xfffffffffffffffeull), "top");
  EXPECT_EQ(NameAt(*f, 0xffffffffffffffefull), "<none>");
}

TEST(SymbolFile, LineBaseAndGapsBetweenLines) {
  auto f = Load("FILE 0 x.c\nFUNC 1000 40 0 f\n1000 10 1 0\n1020 10 3 0\n");
  SymbolizedAddress s = f->Symbolize(0x1025);
  EXPECT_EQ(s.source_line, 3);
  EXPECT_EQ(s.source_line_base, 0x1020u);
  EXPECT_EQ(s.source_file, "x.c");
  SymbolizedAddress gap = f->Symbolize(0x1015);
  EXPECT_TRUE(gap.has_function);
  EXPECT_FALSE(gap.has_line);
  EXPECT_EQ(gap.source_line, 0);
}

TEST(SymbolFile, PublicClearsCurrentFunctionForLines) {
  auto f = Load("FUNC 1000 40 0 f\nPUBLIC 5000 0 p\n1000 10 1 0\n");
  EXPECT_FALSE(f->FindLine(0x1000).has_value());
  EXPECT_EQ(f->stats().parse_errors, 1u);  // line data without a function
}

TEST(SymbolFile, StackRecordsDoNotEndAFunction) {
  auto f = Load(
      "FUNC 1000 40 0 f\nSTACK CFI INIT 1000 40 .cfa: $rsp 8 + .ra: .cfa -8 + "
      "^\n1000 10 9 0\n");
  EXPECT_EQ(f->FindLine(0x1000)->line, 9);
}

TEST(SymbolFile, WindowsFrameInfoFallsBackToFuncParameterSize) {
  auto f = Load("FUNC 1000 40 c f\nPUBLIC 2000 8 p\n");
  auto info = f->FindWindowsFrameInfo(0x1000);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(info->parameter_size_only);
  EXPECT_EQ(info->parameter_size, 0xcu);
  EXPECT_FALSE(f->FindWindowsFrameInfo(0x2000)
                   .has_value());  // PUBLIC sizes are not returned
}

}  // namespace
}  // namespace crashbox::symbols
