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
  EXPECT_FALSE(IsValidUtf8("\xc0\x80"));          // overlong NUL
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));          // truncated
}

}  // namespace
}  // namespace crashbox::base
