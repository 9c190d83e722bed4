// SPDX-License-Identifier: MPL-2.0
// Crash data that Socorro's Python handles in its own way: values beyond 64
// bits, Python's str() of lists and floats, Unicode line breaks, digits and
// case, "$" before a final newline, and values of unexpected types, which
// fail only the rule that reads them. The expected outputs follow Socorro's
// socorro/signature/rules.py and utils.py read line by line; each test says
// which Python operation decides it. Inputs are JSON text read with
// PyJsonLoads, as `crashbox signature` reads a file.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/base/py_json.h"
#include "app/signature/normalize.h"
#include "app/signature/signature.h"
#include "app/signature/test_lists.h"

namespace crashbox::signature {
namespace {

// Frames whose function is "sig" sign as "sig" (a test list makes nothing
// irrelevant or a prefix); "fnLine" takes a line number.
SignatureResult Sig(std::string_view crash_json) {
  static const SignatureGenerator gen(
      MakeTestLists({}, {"handle_error$"}, {}, {"fnLine"}),
      SignatureOptions{.mozilla_rules = true});
  Result<nlohmann::json> crash = base::PyJsonLoads(crash_json, {.exact = true});
  EXPECT_TRUE(crash.ok()) << crash.status().message();
  return gen.Generate(crash.ok() ? *crash : nlohmann::json());
}

std::string Sign(std::string_view crash_json) {
  return Sig(crash_json).signature;
}

// The crash of Sign() with `extra` members added to a one-frame stack.
std::string WithSig(std::string_view extra) {
  return fmt::format(
      R"({{"threads": [{{"frames": [{{"function": "sig"}}]}}]{}{}}})",
      extra.empty() ? "" : ", ", extra);
}

bool HasNote(const SignatureResult& r, std::string_view note) {
  for (const std::string& n : r.notes)
    if (n == note) return true;
  ADD_FAILURE() << "no note \"" << note << "\" among " << r.notes.size();
  return false;
}

// OOMSignature: size = int(oom_allocation_size); Python ints have no bound.
TEST(PythonSemantics, OomSizesBeyond64BitsAreLarge) {
  EXPECT_EQ(Sign(WithSig(R"("oom_allocation_size": 18446744073709551615)")),
            "OOM | large | sig");
  EXPECT_EQ(Sign(WithSig(R"("oom_allocation_size": 18446744073709551616)")),
            "OOM | large | sig");
  EXPECT_EQ(Sign(WithSig(R"("oom_allocation_size": "18446744073709551616")")),
            "OOM | large | sig");
  EXPECT_EQ(Sign(WithSig(R"("oom_allocation_size": 1e20)")),
            "OOM | large | sig");
  // int() strips spaces and reads any Unicode decimal digits.
  EXPECT_EQ(Sign(WithSig(R"("oom_allocation_size": " 12 ")")), "OOM | small");
  EXPECT_EQ(Sign(WithSig(R"("oom_allocation_size": "\uff11\uff12")")),
            "OOM | small");
  EXPECT_EQ(Sign(WithSig(R"("oom_allocation_size": -18446744073709551617)")),
            "OOM | small");
}

// OOMSignature.action catches TypeError (→ "unknown") but not ValueError.
TEST(PythonSemantics, OomSizeOfTheWrongKind) {
  EXPECT_EQ(Sign(WithSig(R"("oom_allocation_size": [1])")),
            "OOM | unknown | sig");
  SignatureResult r = Sig(WithSig(R"("oom_allocation_size": "12 MB")"));
  EXPECT_EQ(r.signature, "sig");
  HasNote(r,
          "OOMSignature: Rule failed: invalid literal for int() with base 10: "
          "'12 MB'");
  r = Sig(WithSig(R"("oom_allocation_size": NaN)"));
  EXPECT_EQ(r.signature, "sig");
  HasNote(r, "OOMSignature: Rule failed: cannot convert float NaN to integer");
}

// OOMSignature.predicate returns False for an empty signature unless the
// allocation size is set.
TEST(PythonSemantics, OomLeavesAnEmptySignatureAlone) {
  EXPECT_EQ(Sign(R"({"threads": [{"frames": [{}]}],
                    "reason": "STATUS_NO_MEMORY"})"),
            "");
  EXPECT_EQ(Sign(R"({"threads": [{"frames": [{}]}],
                    "oom_allocation_size": 10})"),
            "OOM | small");
}

