// SPDX-License-Identifier: MPL-2.0
// CSignatureTool.generate and SignatureGenerationRule (SOCORRO.md §3.3, §3.5).
#include "app/signature/signature.h"

#include <gtest/gtest.h>

#include "app/signature/rules/rules.h"
#include "app/signature/test_lists.h"

namespace crashbox::signature {
namespace {

using Frames = std::vector<std::string>;

// Socorro's test lists: irrelevant a, b, c; prefix d, e, f.
std::shared_ptr<const Siglists> AbcDef(
    std::vector<std::string> sentinels = {}) {
  return MakeTestLists(sentinels, {"a", "b", "c"}, {"d", "e", "f", ".*\\.dll"});
}

std::string Gen(const Frames& frames,
                const std::shared_ptr<const Siglists>& lists) {
  return rules::GenerateFromFrames(frames, "0", *lists).signature;
}

TEST(GenerateFromFrames, SkipsIrrelevantAndWalksPrefixes) {
  auto lists = AbcDef();
  EXPECT_EQ(Gen({"a", "b", "c", "d", "e", "f", "g", "h"}, lists),
            "d | e | f | g");
  EXPECT_EQ(Gen({"a", "b", "c", "d", "a", "e", "a", "f", "a", "g", "h"}, lists),
            "d | e | f | g");
}

TEST(GenerateFromFrames, CollapsesRepeatedModuleFrames) {
  auto lists = AbcDef();
  EXPECT_EQ(Gen({"d", "foo32.dll", "foo32.dll", "foo32.dll", "g"}, lists),
            "d | foo32.dll | g");
}

TEST(GenerateFromFrames, KeepsRepeatedFunctionFrames) {
  auto lists = AbcDef();
  EXPECT_EQ(Gen({"d", "d", "g"}, lists), "d | d | g");
}

TEST(GenerateFromFrames, StartsAtEarliestSentinel) {
  auto lists = AbcDef({"s2", "s1"});
  EXPECT_EQ(Gen({"x", "s1", "y", "s2", "z"}, lists), "s1");
  rules::StackSignature sig =
      rules::GenerateFromFrames({"x", "s1", "y"}, "0", *lists);
  ASSERT_FALSE(sig.debug.empty());
  EXPECT_EQ(sig.debug[0], "sentinel; starting at \"s1\" index 1");
}

TEST(GenerateFromFrames, SentinelThatIsIrrelevantIsDroppedAfterUse) {
  auto lists = AbcDef({"a"});
  EXPECT_EQ(Gen({"x", "a", "y"}, lists), "y");
}

TEST(GenerateFromFrames, AllIrrelevantFallsBackToFirstFrame) {
  auto lists = AbcDef();
  rules::StackSignature sig =
      rules::GenerateFromFrames({"a", "b"}, "3", *lists);
  EXPECT_EQ(sig.signature, "a");
  EXPECT_EQ(sig.notes,
            std::vector<std::string>{
                "CSignatureTool: no frame data for crashing thread (3)"});
}

TEST(GenerateFromFrames, NoFramesIsEmptyMarker) {
  auto lists = AbcDef();
  EXPECT_EQ(Gen({}, lists), "EMPTY: no frame data available");
  EXPECT_EQ(rules::GenerateFromFrames({}, std::nullopt, *lists).signature,
            "EMPTY: no crashing thread identified");
}

TEST(GenerateFromFrames, PrefixMatchIsAnchoredAtStartOnly) {
  auto lists = MakeTestLists({}, {"__GI"}, {"handle_error$"});
  EXPECT_EQ(Gen({"__GI_raise", "handle_error", "x"}, lists),
            "handle_error | x");
  EXPECT_EQ(Gen({"handle_error2", "x"}, lists), "handle_error2");
  EXPECT_EQ(Gen({"x__GI", "y"}, lists), "x__GI");
}

nlohmann::json Crash(nlohmann::json threads,
                     nlohmann::json crashing_thread = 0) {
  return {{"crashing_thread", crashing_thread}, {"threads", threads}};
}

nlohmann::json Thread(std::initializer_list<const char*> functions) {
  nlohmann::json frames = nlohmann::json::array();
  for (const char* f : functions)
    frames.push_back({{"function", f}, {"module", "app"}});
  return {{"frames", frames}};
}

TEST(SignatureGenerator, UsesCrashingThreadAndRecordsProtoSignature) {
  SignatureGenerator gen(AbcDef());
  SignatureResult r = gen.Generate(
      Crash({Thread({"t0"}), Thread({"a", "d", "x(int)", "y"})}, 1));
  EXPECT_EQ(r.signature, "d | x");
  EXPECT_EQ(r.extra["proto_signature"], "a | d | x | y");
  EXPECT_EQ(r.extra["normalized_frames"].size(), 4u);
}

TEST(SignatureGenerator, MissingOrBadCrashingThreadMeansThreadZero) {
  SignatureGenerator gen(AbcDef());
  nlohmann::json threads = {Thread({"t0"}), Thread({"t1"})};
  EXPECT_EQ(gen.Generate(Crash(threads, nullptr)).signature, "t0");
  EXPECT_EQ(gen.Generate(Crash(threads, "junk")).signature, "t0");
  EXPECT_EQ(gen.Generate(Crash(threads, "1")).signature, "t1");
  EXPECT_EQ(gen.Generate({{"threads", threads}}).signature, "t0");
}

TEST(SignatureGenerator, OutOfRangeThreadHasNoFrames) {
  SignatureGenerator gen(AbcDef());
  SignatureResult r = gen.Generate(Crash({Thread({"t0"})}, 5));
  EXPECT_EQ(r.signature, "EMPTY: no frame data available");
  EXPECT_FALSE(r.extra.contains("proto_signature"));
}

TEST(SignatureGenerator, AllFramesEmptyLeavesEmptySignature) {
  // SOCORRO.md §3.10 #9: the fallback frame is "", so no signature is set.
  SignatureGenerator gen(AbcDef());
  nlohmann::json crash = Crash({{{"frames", {nlohmann::json::object()}}}});
  EXPECT_EQ(gen.Generate(crash).signature, "");
}

TEST(SignatureGenerator, FailingRuleAddsNoteAndKeepsSignature) {
  SignatureGenerator gen(AbcDef());
  nlohmann::json crash = Crash({Thread({"const"})});
  SignatureResult r = gen.Generate(crash);
  EXPECT_EQ(r.signature, "");
  ASSERT_FALSE(r.notes.empty());
  EXPECT_TRUE(r.notes[0].starts_with("SignatureGenerationRule: Rule failed: "))
      << r.notes[0];
}

TEST(SignatureGenerator, NonObjectInputIsEmptyCrash) {
  SignatureGenerator gen(AbcDef());
  EXPECT_EQ(gen.Generate(nlohmann::json::array()).signature,
            "EMPTY: no frame data available");
}

}  // namespace
}  // namespace crashbox::signature
