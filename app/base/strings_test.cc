// SPDX-License-Identifier: MPL-2.0
#include "app/base/strings.h"

#include <gtest/gtest.h>

namespace crashbox::base {
namespace {

TEST(Strings, ParsesByteSizes) {
  EXPECT_EQ(ParseByteSize("25MiB"), 25u << 20);
  EXPECT_EQ(ParseByteSize("250m"), 250u << 20);
  EXPECT_EQ(ParseByteSize("4096"), 4096u);
  EXPECT_EQ(ParseByteSize("1 g"), 1u << 30);
  EXPECT_FALSE(ParseByteSize("lots"));
  EXPECT_FALSE(ParseByteSize("12 parsecs"));
  EXPECT_FALSE(ParseByteSize("99999999999999999999"));
}

TEST(Strings, StrictIntegers) {
  EXPECT_EQ(ParseUint("123"), 123u);
  EXPECT_FALSE(ParseUint("12a"));
  EXPECT_FALSE(ParseUint(" 1"));
  EXPECT_FALSE(ParseUint(""));
  EXPECT_EQ(ParseInt("-5"), -5);
}

TEST(Strings, ValidatesUtf8) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("gr\xc3\xbc\xc3\x9f"));
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));      // overlong NUL
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));      // truncated
}

// Expected values follow Rust's String::from_utf8_lossy (one U+FFFD per
// maximal subpart of an ill-formed sequence).
constexpr std::string_view kRep = "\xEF\xBF\xBD";

std::string Reps(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += kRep;
  return out;
}

TEST(Utf8Lossy, KeepsValidTextUnchanged) {
  for (std::string_view s :
       {std::string_view(""), std::string_view("plain ascii"),
        std::string_view("gr\xc3\xbc\xc3\x9f"),        // 2-byte
        std::string_view("\xe2\x82\xac 100"),          // 3-byte euro
        std::string_view("\xf0\x9f\x98\x80"),          // 4-byte emoji
        std::string_view("\xed\x9f\xbf\xee\x80\x80"),  // U+D7FF, U+E000
        std::string_view("\xf4\x8f\xbf\xbf"),          // U+10FFFF
        std::string_view("\xef\xbf\xbd"),              // U+FFFD itself
        std::string_view("nul\0inside", 10)}) {
    EXPECT_EQ(Utf8Lossy(s), s);
    EXPECT_EQ(ValidUtf8Prefix(s), s.size());
  }
}

TEST(Utf8Lossy, ReplacesBytesThatCannotStartASequence) {
  EXPECT_EQ(Utf8Lossy("\xff"), Reps(1));
  EXPECT_EQ(Utf8Lossy("caf\xe9.pdb"), "caf" + Reps(1) + ".pdb");  // Latin-1 "é"
  EXPECT_EQ(Utf8Lossy("\xff\xfe"), Reps(2));
  EXPECT_EQ(Utf8Lossy("\x80\xbf"), Reps(2));          // lone continuation bytes
  EXPECT_EQ(Utf8Lossy("\xf5\x80\x80\x80"), Reps(4));  // F5 leads nothing
  EXPECT_EQ(ValidUtf8Prefix("ab\xff"), 2u);
}

TEST(Utf8Lossy, OverlongsGiveOneReplacementPerByte) {
  EXPECT_EQ(Utf8Lossy("\xc0\x80"), Reps(2));  // NUL in 2 bytes
  EXPECT_EQ(Utf8Lossy("\xc1\xbf"), Reps(2));
  EXPECT_EQ(Utf8Lossy("\xe0\x80\xaf"), Reps(3));      // '/' in 3 bytes
  EXPECT_EQ(Utf8Lossy("\xf0\x80\x80\xaf"), Reps(4));  // '/' in 4 bytes
}

TEST(Utf8Lossy, EncodedSurrogatesAndBeyondUnicodeGiveOneReplacementPerByte) {
  EXPECT_EQ(Utf8Lossy("\xed\xa0\x80"), Reps(3));              // U+D800
  EXPECT_EQ(Utf8Lossy("\xed\xbf\xbf"), Reps(3));              // U+DFFF
  EXPECT_EQ(Utf8Lossy("\xed\xa0\xbd\xed\xb8\x80"), Reps(6));  // CESU-8 pair
  EXPECT_EQ(Utf8Lossy("\xf4\x90\x80\x80"), Reps(4));          // U+110000
}

TEST(Utf8Lossy, TruncatedSequenceIsOneReplacement) {
  EXPECT_EQ(Utf8Lossy("Hello \xf0\x90\x80World"),
            "Hello " + Reps(1) + "World");  // Rust's doc example
  EXPECT_EQ(Utf8Lossy("foo\xf1\x80"
                      "bar"),
            "foo" + Reps(1) + "bar");
  EXPECT_EQ(Utf8Lossy("\xe2\x82"), Reps(1));  // cut at the end
  EXPECT_EQ(Utf8Lossy("\xe2\x82\xe2\x82\xac"), Reps(1) + "\xe2\x82\xac");
  EXPECT_EQ(Utf8Lossy("\xf0\x9f\x98"), Reps(1));
  EXPECT_EQ(Utf8Lossy("\xc3"), Reps(1));
  EXPECT_EQ(Utf8Lossy("\xc3\xc3\xbc"),
            Reps(1) + "\xc3\xbc");  // the second lead starts over
}

TEST(Utf8Lossy, EveryTwoByteInputBecomesValidAndValidOnesStay) {
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const char bytes[] = {static_cast<char>(a), static_cast<char>(b)};
      std::string_view s(bytes, 2);
      std::string out = Utf8Lossy(s);
      ASSERT_TRUE(IsValidUtf8(out)) << a << " " << b;
      ASSERT_EQ(IsValidUtf8(s), out == s) << a << " " << b;
      ASSERT_EQ(Utf8Lossy(out), out);
    }
  }
}

TEST(Strings, PercentEncodeKeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(PercentEncode("~OOM | small"), "~OOM%20%7C%20small");
  EXPECT_EQ(PercentEncode(">=2024-05-07"), "%3E%3D2024-05-07");
  EXPECT_EQ(PercentEncode("a&b=c+d/é"), "a%26b%3Dc%2Bd%2F%C3%A9");
  EXPECT_EQ(PercentEncode("Az09-._~"), "Az09-._~");
}

}  // namespace
}  // namespace crashbox::base
