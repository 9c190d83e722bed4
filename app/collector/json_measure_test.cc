// SPDX-License-Identifier: MPL-2.0
#include "app/collector/json_measure.h"

#include <malloc.h>

#include <gtest/gtest.h>

namespace crashbox::collector {
namespace {

using nlohmann::json;
using Verdict = JsonMeasure::Verdict;

TEST(MeasureJson, CountsEveryValueButNotKeys) {
  JsonMeasure m = MeasureJson(R"({"a":[0,1.5,"s",null,true],"b":{}})", 100, 64);
  EXPECT_EQ(m.verdict, Verdict::kOk);
  EXPECT_EQ(m.values, 8u);  // object, array, 5 scalars, inner object
}

TEST(MeasureJson, StopsAtTheFirstValuePastTheLimit) {
  EXPECT_EQ(MeasureJson("[0,0,0]", 4, 64).verdict, Verdict::kOk);
  JsonMeasure m = MeasureJson("[0,0,0,0,x", 4,
                              64);  // invalid after the limit: never reached
  EXPECT_EQ(m.verdict, Verdict::kTooManyValues);
  EXPECT_EQ(m.values, 5u);
}

TEST(MeasureJson, RefusesDepthAndInvalidText) {
  EXPECT_EQ(MeasureJson("[[[]]]", 100, 3).verdict, Verdict::kOk);
  EXPECT_EQ(MeasureJson("[[[[]]]]", 100, 3).verdict, Verdict::kTooDeep);
  EXPECT_EQ(MeasureJson("{nope", 100, 64).verdict, Verdict::kInvalid);
  EXPECT_EQ(MeasureJson("{\"a\":\"\xff\"}", 100, 64).verdict,
            Verdict::kInvalid);
  EXPECT_EQ(MeasureJson("{} {}", 100, 64).verdict, Verdict::kInvalid);
}

#if defined(__SANITIZE_ADDRESS__)
#define CB_SANITIZED_MALLOC 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CB_SANITIZED_MALLOC 1
#endif
#endif

// The estimate must not be below what glibc hands out for the parsed value,
// for the shapes that cost most per byte of text.
TEST(MeasureJson, EstimateIsAtLeastWhatTheParsedValueCosts) {
#ifdef CB_SANITIZED_MALLOC
  GTEST_SKIP() << "a sanitizer replaces malloc; mallinfo2 does not see it";
#else
  std::vector<std::string> shapes;
  auto repeat = [](const std::string& open, const std::string& item,
                   const std::string& close, int n) {
    std::string s = open;
    for (int i = 0; i < n; ++i) s += (i ? "," : "") + item;
    return s + close;
  };
  shapes.push_back(repeat("[", "0", "]", 100000));
  shapes.push_back(repeat("[", "[]", "]", 100000));
  shapes.push_back(repeat("[", "{}", "]", 100000));
  shapes.push_back(repeat("[", "\"\"", "]", 100000));
  shapes.push_back(repeat("[", "\"0123456789abcdef\"", "]", 50000));
  shapes.push_back(repeat("[", "[0]", "]", 100000));
  std::string members = "{";
  for (int i = 0; i < 100000; ++i)
    members += (i ? ",\"" : "\"") + std::to_string(i) + "\":0";
  shapes.push_back(members + "}");
  std::string long_keys = "{";
  for (int i = 0; i < 50000; ++i)
    long_keys += (i ? ",\"" : "\"") + std::string(20, 'k') + std::to_string(i) +
                 "\":\"\"";
  shapes.push_back(long_keys + "}");
  for (const std::string& text : shapes) {
    JsonMeasure m = MeasureJson(text, 10000000, 64);
    ASSERT_EQ(m.verdict, Verdict::kOk) << text.substr(0, 40);
    malloc_trim(0);
    // Large vectors are mmapped (hblkhd), the rest comes from the heap.
    auto in_use = [] {
      struct mallinfo2 mi = mallinfo2();
      return mi.uordblks + mi.hblkhd;
    };
    size_t before = in_use();
    json value = json::parse(text);
    size_t after = in_use();
    uint64_t actual = after - before;
    EXPECT_GE(m.parsed_bytes, actual) << text.substr(0, 40);
    EXPECT_LE(m.parsed_bytes, actual * 4)
        << "the estimate is far too high for " << text.substr(0, 40);
  }
#endif
}

TEST(SerializedSizeBound, IsAtLeastTheDumpedLength) {
  json j = json::parse(
      R"({"a":[1e300,-1.5e-300,18446744073709551615,-9223372036854775808,true,null],
                           "q":"\"\\\u0001\u001f\n\t é","k\u0002":{"x":[]}})");
  j["bad"] = std::string("\xff\xfe");
  j["num"] = 9e9;
  std::string out = j.dump(-1, ' ', false, json::error_handler_t::replace);
  EXPECT_GE(SerializedSizeBound(j), out.size());
  EXPECT_LE(SerializedSizeBound(j), out.size() * 4);
}

}  // namespace
}  // namespace crashbox::collector
