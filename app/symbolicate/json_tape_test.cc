// SPDX-License-Identifier: MPL-2.0
#include "app/symbolicate/json_tape.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace crashbox::symbolicate::internal {
namespace {

using Json = nlohmann::json;
using Outcome = JsonTape::Outcome;

constexpr uint64_t kNoLimit = std::numeric_limits<uint64_t>::max();

// Whether the tape holds what nlohmann's DOM holds: kinds (a float's value is
// never read), integers, strings, elements in order, and each member's last
// value.
::testing::AssertionResult Same(JsonRef t, const Json& j) {
  auto differ = [&](const char* what) {
    return ::testing::AssertionFailure() << what << " differs at " << j.dump();
  };
  switch (j.type()) {
    case Json::value_t::null:
      return t.kind() == JsonKind::kNull ? ::testing::AssertionSuccess()
                                         : differ("null");
    case Json::value_t::boolean:
      return t.kind() == (j.get<bool>() ? JsonKind::kTrue : JsonKind::kFalse)
                 ? ::testing::AssertionSuccess()
                 : differ("boolean");
    case Json::value_t::number_unsigned:
      return t.is_unsigned() && t.unsigned_value() == j.get<uint64_t>()
                 ? ::testing::AssertionSuccess()
                 : differ("unsigned");
    case Json::value_t::number_integer:
      return t.kind() == JsonKind::kInteger &&
                     t.integer_value() == j.get<int64_t>()
                 ? ::testing::AssertionSuccess()
                 : differ("integer");
    case Json::value_t::number_float:
      return t.kind() == JsonKind::kFloat ? ::testing::AssertionSuccess()
                                          : differ("float");
    case Json::value_t::string:
      return t.is_string() && t.string() == j.get_ref<const std::string&>()
                 ? ::testing::AssertionSuccess()
                 : differ("string");
    case Json::value_t::array: {
      if (!t.is_array() || t.size() != j.size()) return differ("array");
      JsonRef e = t.First();
      for (size_t i = 0; i < j.size(); ++i, e = e.Next()) {
        if (auto r = Same(e, j[i]); !r) return r;
      }
      return ::testing::AssertionSuccess();
    }
    case Json::value_t::object: {
      // Repeated names make the tape's object larger than the DOM's.
      if (!t.is_object() || t.size() < j.size()) return differ("object");
      for (const auto& [key, value] : j.items()) {
        std::optional<JsonRef> member = t.Find(key);
        if (!member) return differ("member");
        if (auto r = Same(*member, value); !r) return r;
      }
      return ::testing::AssertionSuccess();
    }
    default:
      return differ("kind");
  }
}

// Parses `text` both ways; they must agree on validity and content.
void ExpectAsNlohmann(const std::string& text) {
  JsonTape tape;
  const Outcome outcome = tape.Parse(text, 10000, kNoLimit);
  const bool accepted = Json::accept(text);
  ASSERT_EQ(outcome == Outcome::kOk, accepted)
      << Json(text).dump(-1, ' ', true, Json::error_handler_t::replace);
  if (accepted) {
    EXPECT_TRUE(Same(tape.root(), Json::parse(text)))
        << Json(text).dump(-1, ' ', true, Json::error_handler_t::replace);
  }
}

// nlohmann decides what is JSON; these check that each of its answers,
// and each kind of value it reports, lands on the tape as its DOM has it.
TEST(JsonTape, KeepsWhatNlohmannParses) {
  const std::vector<std::string> cases = {
      // Numbers: nlohmann's typing is what request.cc's integer checks read.
      "0", "-0", "1.5", "1e5", "-1.5e-3", "18446744073709551615",
      "18446744073709551616", "-9223372036854775808", "-9223372036854775809",
      std::string(400, '7'),
      // Literals, containers, repeated names.
      "true", "false", "null", "[]", "{}", "[[[]], {}, [1, [2, [3]]], 4]",
      R"({"a":1,"a":[2]})", R"({"a":{"b":{"c":[]}},"d":[{"e":null}]})",
      // Strings arrive unescaped.
      R"("\u0000")", R"("\ud83d\ude00")", R"("\u00e9\/\b\"\\")",
      "\"caf\xc3\xa9\"", R"({"\u0061":"\t", "":""})",
      // Refusals (a bad number, bad text, bad UTF-8, trailing text) are
      // reported as kInvalid, whatever nlohmann's reason.
      "", "1e400", "[1,]", R"({"a" 1})", "\"\xff\"", "[1]x", "\"unterminated",
      // A byte order mark is skipped; a NUL byte ends the input.
      "\xef\xbb\xbf[1]", std::string("[1]\0x", 5), std::string("[1\0]", 4),
      R"({"memoryMap":[["a","B"]],"stacks":[[[0,1],[-1,-1]]]})"};
  for (const std::string& text : cases) ExpectAsNlohmann(text);
}

