// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/text/sym_parser.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "app/symbols/text/symbols_test_util.h"

namespace crashbox::symbols {
namespace {

using testing::Load;
using testing::NameAt;

TEST(SymParser, ReadsModuleAndCodeId) {
  auto f = Load(
      "MODULE Linux x86_64 ABCDEF0123 libfoo.so\nINFO CODE_ID 10FAA6BB "
      "libfoo.so\n");
  ModuleInfo m = f->module_info();
  EXPECT_EQ(m.os, "Linux");
  EXPECT_EQ(m.arch, "x86_64");
  EXPECT_EQ(m.debug_id, "ABCDEF0123");
  EXPECT_EQ(m.debug_file, "libfoo.so");
  EXPECT_EQ(m.code_id, "10FAA6BB");
  EXPECT_EQ(m.code_file, "libfoo.so");
  EXPECT_FALSE(f->stats().corrupt);
}

TEST(SymParser, FuncNameKeepsSpacesAndRestOfLine) {
  auto f = Load(
      "FUNC 1000 20 8 std::vector<int, std::allocator<int> >::push_back(int "
      "const&)\n");
  auto fn = f->FindFunction(0x1010);
  ASSERT_TRUE(fn.has_value());
  EXPECT_EQ(fn->name,
            "std::vector<int, std::allocator<int> >::push_back(int const&)");
  EXPECT_EQ(fn->address, 0x1000u);
  EXPECT_EQ(fn->size, 0x20u);
  EXPECT_EQ(fn->parameter_size, 8u);
  EXPECT_FALSE(fn->is_multiple);
}

TEST(SymParser, FuncMultipleFlag) {
  auto f = Load("FUNC m 1000 20 0 folded\nFUNC 2000 10 0 single\n");
  EXPECT_TRUE(f->FindFunction(0x1000)->is_multiple);
  EXPECT_EQ(f->FindFunction(0x1000)->name, "folded");
  EXPECT_FALSE(f->FindFunction(0x2000)->is_multiple);
}

TEST(SymParser, PublicMultipleFlag) {
  auto f = Load("PUBLIC m 1000 4 pub_folded\nPUBLIC 2000 0 pub_single\n");
  auto p = f->FindPublic(0x1004);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->name, "pub_folded");
  EXPECT_TRUE(p->is_multiple);
  EXPECT_EQ(p->parameter_size, 4u);
  EXPECT_FALSE(f->FindPublic(0x2000)->is_multiple);
  EXPECT_FALSE(f->FindPublic(0xfff).has_value());
}

TEST(SymParser, LineRecordsResolveFiles) {
  auto f = Load(
      "FILE 0 a.cc\nFILE 7 dir/b.cc\nFUNC 1000 30 0 f\n1000 10 42 7\n1010 20 "
      "43 0\n");
  auto l = f->FindLine(0x1005);
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->file, "dir/b.cc");
  EXPECT_EQ(l->line, 42);
  EXPECT_EQ(l->address, 0x1000u);
  EXPECT_EQ(f->FindLine(0x102f)->line, 43);
  EXPECT_EQ(f->FindLine(0x102f)->file, "a.cc");
}

TEST(SymParser, LineWithUnknownFileKeepsLineNumber) {
  auto f = Load("FUNC 1000 10 0 f\n1000 10 12 99\n");
  SymbolizedAddress s = f->Symbolize(0x1000);
  EXPECT_TRUE(s.has_line);
  EXPECT_EQ(s.source_line, 12);
  EXPECT_EQ(s.source_file, "");
}

TEST(SymParser, OverlappingFuncFirstWinsAndDropsItsLines) {
  auto f = Load(
      "FUNC 1000 100 0 first\n1000 100 1 0\nFUNC 1080 10 0 second\n1080 10 2 "
      "0\n");
  EXPECT_EQ(NameAt(*f, 0x1085), "first");
  EXPECT_EQ(f->FindLine(0x1085)->line, 1);
  EXPECT_EQ(f->stats().functions_dropped, 1u);
  EXPECT_EQ(f->stats().lines_dropped, 1u);
  EXPECT_FALSE(f->stats().corrupt);  // silently dropped, like Breakpad
}

TEST(SymParser, OverlappingLineFirstWins) {
  auto f = Load("FUNC 1000 100 0 f\n1000 10 1 0\n1008 10 2 0\n1010 10 3 0\n");
  EXPECT_EQ(f->FindLine(0x100a)->line, 1);
  EXPECT_EQ(f->FindLine(0x1010)->line, 3);
}

TEST(SymParser, LinesOutOfOrderAreSorted) {
  auto f = Load("FUNC 1000 30 0 f\n1020 10 3 0\n1000 10 1 0\n1010 10 2 0\n");
  EXPECT_EQ(f->FindLine(0x1000)->line, 1);
  EXPECT_EQ(f->FindLine(0x1015)->line, 2);
  EXPECT_EQ(f->FindLine(0x102f)->line, 3);
}