// f"{function}:{line}" and f"{file}#{line}" print the line with str().
TEST(PythonSemantics, LineNumbersPrintAsPythonPrintsThem) {
  EXPECT_EQ(Sign(R"({"threads": [{"frames": [{"function": "fnLine",
                                        "line": 100000000000000000000}]}]})"),
            "fnLine:100000000000000000000");
  EXPECT_EQ(Sign(R"({"threads": [{"frames": [{"file": "/a/b.c",
                                              "line": 100000000000000000000}]}]})"),
            "b.c#100000000000000000000");
  EXPECT_EQ(
      Sign(R"({"threads": [{"frames": [{"file": "/a/b.c", "line": 1.5}]}]})"),
      "b.c#1.5");
  EXPECT_EQ(
      Sign(R"({"threads": [{"frames": [{"file": "/a/b.c", "line": 1e16}]}]})"),
      "b.c#1e+16");
  EXPECT_EQ(
      Sign(
          R"({"threads": [{"frames": [{"file": "/a/b.c", "line": [1, "x"]}]}]})"),
      "b.c#[1, 'x']");
  EXPECT_EQ(
      Sign(R"({"threads": [{"frames": [{"file": "/a/b.c", "line": true}]}]})"),
      "b.c#True");
}

// SignatureShutdownTimeout: str() of each condition, sorted, joined.
TEST(PythonSemantics, ShutdownConditionsAreStrOfEachValue) {
  const char* kData =
      R"({"phase": "p", "conditions": [{"name": 100000000000000000000}, "b",
                                         [1, "a"], {"name": NaN}]})";
  nlohmann::json crash = nlohmann::json::parse(WithSig(""));
  crash["async_shutdown_timeout"] = kData;
  EXPECT_EQ(Sign(crash.dump()),
            "AsyncShutdownTimeout | p | 100000000000000000000,[1, 'a'],b,nan");
  // A str is iterated character by character.
  crash["async_shutdown_timeout"] = R"({"phase": "p", "conditions": "ba"})";
  EXPECT_EQ(Sign(crash.dump()), "AsyncShutdownTimeout | p | a,b");
  // A lone surrogate is a str to Python; the printable filter drops it later.
  crash["async_shutdown_timeout"] = R"({"phase": "\ud800"})";
  EXPECT_EQ(Sign(crash.dump()), "AsyncShutdownTimeout | | (none)");
}

// json.loads raises ValueError (reported) or RecursionError and
// AttributeError (the rule fails, the signature stays).
TEST(PythonSemantics, ShutdownTimeoutThatIsNotADict) {
  nlohmann::json crash = nlohmann::json::parse(WithSig(""));
  crash["async_shutdown_timeout"] = "{";
  SignatureResult r = Sig(crash.dump());
  EXPECT_EQ(r.signature, "AsyncShutdownTimeout | UNKNOWN");
  HasNote(r,
          "SignatureShutdownTimeout: Error parsing AsyncShutdownTimeout: "
          "Expecting property name enclosed in double quotes: line 1 column 2 "
          "(char 1)");
  crash["async_shutdown_timeout"] = "[1]";
  r = Sig(crash.dump());
  EXPECT_EQ(r.signature, "sig");
  HasNote(r,
          "SignatureShutdownTimeout: Rule failed: 'list' object has no "
          "attribute 'get'");
  crash["async_shutdown_timeout"] =
      "[" + std::string(100000, '[') + std::string(100000, ']') + "]";
  r = Sig(crash.dump());
  EXPECT_EQ(r.signature, "sig");
  HasNote(r,
          "SignatureShutdownTimeout: Rule failed: maximum recursion depth "
          "exceeded while decoding a JSON array from a unicode string");
}

