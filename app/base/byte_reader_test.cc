// SPDX-License-Identifier: MPL-2.0
#include "app/base/byte_reader.h"

#include <gtest/gtest.h>

namespace crashbox {
namespace {

TEST(ByteReader, ReadsLittleEndian) {
  const uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
  ByteReader r(data);
  EXPECT_EQ(r.ReadU8("a").value(), 0x01);
  EXPECT_EQ(r.ReadU16("b").value(), 0x0302);
  EXPECT_EQ(r.ReadU32("c").value(), 0x07060504u);
  EXPECT_EQ(r.remaining(), 2u);
}

TEST(ByteReader, ShortReadIsCorruptAndKeepsCursor) {
  const uint8_t data[] = {1, 2, 3};
  ByteReader r(data);
  Result<uint32_t> v = r.ReadU32("thread count");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), Status::Code::kCorrupt);
  EXPECT_NE(v.status().message().find("thread count"), std::string::npos);
  EXPECT_EQ(r.offset(), 0u);
}

TEST(SubView, RejectsOverflowingRanges) {
  const uint8_t data[16] = {};
  EXPECT_TRUE(SubView(data, 0, 16, "x").ok());
  EXPECT_FALSE(SubView(data, 1, 16, "x").ok());
  EXPECT_FALSE(SubView(data, UINT64_MAX, 2, "x").ok());
  EXPECT_FALSE(SubView(data, 2, UINT64_MAX, "x").ok());
}

TEST(Result, AssignOrReturnPropagatesErrors) {
  auto f = [](bool fail) -> Result<int> {
    if (fail) return Status::NotFound("nothing");
    return 7;
  };
  auto g = [&](bool fail) -> Result<int> {
    CB_ASSIGN_OR_RETURN(int v, f(fail));
    return v + 1;
  };
  EXPECT_EQ(g(false).value(), 8);
  EXPECT_EQ(g(true).status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace crashbox
