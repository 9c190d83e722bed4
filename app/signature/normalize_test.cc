// SPDX-License-Identifier: MPL-2.0
// Frame normalization: SOCORRO.md §3.4 worked examples as tables.
#include "app/signature/normalize.h"
#include "app/signature/json_util.h"

#include <gtest/gtest.h>

#include "app/signature/test_lists.h"

namespace crashbox::signature {
namespace {

struct Case {
  const char* in;
  const char* want;
};

const Siglists& Lists() {
  static auto lists = MakeTestLists({}, {}, {}, {"fnNeedNumber"});
  return *lists;
}

TEST(NormalizeCppFunction, MatchesSocorroExamples) {
  const Case cases[] = {
      {"f( *s , &n)", "f"},
      {"operator()(s,t,u)", "operator()"},
      {"::(anonymous namespace)::f3(s,t,u)", "::(anonymous namespace)::f3"},
      {"`anonymous namespace'::foo", "(anonymous namespace)::foo"},
      {"mozilla::layers::BasicImageLayer::Paint(mozilla::gfx::DrawTarget*, "
       "mozilla::gfx::PointTyped<...> const&, mozilla::layers::Layer*)",
       "mozilla::layers::BasicImageLayer::Paint"},
      {"bool CCGraphBuilder::BuildGraph(class js::SliceBudget& const)",
       "CCGraphBuilder::BuildGraph"},
      {"Alpha<Bravo<Charlie>, Delta>::Echo<Foxtrot>", "Alpha<T>::Echo<T>"},
      {"thread_start<unsigned int (__cdecl*)(void* __ptr64)>",
       "thread_start<T>"},
      {"class JSObject* DoCallback<JSObject*>(class JS::CallbackTracer*, class "
       "JSObject**, const char*)",
       "DoCallback<T>"},
      {"JS::Heap<JSObject*>::operator JSObject* const &()",
       "JS::Heap<T>::operator JSObject* const&"},
      {"mozilla::jni::GlobalRef<mozilla::jni::Object>::operator=(mozilla::jni::"
       "Ref<...> const&)&",
       "mozilla::jni::GlobalRef<T>::operator="},
      {"mozilla::Maybe<unsigned long>::value() const &",
       "mozilla::Maybe<T>::value"},
      {"ShutdownWorkThreads::$_52::__invoke",
       "ShutdownWorkThreads::$::__invoke"},
      {"js::jit::CodePosition::operator<(js::jit::CodePosition) const",
       "js::jit::CodePosition::operator<"},
      {"js::jit::CodePosition::operator<=>(js::jit::CodePosition const&) const",
       "js::jit::CodePosition::operator<=>"},
      {"IPC::ParamTraits<nsTSubstring<char> >::Write(IPC::Message "
       "*,nsTSubstring<char> const &)",
       "IPC::ParamTraits<nsTSubstring<T> >::Write"},
      {"static void * Allocator<MozJemallocBase>::malloc(unsigned __int64)",
       "Allocator<T>::malloc"},
      {"void nsDocumentViewer::DestroyPresShell()",
       "nsDocumentViewer::DestroyPresShell"},
      {"foo(int) [clone .cold.222]",
       "foo "},  // trailing space: SigFixWhitespace strips later
      {"<name omitted>", "<name omitted>"},
      {"<unknown in ntdll.pdb>", "<unknown in ntdll.pdb>"},
      {"Foo<bar", "Foo<T>"},
      {"Foo<bar<baz>", "Foo<T>"},
      {"a,b", "a, b"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NormalizeCppFunction(c.in, "None", Lists()), c.want) << c.in;
  }
}

TEST(NormalizeCppFunction, AppendsLineForListedFunctions) {
  EXPECT_EQ(NormalizeCppFunction("fnNeedNumber", "23", Lists()),
            "fnNeedNumber:23");
  EXPECT_EQ(NormalizeCppFunction("fnNeedNumber", "None", Lists()),
            "fnNeedNumber:None");
  EXPECT_EQ(NormalizeCppFunction("fnOther", "23", Lists()), "fnOther");
}

TEST(NormalizeCppFunction, QualifierOnlyFunctionFailsLikeSocorro) {
  // "const" strips to "", and Socorro's tokenizer indexes an empty list.
  EXPECT_THROW(NormalizeCppFunction("const", "None", Lists()), PyError);
}

TEST(NormalizeRustFunction, MatchesSocorroExamples) {
  const Case cases[] = {
      {"static void "
       "servo_arc::Arc<style::gecko_properties::ComputedValues>::drop_slow"
       "<style::gecko_properties::ComputedValues>()",
       "servo_arc::Arc<T>::drop_slow<T>"},
      {"<rayon_core::job::HeapJob<BODY> as rayon_core::job::Job>::execute",
       "<rayon_core::job::HeapJob<BODY> as rayon_core::job::Job>::execute"},
      {"expect_failed::h7f6350::blah", "expect_failed::h7f6350::blah"},
      {"core::option::expect_failed::h7f635057bfba806a",
       "core::option::expect_failed"},
      {"alloc::vec::Vec<T>::push(u8)", "alloc::vec::Vec<T>::push"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(NormalizeRustFunction(c.in, "None", Lists()), c.want) << c.in;
  }
}

TEST(ParseSourceFile, RecognizesVcsWindowsAndAbsolutePaths) {
  EXPECT_EQ(ParseSourceFile("hg:hg.mozilla.org/releases/mozilla-esr52:js/src/"
                            "jit/MIR.h:755067c14b06"),
            "js/src/jit/MIR.h");
  EXPECT_EQ(ParseSourceFile("c:\\src\\lib.rs"), "\\src\\lib.rs");
  EXPECT_EQ(ParseSourceFile("/rustc/abc/library/core/src/panicking.rs"),
            "/rustc/abc/library/core/src/panicking.rs");
  EXPECT_EQ(ParseSourceFile("src/lib.rs"), std::nullopt);
  EXPECT_EQ(ParseSourceFile(""), std::nullopt);
}

TEST(DropPrefixAndReturnType, KeepsLastTokenAndSpacedArguments) {
  EXPECT_EQ(
      DropPrefixAndReturnType(
          "static void * Allocator<MozJemallocBase>::malloc(unsigned __int64)"),
      "Allocator<MozJemallocBase>::malloc(unsigned __int64)");
  EXPECT_EQ(DropPrefixAndReturnType("somefunc (int a)"), "somefunc (int a)");
  EXPECT_EQ(DropPrefixAndReturnType("int f(int) [clone .cold.1]"),
            "f(int) [clone .cold.1]");
  EXPECT_EQ(DropPrefixAndReturnType("a) b"), "b");  // unmatched close is text
}

// One frame normalized alone; empty strings are absent keys.
std::string Normalize(std::string module, std::string function,
                      std::string file, std::string line,
                      std::string offset = "") {
  nlohmann::json frame = nlohmann::json::object();
  if (!module.empty()) frame["module"] = module;
  if (!function.empty()) frame["function"] = function;
  if (!file.empty()) frame["file"] = file;
  if (!line.empty()) frame["line"] = std::stoll(line);
  if (!offset.empty()) frame["offset"] = offset;
  std::vector<std::string> out =
      NormalizeFrames({{"frames", {frame}}}, false, Lists());
  return out.at(0);
}

std::vector<std::string> NormalizeStack(const nlohmann::json& frames,
                                        bool windows, const Siglists& lists) {
  return NormalizeFrames({{"frames", frames}}, windows, lists);
}

TEST(NormalizeFrame, FallsBackFromFunctionToFileToModuleToOffset) {
  EXPECT_EQ(Normalize("m", "", "\\a\\b\\c\\source", "23"), "source#23");
  EXPECT_EQ(Normalize("m", "", "/a/b/c/source", "23"), "source#23");
  EXPECT_EQ(Normalize("m", "", "hg:host/repo:path/x.cpp:rev", "23"),
            "x.cpp:rev#23");
  EXPECT_EQ(Normalize("[[[module]]", "", "", ""), "module");
  EXPECT_EQ(Normalize("", "", "", "", "0x0000000000032ec0"), "@0x32ec0");
  EXPECT_EQ(Normalize("", "", "", "", "zz"), "@zz");
  EXPECT_EQ(Normalize("", "", "", ""), "");
  EXPECT_EQ(NormalizeStack(nlohmann::json::parse(
                               R"J([{"unloaded_modules": [{"module": "unmod"}],
                                      "offset": "0x10"}])J"),
                           false, Lists()),
            std::vector<std::string>{"(unloaded unmod)"});
}

TEST(NormalizeFrame, UsesRustRulesOnlyForRecognizedRsPaths) {
  // The hash survives C++ rules but not Rust rules.
  EXPECT_EQ(Normalize("", "foo::bar::h0123abcd", "/src/lib.rs", "1"),
            "foo::bar");
  EXPECT_EQ(Normalize("", "foo::bar::h0123abcd", "src/lib.rs", "1"),
            "foo::bar::h0123abcd");
}

TEST(NormalizeFrames, ExpandsInlinesBeforeTheirFrame) {
  nlohmann::json frames = nlohmann::json::parse(R"J([
    {"module": "app", "function": "outer()", "inlines": [
        {"function": "inner2()", "file": "/a.cc", "line": 3},
        {"function": "inner1()", "file": "/a.cc", "line": 2}]},
    {"module": "app", "function": "main"}])J");
  std::vector<std::string> want{"inner2", "inner1", "outer", "main"};
  EXPECT_EQ(NormalizeStack(frames, false, Lists()), want);
}