// HungProcess formats the hang value with str(); a value nested deeper than
// Python's recursion limit raises RecursionError there.
TEST(PythonSemantics, DeepValuesFailTheirRuleOnly) {
  EXPECT_EQ(Sign(WithSig(R"("hang": [1, "a"])")), "hang: [1, 'a'] | sig");
  // Built as the processor builds crash data (nlohmann's parser does not
  // recurse); json.loads would refuse this text itself.
  nlohmann::json crash = nlohmann::json::parse(WithSig(""));
  crash["hang"] =
      nlohmann::json::parse(std::string(5000, '[') + std::string(5000, ']'));
  SignatureResult r =
      SignatureGenerator(MakeTestLists({}, {}, {})).Generate(crash);
  EXPECT_EQ(r.signature, "sig");
  HasNote(r,
          "HungProcess: Rule failed: maximum recursion depth exceeded while "
          "getting the repr of an object");
}

// JavaSignatureTool: str.splitlines() and str.strip() are Unicode-aware, and
// \d in `\.java\:\d+\)$` is any decimal digit.
TEST(PythonSemantics, JavaTracesSplitOnUnicodeLineBreaks) {
  EXPECT_EQ(Sign(R"J({"java_stack_trace":
                       "java.lang.X: boom\u2028\tat a.B.c(B.java:12)"})J"),
            "java.lang.X: boom at a.B.c(B.java)");
  EXPECT_EQ(Sign(R"J({"java_stack_trace":
                       "java.lang.X: boom\u0085\u3000at a.B.c(B.java:\u0661\u0662)"})J"),
            "java.lang.X: boom at a.B.c(B.java)");
  EXPECT_EQ(
      Sign(R"J({"java_stack_trace": "java.lang.X\u001cat a.B.c(B.java:1)"})J"),
      "java.lang.X: at a.B.c(B.java)");
}

// \d in "::\$_\d+::" is any Unicode decimal digit.
TEST(PythonSemantics, LambdaNumbersInAnyDigits) {
  EXPECT_EQ(
      Sign(R"({"threads": [{"frames": [{"function": "a::$_\u0663::b"}]}]})"),
      "a::$::b");
}

// "$" matches before a final newline: in the lists and in Rust's hash fix-up.
TEST(PythonSemantics, DollarMatchesBeforeAFinalNewline) {
  EXPECT_EQ(Sign(R"({"threads": [{"frames": [{"function": "handle_error\n"},
                                             {"function": "sig"}]}]})"),
            "sig");
  Siglists none = MakeSiglists({"", "", "", ""});
  EXPECT_EQ(NormalizeRustFunction("foo::h0123abc\n", "None", none), "foo\n");
}

// Windows module names go through str.lower(), which is Unicode-aware.
TEST(PythonSemantics, WindowsModulesLowerCaseAsPython) {
  SignatureResult r = Sig(R"({"os": "Windows NT",
      "threads": [{"frames": [{"module": "\u00c9T\u00c9.DLL"}]}]})");
  EXPECT_EQ(r.extra["proto_signature"], "\xc3\xa9t\xc3\xa9.dll");
  // The printable-ASCII filter then drops the é from the signature.
  EXPECT_EQ(r.signature, "t.dll");
}

// JavaExceptionSignatureTool reads missing and falsy values alike.
TEST(PythonSemantics, JavaExceptionFalsyValuesCountAsMissing) {
  EXPECT_EQ(Sign(R"({"java_exception": {"exception": {"values": [
                      {"stacktrace": {"type": "", "module": "org.m"}}]}}})"),
            "org.m.Unknown");
  EXPECT_EQ(Sign(R"({"java_exception": {"exception": {"values": [
                      {"stacktrace": {}}]}}})"),
            "EMPTY: Java exception not in expected format");
}