TEST(SymParser, ZeroSizedFuncIsDropped) {
  auto f = Load("FUNC 1000 0 0 empty\nPUBLIC 1000 0 pub\n");
  EXPECT_FALSE(f->FindFunction(0x1000).has_value());
  EXPECT_EQ(NameAt(*f, 0x1000), "pub");
}

TEST(SymParser, DuplicatePublicIsAnErrorFirstWins) {
  auto f = Load("PUBLIC 1000 0 first\nPUBLIC 1000 0 second\n");
  EXPECT_EQ(f->FindPublic(0x1000)->name, "first");
  EXPECT_EQ(f->stats().parse_errors, 1u);
  EXPECT_TRUE(f->stats().corrupt);
}

TEST(SymParser, PublicAtZeroIsIgnored) {
  auto f = Load("PUBLIC 0 0 _CIlog\n");
  EXPECT_FALSE(f->FindPublic(0x10).has_value());
  EXPECT_EQ(f->stats().parse_errors, 0u);
  EXPECT_EQ(f->stats().publics_dropped, 1u);
}

TEST(SymParser, FileIdFirstDefinitionWins) {
  auto f = Load("FILE 1 first.cc\nFILE 1 second.cc\nFUNC 0 10 0 f\n0 10 5 1\n");
  EXPECT_EQ(f->FindLine(0)->file, "first.cc");
}

TEST(SymParser, SkipsMalformedLinesAndCountsThem) {
  auto f = Load(
      "FUNC zz 10 0 bad_address\n"  // error; lines below have no function
      "1000 10 1 0\n"               // error: line without a function
      "FUNC 1000 10 0\n"            // error: no name
      "PUBLIC 2000\n"               // error
      "FILE x name\n"               // error
      "STACK FOO 1 2\n"             // error: unknown STACK kind
      "FUNC 3000 10 0 good\n"
      "3000 10 -1 0\n"  // error: negative line number
      "3000 10 7 0\n");
  EXPECT_EQ(NameAt(*f, 0x3000), "good");
  EXPECT_EQ(f->FindLine(0x3000)->line, 7);
  EXPECT_EQ(f->stats().parse_errors, 7u);
  EXPECT_TRUE(f->stats().corrupt);
  EXPECT_FALSE(f->stats().bailed);
}

TEST(SymParser, BailsAfterMoreThan100Errors) {
  std::string text = "FUNC 1000 10 0 before\n";
  for (int i = 0; i < 101; ++i) text += "garbage line\n";
  text += "garbage\nFUNC 2000 10 0 after\n";
  auto f = Load(text);
  // The first line is a line record attached to "before" that fails to parse;
  // after the 101st error Breakpad stops and keeps what it has.
  EXPECT_EQ(NameAt(*f, 0x1000), "before");
  EXPECT_EQ(NameAt(*f, 0x2000), "<none>");
  EXPECT_TRUE(f->stats().bailed);
  EXPECT_EQ(f->stats().parse_errors, 101u);
}

TEST(SymParser, InlineErrorsDoNotCountTowardCorrupt) {
  auto f = Load("FUNC 1000 10 0 f\nINLINE x\nINLINE_ORIGIN y\n");
  EXPECT_EQ(f->stats().inline_errors, 2u);
  EXPECT_EQ(f->stats().parse_errors, 0u);
  EXPECT_FALSE(f->stats().corrupt);
}

TEST(SymParser, EmbeddedNulBecomesUnderscoreAndOneError) {
  std::string text("FUNC 1000 10 0 a\0b\n", 19);
  text += std::string(3, '\0');  // trailing NULs are fine
  auto f = Load(text);
  EXPECT_EQ(NameAt(*f, 0x1000), "a_b");
  EXPECT_EQ(f->stats().parse_errors, 1u);
}

TEST(SymParser, CrLfAndBlankLines) {
  auto f = Load(
      "MODULE Linux x86 ID m\r\n\r\n\nFUNC 1000 10 0 f\r\n1000 10 3 0\r\n");
  EXPECT_EQ(NameAt(*f, 0x1000), "f");
  EXPECT_EQ(f->FindLine(0x1000)->line, 3);
  EXPECT_EQ(f->stats().parse_errors, 0u);
}

TEST(SymParser, NumbersFollowStrtoullRules) {
  // Breakpad reads fields with strtoull: a 0x prefix is accepted, and a line
  // record's last field may carry trailing text.
  auto f = Load("FUNC 0x1000 0x10 0 f\n1000 10 5 0 trailing words\n");
  EXPECT_EQ(NameAt(*f, 0x100f), "f");
  EXPECT_EQ(f->FindLine(0x1000)->line, 5);
  EXPECT_EQ(f->stats().parse_errors, 0u);
}

TEST(SymParser, TabIsNotASeparator) {
  auto f = Load("FUNC 1000\t10 0 f\n");
  EXPECT_FALSE(f->FindFunction(0x1000).has_value());
  EXPECT_EQ(f->stats().parse_errors, 1u);
}

