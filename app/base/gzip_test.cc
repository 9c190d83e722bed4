// SPDX-License-Identifier: MPL-2.0
#include "app/base/gzip.h"

#include <random>
#include <string>
#include <vector>

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
  EXPECT_EQ(
      Gunzip(AsBytes(std::string("not gzip at all")), 1 << 20).status().code(),
      Status::Code::kCorrupt);
  EXPECT_EQ(Gunzip(AsBytes(z + "trailing"), 1 << 20).status().code(),
            Status::Code::kCorrupt);
}

TEST(Gzip, StreamsInPieces) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += std::to_string(i);
  std::string z = Gzip(AsBytes(text));
  GzipInflater inf(1 << 24);
  std::string out;
  for (size_t i = 0; i < z.size(); i += 7) {
    ASSERT_TRUE(inf.Feed(AsBytes(std::string_view(z).substr(i, 7)),
                         [&](ByteView p) {
                           out.append(AsChars(p));
                           return Status::Ok();
                         })
                    .ok());
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
  EXPECT_EQ(UnpackBlob(AsBytes(std::string("x123")), 100).status().code(),
            Status::Code::kCorrupt);
  EXPECT_EQ(UnpackBlob(AsBytes(std::string("z123")), 100).status().code(),
            Status::Code::kCorrupt);
  EXPECT_EQ(UnpackBlob(ByteView(), 100).status().code(),
            Status::Code::kCorrupt);
}

std::string ReadAllInPieces(BlobReader& reader, size_t piece, Status* error) {
  std::string out;
  std::vector<uint8_t> buf(piece);
  while (true) {
    Result<size_t> n = reader.Read(buf.data(), buf.size());
    if (!n.ok()) {
      *error = n.status();
      return out;
    }
    if (*n == 0) return out;
    EXPECT_LE(*n, piece);
    out.append(reinterpret_cast<const char*>(buf.data()), *n);
  }
}

TEST(BlobReader, ReadsPackedAndRawBlobsPieceByPiece) {
  std::string text;
  for (int i = 0; i < 50000; ++i)
    text += "FUNC " + std::to_string(i * 16) + " 10 0 f\n";
  std::mt19937 rng(2);
  std::string noise(300000, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  for (const std::string* input : {&text, &noise}) {
    std::string packed = PackBlob(AsBytes(*input));
    for (size_t piece : {size_t{1}, size_t{1000}, size_t{64 * 1024}}) {
      BlobReader reader(AsBytes(packed));
      Status error;
      EXPECT_EQ(ReadAllInPieces(reader, piece, &error), *input) << piece;
      EXPECT_TRUE(error.ok()) << error.ToString();
    }
  }
}

TEST(BlobReader, RefusesDamagedBlobs) {
  std::string text(200000, 'q');
  std::string packed = PackBlob(AsBytes(text));
  for (std::string bad :
       {std::string("x123"), std::string(), packed.substr(0, packed.size() - 3),
        packed + "junk"}) {
    BlobReader reader(AsBytes(bad));
    Status error;
    ReadAllInPieces(reader, 4096, &error);
    EXPECT_EQ(error.code(), Status::Code::kCorrupt) << bad.size();
  }
}

TEST(BlobCodec, PackedTextIsNotSizedByTheBound) {
  // The packed string keeps no capacity near the input's size (it used to
  // be allocated at deflateBound and shrunk only in length).
  std::string text;
  for (int i = 0; i < 1000000; ++i) text += "1000 10 7 0\n";
  std::string packed = PackBlob(AsBytes(text));
  EXPECT_LT(packed.capacity(), text.size() / 2);
  EXPECT_EQ(UnpackBlob(AsBytes(packed), text.size()).value(), text);
}

}  // namespace
}  // namespace crashbox::base
