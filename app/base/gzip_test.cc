// SPDX-License-Identifier: MPL-2.0
#include "app/base/gzip.h"

#include <random>

#include <gtest/gtest.h>

namespace crashbox::base {
namespace {

TEST(Gzip, RoundTrips) {
  std::string text(100000, 'a');
  std::string z = Gzip(AsBytes(text));
  EXPECT_LT(z.size(), 1000u);
  Result<std::string> back = Gunzip(AsBytes(z), 1 << 20);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back.value(), text);
}

TEST(Gzip, BombStopsAtCap) {
  std::string big(10 << 20, '\0');
  std::string z = Gzip(AsBytes(big), 9);
  Result<std::string> out = Gunzip(AsBytes(z), 1 << 20);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Status::Code::kLimitExceeded);
}

TEST(Gzip, TruncatedAndGarbageAreCorrupt) {
  std::string z = Gzip(AsBytes(std::string(5000, 'x')));
  EXPECT_EQ(Gunzip(AsBytes(z.substr(0, z.size() - 4)), 1 << 20).status().code(),
            Status::Code::kCorrupt);
  EXPECT_EQ(Gunzip(AsBytes(std::string("not gzip at all")), 1 << 20).status().code(),
            Status::Code::kCorrupt);
  EXPECT_EQ(Gunzip(AsBytes(z + "trailing"), 1 << 20).status().code(), Status::Code::kCorrupt);
}

TEST(Gzip, StreamsInPieces) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += std::to_string(i);
  std::string z = Gzip(AsBytes(text));
  GzipInflater inf(1 << 24);
  std::string out;
  for (size_t i = 0; i < z.size(); i += 7) {
    ASSERT_TRUE(inf.Feed(AsBytes(std::string_view(z).substr(i, 7)), [&](ByteView p) {
                     out.append(AsChars(p));
                     return Status::Ok();
                   }).ok());
  }
  EXPECT_TRUE(inf.Finish().ok());
  EXPECT_EQ(out, text);
}

TEST(BlobCodec, CompressesTextAndStoresRandomRaw) {
  std::string text(200000, 'q');
  std::string packed = PackBlob(AsBytes(text));
  EXPECT_EQ(packed[0], 'z');
  EXPECT_EQ(UnpackBlob(AsBytes(packed), 1 << 20).value(), text);

  std::mt19937 rng(1);
  std::string noise(200000, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  std::string raw = PackBlob(AsBytes(noise));
  EXPECT_EQ(raw[0], 'r');
  EXPECT_EQ(UnpackBlob(AsBytes(raw), 1 << 20).value(), noise);
}

TEST(BlobCodec, RejectsUnknownTagAndBadData) {
  EXPECT_EQ(UnpackBlob(AsBytes(std::string("x123")), 100).status().code(), Status::Code::kCorrupt);
  EXPECT_EQ(UnpackBlob(AsBytes(std::string("z123")), 100).status().code(), Status::Code::kCorrupt);
  EXPECT_EQ(UnpackBlob(ByteView(), 100).status().code(), Status::Code::kCorrupt);
}

}  // namespace
}  // namespace crashbox::base