// normalize_frame: an unloaded module with an empty name says nothing; the
// frame falls through to its offset. With a module_offset, neither applies.
TEST(PythonSemantics, UnloadedModuleWithAnEmptyName) {
  EXPECT_EQ(Sign(R"({"threads": [{"frames": [
                      {"unloaded_modules": [{"module": ""}], "offset": "0x0010"}]}]})"),
            "@0x10");
  EXPECT_EQ(Sign(R"({"threads": [{"frames": [
                      {"unloaded_modules": [{"module": "gone.so"}],
                       "module_offset": "0x1", "offset": "0x10"}]}]})"),
            "");
}

// Values of a type a rule does not expect: Python raises where the rule
// calls a method or iterates, and only that rule fails.
TEST(PythonSemantics, WrongTypesFailOnlyTheRuleThatReadsThem) {
  SignatureResult r =
      Sig(R"({"threads": [{"frames": [{"function": ["a"]}]}]})");
  EXPECT_EQ(r.signature, "");
  HasNote(r, "SignatureGenerationRule: Rule failed: unhashable type: 'list'");
  r = Sig(R"({"threads": [null]})");
  HasNote(r,
          "SignatureGenerationRule: Rule failed: 'NoneType' object has no "
          "attribute 'get'");
  r = Sig(R"({"threads": [{"frames": null}]})");
  HasNote(r,
          "SignatureGenerationRule: Rule failed: 'NoneType' object is not "
          "iterable");
  r = Sig(R"({"crashing_thread": Infinity, "threads": []})");
  HasNote(r,
          "SignatureGenerationRule: Rule failed: cannot convert float "
          "infinity to integer");
  // strip_leading_zeros gives back what int(x, 16) refuses, then f"@{x}".
  EXPECT_EQ(Sign(R"({"threads": [{"frames": [{"offset": 4660}]}]})"), "@4660");
  EXPECT_EQ(Sign(R"({"threads": [{"frames": [{"offset": "0x_00Ab"}]}]})"),
            "@0xab");
  // crashing_thread goes through int(); bad text means thread 0.
  EXPECT_EQ(Sign(R"({"crashing_thread": " 1 ", "threads": [
                      {"frames": [{"function": "zero"}]},
                      {"frames": [{"function": "one"}]}]})"),
            "one");
  EXPECT_EQ(Sign(R"({"crashing_thread": "one", "threads": [
                      {"frames": [{"function": "zero"}]}]})"),
            "zero");
  // Only the first 40 entries are read: a bad 41st frame is never seen.
  std::string frames;
  for (int i = 0; i < 40; ++i) frames += R"({"function": "sig"},)";
  r = Sig(R"({"threads": [{"frames": [)" + frames + "5]}]}");
  EXPECT_EQ(r.signature, "sig");
  EXPECT_TRUE(r.notes.empty());
  // `in` works on a str, a list or a dict, and fails on a number.
  EXPECT_EQ(Sign(WithSig(R"("ipc_channel_error": "ShutDownKill",
                            "additional_minidumps": "upload_file_minidump_browser2")")),
            "IPCError-browser | ShutDownKill");
  EXPECT_EQ(Sign(WithSig(R"("ipc_channel_error": ["a", "b"])")),
            "IPCError-content | ['a', 'b']");
  EXPECT_EQ(Sign(WithSig(R"("abort_message": ["a", "bc", "d"])")),
            "Abort | ad | sig");
  r = Sig(WithSig(R"("abort_message": 5)"));
  EXPECT_EQ(r.signature, "sig");
  HasNote(r,
          "AbortSignature: Rule failed: argument of type 'int' is not "
          "iterable");
  r = Sig(WithSig(R"("reason": 5)"));
  HasNote(r,
          "BadHardware: Rule failed: argument of type 'int' is not iterable");
}

}  // namespace
}  // namespace crashbox::signature