TEST(NormalizeFrames, StopsAtFortyEntriesCountingInlines) {
  nlohmann::json frames = nlohmann::json::array();
  for (int i = 0; i < 50; ++i) {
    frames.push_back({{"function", "f" + std::to_string(i)},
                      {"inlines", {{{"function", "g"}}}}});
  }
  std::vector<std::string> got = NormalizeStack(frames, false, Lists());
  ASSERT_EQ(got.size(), kMaxFramesToConsider);
  EXPECT_EQ(got[0], "g");
  EXPECT_EQ(got[39], "f19");
}

TEST(NormalizeFrames, RestoresRust134PanicModule) {
  nlohmann::json frames = nlohmann::json::parse(
      R"J([{"function": "panic_bounds_check", "file": "/rustc/x/src/libcore/panicking.rs"},
          {"function": "panic", "file": "hg:h:src/libcore/panicking.rs:r"}])J");
  std::vector<std::string> got = NormalizeStack(frames, false, Lists());
  // Only the VCS form yields the exact relative path Socorro's table names.
  EXPECT_EQ(got[0], "panic_bounds_check");
  EXPECT_EQ(got[1], "core::panicking::panic");
}

TEST(NormalizeFrames, LowercasesModulesOnWindowsOnly) {
  nlohmann::json frames = nlohmann::json::parse(
      R"J([{"module": "USER2.dll", "module_offset": "0x1"}])J");
  EXPECT_EQ(NormalizeStack(frames, true, Lists()),
            std::vector<std::string>{"user2.dll"});
  EXPECT_EQ(NormalizeStack(frames, false, Lists()),
            std::vector<std::string>{"USER2.dll"});
}

}  // namespace
}  // namespace crashbox::signature
