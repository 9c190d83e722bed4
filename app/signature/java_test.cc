// SPDX-License-Identifier: MPL-2.0
// Java signatures (SOCORRO.md §3.6).
#include <gtest/gtest.h>

#include "app/signature/rules/rules.h"
#include "app/signature/signature.h"
#include "app/signature/test_lists.h"

namespace crashbox::signature {
namespace {

std::string Java(const std::string& trace) {
  return rules::JavaSignature(trace).signature;
}

TEST(JavaSignature, SanitizedTraceIsClassAndFirstFrame) {
  EXPECT_EQ(
      Java("java.lang.IllegalStateException\n"
           "\tat org.mozilla.Foo.bar(Foo.java:123)\n"
           "\tat org.mozilla.Foo.baz(Foo.java:5)"),
      "java.lang.IllegalStateException: at org.mozilla.Foo.bar(Foo.java)");
}

TEST(JavaSignature, DescriptionJoinsMethodWithSpace) {
  EXPECT_EQ(Java("java.lang.NullPointerException: oops\n\tat a.B.c(B.java:1)"),
            "java.lang.NullPointerException: oops at a.B.c(B.java)");
}

TEST(JavaSignature, AddressAtEndOfDescriptionGetsColon) {
  EXPECT_EQ(Java("java.lang.Error: object@0123abcd\n at a.B.c(B.java:9)"),
            "java.lang.Error: object@<addr>: at a.B.c(B.java)");
}

TEST(JavaSignature, MissingSecondLineIsNoted) {
  rules::StackSignature s = rules::JavaSignature("java.lang.Error: x");
  EXPECT_EQ(s.signature, "java.lang.Error: x");
  EXPECT_EQ(s.notes, std::vector<std::string>{
                         "JavaSignatureTool: stack trace line 2 is missing"});
}

TEST(JavaSignature, FirstLineWithoutColonIsNoted) {
  rules::StackSignature s = rules::JavaSignature("Garbage\nat x.y(Z.java:1)");
  EXPECT_EQ(s.signature, "Garbage: at x.y(Z.java)");
  EXPECT_EQ(
      s.notes[0],
      "JavaSignatureTool: stack trace line 1 is not in the expected format");
}

TEST(JavaSignature, LongDescriptionIsDropped) {
  rules::StackSignature s = rules::JavaSignature(
      "java.lang.Error: " + std::string(300, 'd') + "\nat x.y(Z.java:1)");
  EXPECT_EQ(s.signature, "java.lang.Error: at x.y(Z.java)");
}

TEST(JavaSignature, NonStringIsNotExpectedFormat) {
  EXPECT_EQ(rules::JavaSignature(nlohmann::json::object({{"a", 1}})).signature,
            "EMPTY: Java stack trace not in expected format");
}

TEST(JavaExceptionSignature, ClassAndFirstFrame) {
  nlohmann::json exc =
      nlohmann::json::parse(R"({"exception": {"values": [{"stacktrace": {
      "module": "java.lang", "type": "IllegalStateException",
      "frames": [{"module": "org.mozilla.Foo", "function": "bar", "filename": "Foo.java", "lineno": 3}]}}]}})");
  EXPECT_EQ(
      rules::JavaExceptionSignature(exc).signature,
      "java.lang.IllegalStateException: at org.mozilla.Foo.bar(Foo.java)");
}

TEST(JavaExceptionSignature, BadShapeIsNotExpectedFormat) {
  EXPECT_EQ(rules::JavaExceptionSignature(
                nlohmann::json::parse(R"({"exception": {}})"))
                .signature,
            "EMPTY: Java exception not in expected format");
}

TEST(SignatureGenerator, JavaTraceWinsOverThreads) {
  SignatureGenerator gen(MakeTestLists({}, {}, {}));
  nlohmann::json crash = {
      {"java_stack_trace", "java.lang.Error\n\tat a.B.c(B.java:1)"},
      {"threads", {{{"frames", {{{"function", "native"}}}}}}}};
  SignatureResult r = gen.Generate(crash);
  EXPECT_EQ(r.signature, "java.lang.Error: at a.B.c(B.java)");
  EXPECT_FALSE(r.extra.contains("proto_signature"));
}

}  // namespace
}  // namespace crashbox::signature
