// SPDX-License-Identifier: MPL-2.0
#include "app/symbolicate/json_writer.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "app/base/strings.h"

namespace crashbox::symbolicate::internal {
namespace {

using Json = nlohmann::json;

std::string Written(std::string_view s) {
  std::string out;
  JsonWriter w(&out);
  w.String(s);
  w.Finish();
  return out;
}

// What the answer used to be: the string made valid UTF-8 by
// base::Utf8Lossy, dumped by nlohmann.
std::string Dumped(std::string_view s) {
  return Json(base::Utf8Lossy(s)).dump();
}

TEST(JsonWriter, EscapesStringsAsNlohmannsDump) {
  for (std::string s :
       {"", "plain", "\"", "\\", "a\"b\\c", "\b\f\n\r\t", "\x01\x1f\x7f",
        "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80", "/slash/", "exactly8",
        "sixteen bytes!!!", "seventeen bytes!!", "tail\n",
        "0123456789abcdef\""}) {
    EXPECT_EQ(Written(s), Dumped(s)) << s;
  }
  EXPECT_EQ(Written(std::string("a\0b", 3)), "\"a\\u0000b\"");
}

TEST(JsonWriter, ReplacesInvalidUtf8AsUtf8Lossy) {
  for (std::string s :
       {"\xff", "Bad\xffName", "\xc3", "\xc3(", "\xc0\xaf", "\xed\xa0\x80",
        "\xf4\x90\x80\x80", "\xf0\x9f\x98", "\xf0\x9f\x98 end", "\xe0\x80",
        "long ascii run before \xfe"
        " and after it, long enough"}) {
    EXPECT_EQ(Written(s), Dumped(s))
        << Json(s).dump(-1, ' ', true, Json::error_handler_t::replace);
  }
}

// Random bytes of every class at every position around the eight-byte
// steps: plain runs, escapes, valid and broken UTF-8.
TEST(JsonWriter, RandomStringsMatchUtf8LossyThenDump) {
  const std::string pieces[] = {"a",
                                "Z",
                                " ",
                                "~",
                                "\"",
                                "\\",
                                "\n",
                                "\x01",
                                "\x7f",
                                "\xc3\xa9",
                                "\xe6\x97\xa5",
                                "\xf0\x9f\x98\x80",
                                "\xc3",
                                "\xe6\x97",
                                "\xf0\x9f",
                                "\x80",
                                "\xff",
                                "\xed\xa0\x80",
                                "abcdefgh"};
  std::mt19937 rng(3);
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    for (int n = rng() % 24; n > 0; --n) s += pieces[rng() % std::size(pieces)];
    ASSERT_EQ(Written(s), Dumped(s))
        << Json(s).dump(-1, ' ', true, Json::error_handler_t::replace);
  }
}

TEST(JsonWriter, WritesValuesAndCommasAsCompactDump) {
  std::string out = "prefix:";  // appended to, never replaced
  JsonWriter w(&out);
  w.BeginObject();
  w.PlainKey("a");
  w.BeginArray();
  w.Unsigned(0);
  w.Unsigned(std::numeric_limits<uint64_t>::max());
  w.Integer(std::numeric_limits<int64_t>::min());
  w.Integer(-1);
  w.Bool(true);
  w.Bool(false);
  w.Null();
  w.HexString(0);
  w.HexString(0xBEEF);
  w.HexString(std::numeric_limits<uint64_t>::max());
  w.BeginArray();
  w.EndArray();
  w.BeginObject();
  w.EndObject();
  w.String({"f", "\"", " (in ", "m)"});
  w.EndArray();
  w.Key("b/\"c\"");
  w.BeginObject();
  w.Key("");
  w.Null();
  w.EndObject();
  w.EndObject();
  w.Finish();
  Json expected = {{"a",
                    {0u, std::numeric_limits<uint64_t>::max(),
                     std::numeric_limits<int64_t>::min(), -1, true, false,
                     nullptr, "0x0", "0xbeef", "0xffffffffffffffff",
                     Json::array(), Json::object(), "f\" (in m)"}},
                   {"b/\"c\"", {{"", nullptr}}}};
  EXPECT_EQ(out, "prefix:" + expected.dump());
}

TEST(JsonWriter, GrowsPastWhatWasReserved) {
  std::string out;
  Json expected = Json::array();
  JsonWriter w(&out);
  w.BeginArray();
  for (int i = 0; i < 5000; ++i) {
    std::string s(static_cast<size_t>(i % 300), static_cast<char>(i % 128));
    w.String(s);
    w.Integer(-i);
    expected.push_back(s);
    expected.push_back(-i);
  }
  w.EndArray();
  w.Finish();
  EXPECT_EQ(out, expected.dump());
}

}  // namespace
}  // namespace crashbox::symbolicate::internal
