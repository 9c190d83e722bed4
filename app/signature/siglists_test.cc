// SPDX-License-Identifier: MPL-2.0
// Siglist parsing, loading and the embedded defaults (SOCORRO.md §3.8).
#include "app/signature/siglists.h"

#include <gtest/gtest.h>

#include "app/signature/signature.h"
#include "app/signature/test_lists.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::signature {
namespace {

TEST(ParseListText, SkipsCommentsAndBlankLinesAndStrips) {
  std::vector<std::string> want{"a", "b c"};
  EXPECT_EQ(
      ParseListText("# comment\n\n  a  \r\n\tb c\n   # indented comment\n"),
      want);
}

TEST(RegexList, MatchesPrefixOnly) {
  RegexList list = RegexList::Make({"foo", "ba[rz]$"}, nullptr);
  EXPECT_TRUE(list.MatchesPrefix("foobar"));
  EXPECT_TRUE(list.MatchesPrefix("baz"));
  EXPECT_FALSE(list.MatchesPrefix("bazz"));
  EXPECT_FALSE(list.MatchesPrefix("xfoo"));
  EXPECT_FALSE(RegexList().MatchesPrefix("anything"));
}

TEST(RegexList, RejectsLookaroundsWithANote) {
  std::vector<std::string> rejected;
  RegexList list = RegexList::Make({"ok", "foo(?!bar)", "(a)\\1"}, &rejected);
  EXPECT_EQ(list.patterns(), std::vector<std::string>{"ok"});
  ASSERT_EQ(rejected.size(), 2u);
  EXPECT_TRUE(rejected[0].starts_with("foo(?!bar): ")) << rejected[0];
}

TEST(LoadSiglists, ReadsFourFilesAndReportsBadLines) {
  testing::TempDir dir;
  testing::WriteFileOrDie(dir / "signature_sentinels.txt", "# s\nsent\n");
  testing::WriteFileOrDie(dir / "irrelevant_signature_re.txt",
                          "irr\n(?<=x)y\n");
  testing::WriteFileOrDie(dir / "prefix_signature_re.txt", "pre\n");
  testing::WriteFileOrDie(dir / "signatures_with_line_numbers_re.txt", "");
  Result<std::shared_ptr<const Siglists>> lists = LoadSiglists(dir.path());
  ASSERT_TRUE(lists.ok()) << lists.status().ToString();
  EXPECT_EQ((*lists)->sentinels, std::vector<std::string>{"sent"});
  EXPECT_TRUE((*lists)->irrelevant.MatchesPrefix("irrelevant"));
  ASSERT_EQ((*lists)->load_notes.size(), 1u);
  EXPECT_TRUE(
      (*lists)->load_notes[0].starts_with("irrelevant_signature_re.txt: "));
}

TEST(LoadSiglists, MissingFileIsNotFound) {
  testing::TempDir dir;
  testing::WriteFileOrDie(dir / "signature_sentinels.txt", "x\n");
  EXPECT_EQ(LoadSiglists(dir.path()).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(LoadSiglists(dir / "nope").status().code(),
            Status::Code::kNotFound);
}

TEST(DefaultSiglists, EmbeddedListsLoadCleanly) {
  std::shared_ptr<const Siglists> lists = DefaultSiglists();
  EXPECT_TRUE(lists->load_notes.empty());
  EXPECT_FALSE(lists->sentinels.empty());
  EXPECT_TRUE(lists->irrelevant.MatchesPrefix("__GI_raise"));
  EXPECT_TRUE(lists->prefix.MatchesPrefix("libc.so.6"));
}

// Generic crashes signed with the embedded lists.
nlohmann::json Stack(const nlohmann::json& frames) {
  return {{"crashing_thread", 0}, {"threads", {{{"frames", frames}}}}};
}
nlohmann::json Stack(std::initializer_list<nlohmann::json> frames) {
  return Stack(nlohmann::json(frames));
}

TEST(DefaultSiglists, GlibcAbortSkipsToCaller) {
  SignatureGenerator gen(DefaultSiglists());
  nlohmann::json crash = Stack(
      {{{"function", "__pthread_kill_implementation"}, {"module", "libc.so.6"}},
       {{"function", "raise"}, {"module", "libc.so.6"}},
       {{"function", "abort"}, {"module", "libc.so.6"}},
       {{"function", "MyApp::Fail(int)"}, {"module", "app"}},
       {{"function", "main"}, {"module", "app"}}});
  EXPECT_EQ(gen.Generate(crash).signature,
            "raise | abort | MyApp::Fail");  // __pthread_ is irrelevant
}

TEST(DefaultSiglists, RustPanicStartsAtPanicAndNamesCaller) {
  SignatureGenerator gen(DefaultSiglists());
  const char* lib = "/rustc/abc/library/core/src/panicking.rs";
  nlohmann::json crash = Stack(
      {{{"function", "std::sys::pal::unix::abort_internal"}, {"file", lib}},
       {{"function", "core::panicking::panic_fmt"}, {"file", lib}},
       {{"function", "core::panicking::panic_bounds_check"}, {"file", lib}},
       {{"function", "app::parse::h0123456789abcdef"},
        {"file", "/src/app/src/parse.rs"}},
       {{"function", "app::main"}, {"file", "/src/app/src/main.rs"}}});
  EXPECT_EQ(gen.Generate(crash).signature, "app::parse");
}

TEST(DefaultSiglists, UnsymbolizedModulesCollapseAndContinue) {
  SignatureGenerator gen(DefaultSiglists());
  nlohmann::json crash = Stack({{{"module", "libfoo.so"}, {"offset", "0x10"}},
                                {{"module", "libfoo.so"}, {"offset", "0x20"}},
                                {{"function", "Caller()"}, {"module", "app"}}});
  EXPECT_EQ(gen.Generate(crash).signature, "libfoo.so | Caller");
}

// A Linux crash without symbols: versioned library names collapse too, and
// a program function that merely starts like a libc name ("abort_call") is
// not taken for it.
TEST(DefaultSiglists, VersionedModulesCollapseOnceEach) {
  SignatureGenerator gen(DefaultSiglists());
  nlohmann::json frames = nlohmann::json::array();
  for (const char* m : {"libc.so.6", "libc.so.6", "libc.so.6", "libstdc++.so.6",
                        "libstdc++.so.6", "uncaught_exception",
                        "uncaught_exception", "libc.so.6"}) {
    frames.push_back({{"module", m}, {"offset", "0x10"}});
  }
  EXPECT_EQ(gen.Generate(Stack(frames)).signature,
            "libc.so.6 | libstdc++.so.6 | uncaught_exception");
  nlohmann::json abort_call = Stack({{{"module", "libc.so.6"}},
                                     {{"function", "abort_call"}},
                                     {{"function", "main"}}});
  EXPECT_EQ(gen.Generate(abort_call).signature, "libc.so.6 | abort_call");
}

// With Socorro's lists (no collapse list) only the names Socorro's code
// collapses do: ".dll", ".so", XUL, "<name omitted>", "<unknown in ...>".
TEST(Siglists, WithoutACollapseListSocorrosNamesCollapse) {
  SignatureGenerator gen(MakeTestLists({}, {}, {".*"}));
  nlohmann::json crash = Stack({{{"module", "a.so"}},
                                {{"module", "a.so"}},
                                {{"module", "B.DLL"}},
                                {{"module", "B.DLL"}},
                                {{"module", "libc.so.6"}},
                                {{"module", "libc.so.6"}},
                                {{"module", "c"}}});
  EXPECT_EQ(gen.Generate(crash).signature,
            "a.so | B.DLL | libc.so.6 | libc.so.6 | c");
}

}  // namespace
}  // namespace crashbox::signature
