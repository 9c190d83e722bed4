// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/sym_parser.h"

#include <gtest/gtest.h>

#include "app/symbols/symbols_test_util.h"

namespace crashbox::symbols {
namespace {

using testing::Load;
using testing::NameAt;

TEST(SymParser, ReadsModuleAndCodeId) {
  auto f = Load("MODULE Linux x86_64 ABCDEF0123 libfoo.so\nINFO CODE_ID 10FAA6BB libfoo.so\n");
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
  auto f = Load("FUNC 1000 20 8 std::vector<int, std::allocator<int> >::push_back(int const&)\n");
  auto fn = f->FindFunction(0x1010);
  ASSERT_TRUE(fn.has_value());
  EXPECT_EQ(fn->name, "std::vector<int, std::allocator<int> >::push_back(int const&)");
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
  auto f = Load("FILE 0 a.cc\nFILE 7 dir/b.cc\nFUNC 1000 30 0 f\n1000 10 42 7\n1010 20 43 0\n");
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
  auto f = Load("FUNC 1000 100 0 first\n1000 100 1 0\nFUNC 1080 10 0 second\n1080 10 2 0\n");
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
      "FUNC zz 10 0 bad_address\n"   // error; lines below have no function
      "1000 10 1 0\n"                // error: line without a function
      "FUNC 1000 10 0\n"             // error: no name
      "PUBLIC 2000\n"                // error
      "FILE x name\n"                // error
      "STACK FOO 1 2\n"              // error: unknown STACK kind
      "FUNC 3000 10 0 good\n"
      "3000 10 -1 0\n"               // error: negative line number
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
  auto f = Load("MODULE Linux x86 ID m\r\n\r\n\nFUNC 1000 10 0 f\r\n1000 10 3 0\r\n");
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

}  // namespace
}  // namespace crashbox::symbols
