// SPDX-License-Identifier: MPL-2.0
// INLINE / INLINE_ORIGIN records: nesting, call sites, Breakpad's file/line
// shifting between the frames.
#include <gtest/gtest.h>

#include "app/symbols/text/symbols_test_util.h"

namespace crashbox::symbols {
namespace {

using testing::Load;

constexpr std::string_view kNested =
    "FILE 0 main.cc\n"
    "FILE 1 inl.h\n"
    "INLINE_ORIGIN 0 outer_inl\n"
    "INLINE_ORIGIN 1 inner_inl\n"
    "FUNC 1000 100 0 func\n"
    "INLINE 0 10 0 0 1010 40\n"
    "INLINE 1 20 1 1 1020 10\n"
    "1000 10 5 0\n"
    "1010 10 30 1\n"
    "1020 10 40 1\n";

TEST(Inlines, NestedChainIsInnermostFirstWithShiftedCallSites) {
  auto f = Load(kNested);
  SymbolizedAddress s = f->Symbolize(0x1025);
  EXPECT_EQ(s.function_name, "func");
  EXPECT_EQ(s.source_file, "main.cc");  // call site of the outermost inline
  EXPECT_EQ(s.source_line, 10);
  ASSERT_EQ(s.inlines.size(), 2u);
  EXPECT_EQ(s.inlines[0].function_name, "inner_inl");
  EXPECT_EQ(s.inlines[0].source_file, "inl.h");  // the line record
  EXPECT_EQ(s.inlines[0].source_line, 40);
  EXPECT_EQ(s.inlines[0].function_base, 0x1020u);
  EXPECT_EQ(s.inlines[1].function_name, "outer_inl");
  EXPECT_EQ(s.inlines[1].source_file, "inl.h");  // call site of inner_inl
  EXPECT_EQ(s.inlines[1].source_line, 20);
  EXPECT_EQ(s.inlines[1].function_base, 0x1010u);
}

TEST(Inlines, OneLevel) {
  auto f = Load(kNested);
  SymbolizedAddress s = f->Symbolize(0x1015);
  EXPECT_EQ(s.source_line, 10);
  ASSERT_EQ(s.inlines.size(), 1u);
  EXPECT_EQ(s.inlines[0].function_name, "outer_inl");
  EXPECT_EQ(s.inlines[0].source_line, 30);
}

TEST(Inlines, NoneOutsideInlineRanges) {
  auto f = Load(kNested);
  SymbolizedAddress s = f->Symbolize(0x1005);
  EXPECT_TRUE(s.inlines.empty());
  EXPECT_EQ(s.source_line, 5);
  EXPECT_TRUE(f->FindInlineFrames(0x1050).empty());
}

TEST(Inlines, WithoutInlinesKeepsLineRecord) {
  auto f = Load(kNested);
  SymbolizedAddress s = f->Symbolize(0x1025, /*with_inlines=*/false);
  EXPECT_EQ(s.source_line, 40);
  EXPECT_TRUE(s.inlines.empty());
}

TEST(Inlines, OldFormatUsesLineRecordFileForCallSite) {
  auto f = Load(
      "FILE 0 main.cc\nFILE 1 inl.h\n"
      "INLINE_ORIGIN 0 1 old_inl\n"  // old format: <id> <file_id> <name>
      "FUNC 1000 100 0 func\n"
      "INLINE 0 10 0 1010 10\n"  // old format: no call-site file
      "1010 10 30 1\n");
  SymbolizedAddress s = f->Symbolize(0x1012);
  ASSERT_EQ(s.inlines.size(), 1u);
  EXPECT_EQ(s.inlines[0].function_name, "old_inl");
  EXPECT_EQ(s.source_file, "inl.h");  // copied from the frame's line record
  EXPECT_EQ(s.source_line, 10);
}

TEST(Inlines, UnknownOriginIsNameOmitted) {
  auto f = Load("FUNC 1000 100 0 func\nINLINE 0 3 0 9 1000 10\n");
  ASSERT_EQ(f->FindInlineFrames(0x1000).size(), 1u);
  EXPECT_EQ(f->FindInlineFrames(0x1000)[0].function_name, "<name omitted>");
}

TEST(Inlines, LevelSkippingParentIsDropped) {
  auto f =
      Load("INLINE_ORIGIN 0 a\nFUNC 1000 100 0 func\nINLINE 2 3 0 0 1000 10\n");
  EXPECT_TRUE(f->FindInlineFrames(0x1000).empty());
  EXPECT_EQ(f->stats().inline_errors, 0u);
}

TEST(Inlines, IdenticalRangesNestLaterInside) {
  auto f = Load(
      "INLINE_ORIGIN 0 a\nINLINE_ORIGIN 1 b\nFUNC 1000 100 0 func\n"
      "INLINE 0 3 0 0 1000 10\nINLINE 1 4 0 1 1000 10\n");
  auto frames = f->FindInlineFrames(0x1004);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0].function_name, "b");
  EXPECT_EQ(frames[1].function_name, "a");
}

TEST(Inlines, FunctionBaseIsTheRangeHoldingTheAddress) {
  auto f = Load(
      "INLINE_ORIGIN 0 a\nFUNC 1000 100 0 func\nINLINE 0 3 0 0 1010 10 1030 "
      "10\n");
  auto frames = f->FindInlineFrames(0x1035);
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].function_base, 0x1030u);
  EXPECT_TRUE(f->FindInlineFrames(0x1025).empty());
}

TEST(Inlines, PartialOverlapIsDropped) {
  auto f = Load(
      "INLINE_ORIGIN 0 a\nINLINE_ORIGIN 1 b\nFUNC 1000 100 0 func\n"
      "INLINE 0 3 0 0 1000 20\nINLINE 0 4 0 1 1010 20\n");
  EXPECT_EQ(f->FindInlineFrames(0x1018).size(), 1u);
  EXPECT_EQ(f->FindInlineFrames(0x1025).size(), 0u);
  EXPECT_EQ(f->stats().inlines_dropped, 1u);
}

TEST(Inlines, InlineBeforeAnyFuncIsAnInlineError) {
  auto f = Load("INLINE 0 3 0 0 1000 20\nFUNC 1000 100 0 func\n");
  EXPECT_EQ(f->stats().inline_errors, 1u);
  EXPECT_TRUE(f->FindInlineFrames(0x1000).empty());
}

TEST(Inlines, OriginNameStartingWithDigitsIsNotAFileId) {
  auto f = Load(
      "INLINE_ORIGIN 0 123abc\nFUNC 1000 100 0 func\nINLINE 0 3 0 0 1000 20\n");
  EXPECT_EQ(f->FindInlineFrames(0x1000)[0].function_name, "123abc");
}

}  // namespace
}  // namespace crashbox::symbols