TEST(JsonTape, MutatedRequestsParseAsNlohmannParsesThem) {
  const std::string valid = R"js({"jobs": [{"version": 4, "x": {"y": null},
      "memoryMap": [["xul.pdb", "0185139C8F04FFC94C4C44205044422E1"],
                    ["li\u0062foo.so", "D48F\/1911"], ["caf\u00e9", ""]],
      "stacks": [[[0, 4124], [1, 21392], [-1, 5], [0, -1], [-0, 1.5e3]],
                 [], [[true, false]]]}], "memoryMap": "x\ud83d\ude00"})js";
  const std::string alphabet =
      std::string("[]{},:\"\\-0123456789eE.+ \t\n\ruUdDfFtn/")
          .append("\0\xff\xef\xbb\xbf\xc3\xa9\x01", 8);
  std::mt19937 rng(11);
  for (int round = 0; round < 20000; ++round) {
    std::string text = valid;
    for (int edits = 1 + rng() % 4; edits > 0; --edits) {
      size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0:
          text[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          text.erase(at, 1 + rng() % 8);
          break;
        default:
          text.insert(at, 1, alphabet[rng() % alphabet.size()]);
      }
      if (text.empty()) text = "x";
    }
    ExpectAsNlohmann(text);
    if (HasFatalFailure()) return;
  }
}

TEST(JsonTape, StopsAtTheFirstLevelPastTheDepthLimit) {
  JsonTape tape;
  EXPECT_EQ(tape.Parse("[[[]]]", 3, kNoLimit), Outcome::kOk);
  EXPECT_EQ(tape.Parse("[[[]]]", 2, kNoLimit), Outcome::kTooDeep);
  EXPECT_EQ(tape.Parse(R"({"a":{"b":[1]}})", 2, kNoLimit), Outcome::kTooDeep);
  // Past the limit nothing more is read, valid or not.
  EXPECT_EQ(tape.Parse(std::string(1 << 20, '['), 16, kNoLimit),
            Outcome::kTooDeep);
  EXPECT_EQ(tape.Parse("[[[ nonsense", 2, kNoLimit), Outcome::kTooDeep);
  // Before it, bad text is bad text.
  EXPECT_EQ(tape.Parse("[x[[", 2, kNoLimit), Outcome::kInvalid);
}

TEST(JsonTape, CountsValuesButNotMemberNames) {
  JsonTape tape;
  // An object, an array and three numbers; "a" and "b" are names.
  const std::string text = R"({"a": [1, 2], "b": 3})";
  EXPECT_EQ(tape.Parse(text, 16, 5), Outcome::kOk);
  EXPECT_EQ(tape.Parse(text, 16, 4), Outcome::kTooManyValues);
  // Bad text after the limit is still bad text.
  EXPECT_EQ(tape.Parse(R"({"a": [1, 2], "b": 3, })", 16, 4), Outcome::kInvalid);
}

TEST(JsonTape, KeepsNoValuePastTheLimit) {
  std::string text = R"({"a": [0)";
  for (int i = 0; i < 100000; ++i) text += ", 0";
  text += R"(], "b": {"k": 1}})";
  JsonTape tape;
  EXPECT_EQ(tape.Parse(text, 16, 10), Outcome::kTooManyValues);
  // Ten values and the names of the root, "a" and "b"; not "k", whose
  // object was dropped.
  EXPECT_EQ(tape.node_count(), 12u);
}

TEST(JsonTape, FindsTheLastOfARepeatedNameAndUnescapesNames) {
  JsonTape tape;
  ASSERT_EQ(tape.Parse(R"({"a": 1, "\u0062": "x\ty", "a": -2, "c": {}})", 16,
                       kNoLimit),
            Outcome::kOk);
  JsonRef root = tape.root();
  EXPECT_EQ(root.size(), 4u);
  ASSERT_TRUE(root.Find("a"));
  EXPECT_EQ(root.Find("a")->integer_value(), -2);
  ASSERT_TRUE(root.Find("b"));
  EXPECT_EQ(root.Find("b")->string(), "x\ty");
  EXPECT_TRUE(root.Find("c")->is_object());
  EXPECT_FALSE(root.Find("d"));
  EXPECT_FALSE(root.Find("a")->Find("a"));  // not an object
}

// request.cc scans what follows a NUL byte for nesting itself: the parser
// never reads it.
TEST(JsonTape, ANulByteEndsTheInputAfterTheValue) {
  JsonTape tape;
  ASSERT_EQ(tape.Parse(std::string("[1] \0 [[[[", 10), 2, kNoLimit),
            Outcome::kOk);
  EXPECT_EQ(tape.root().size(), 1u);
  EXPECT_EQ(tape.Parse(std::string("[1] \0 x", 7), 2, kNoLimit), Outcome::kOk);
}

}  // namespace
}  // namespace crashbox::symbolicate::internal