TEST(SymParser, EmptyTextIsAnEmptyModule) {
  auto f = Load("");
  EXPECT_FALSE(f->FindFunction(0).has_value());
  EXPECT_EQ(f->stats().text_lines, 0u);
}

TEST(SymParser, RejectsTextOverTheLimit) {
  ParseOptions options;
  options.max_text_bytes = 4;
  Result<std::string> r = ParseSymText(AsBytes("FUNC 1 1 0 f\n"), options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kLimitExceeded);
}

// The fast paths for canonical line and STACK CFI records must read exactly
// what the general path reads; odd shapes take the general path.
TEST(SymParser, CanonicalAndOddRecordShapesReadAlike) {
  auto f = Load(
      "FILE 1 a.c\n"
      "FUNC 1000 100 0 f\n"
      "1000 10 7 1\n"            // canonical
      "1010 0x10 8 1\n"          // 0x prefix: general path
      "1020  10 9 1\n"           // two spaces: general path
      "1030 10 +10 1\n"          // sign: general path
      "1040 10 11 1 trailing\n"  // rest after the last number: accepted
      "1050 10 00000000000000000012 1\n"  // 20 digits: general path
      "STACK CFI INIT 1000 100 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n"
      "STACK CFI 1004 .cfa: $rsp 16 +\n"
      "STACK CFI 0x1008 .cfa: $rsp 24 +\n"
      "STACK CFI INIT  2000 10 .cfa: $rsp 8 +\n");
  EXPECT_FALSE(f->stats().corrupt);
  for (auto [address, line] :
       std::vector<std::pair<uint64_t, int>>{{0x1000, 7},
                                             {0x1010, 8},
                                             {0x1020, 9},
                                             {0x1030, 10},
                                             {0x1040, 11},
                                             {0x1050, 12}}) {
    auto l = f->FindLine(address);
    ASSERT_TRUE(l.has_value()) << std::hex << address;
    EXPECT_EQ(l->line, line);
    EXPECT_EQ(l->file, "a.c");
  }
  auto cfi = f->FindCfiRecords(0x1010);
  ASSERT_TRUE(cfi.has_value());
  EXPECT_EQ(cfi->init_rules, ".cfa: $rsp 8 + .ra: .cfa -8 + ^");
  ASSERT_EQ(cfi->delta_rules.size(), 2u);
  EXPECT_EQ(cfi->delta_rules[1], ".cfa: $rsp 24 +");
  ASSERT_TRUE(f->FindCfiRecords(0x2000).has_value());
  EXPECT_EQ(f->FindCfiRecords(0x2000)->init_rules, ".cfa: $rsp 8 +");
}

// Lines go straight into the blob while they ascend; the first one that does
// not hands them to the full overlap rule, and dropped records leave no trace.
TEST(SymParser, OutOfOrderLinesKeepTheFirstAndLeaveADeterministicBlob) {
  std::string text =
      "FILE 1 a.c\n"
      "FUNC 1000 100 0 f\n"
      "1010 10 2 1\n"
      "1020 10 3 1\n"
      "1000 18 4 1\n"  // overlaps 1010: dropped
      "1000 10 5 1\n"  // out of order, fits
      "FUNC 2000 10 0 g\n"
      "2000 10 6 1\n";
  auto f = Load(text);
  EXPECT_EQ(f->FindLine(0x1000)->line, 5);
  EXPECT_EQ(f->FindLine(0x1010)->line, 2);
  EXPECT_EQ(f->FindLine(0x1020)->line, 3);
  EXPECT_EQ(f->FindLine(0x2000)->line, 6);
  EXPECT_EQ(f->stats().lines_dropped, 1u);
  EXPECT_EQ(*ParseSymText(AsBytes(text)), *ParseSymText(AsBytes(text)));
}

// The blob is built around the line array when the rest fits in the room
// reserved for it; inline-heavy texts, whose records outgrow the text, are
// copied instead. Both give the same answers.
TEST(SymParser, BlobLargerThanItsReservedRoomIsStillComplete) {
  std::string text =
      "FILE 0 a.c\nINLINE_ORIGIN 0 inl\nFUNC 0 100000 0 f\n0 100000 1 0\n";
  for (int line = 0; line < 400;
       ++line) {  // 100 ranges a line (Breakpad reads 512 tokens at most)
    text += "INLINE 0 1 0 0";
    for (int i = 0; i < 100; ++i)
      text += fmt::format(" {:x} 1", (line * 100 + i) * 2);
    text += "\n";
  }
  auto f = Load(text);
  auto frames = f->FindInlineFrames(0x1387e);  // the last range
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].function_name, "inl");
  EXPECT_EQ(frames[0].function_base, 0x1387eu);
  EXPECT_TRUE(f->FindInlineFrames(0x1387f).empty());
}

}  // namespace
}  // namespace crashbox::symbols
