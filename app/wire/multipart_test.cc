// SPDX-License-Identifier: MPL-2.0
#include "app/wire/multipart.h"

#include <gtest/gtest.h>

#include "app/wire/multipart_writer.h"

namespace crashbox::wire {
namespace {

struct Recorder : MultipartHandler {
  struct Part {
    PartHeaders headers;
    std::string body;
  };
  std::vector<Part> parts;
  bool open = false;
  Status OnPartBegin(const PartHeaders& h) override {
    parts.push_back({h, ""});
    open = true;
    return Status::Ok();
  }
  Status OnPartData(ByteView d) override {
    parts.back().body.append(AsChars(d));
    return Status::Ok();
  }
  Status OnPartEnd() override {
    open = false;
    return Status::Ok();
  }
};

Status ParseInPieces(const std::string& body, const std::string& boundary,
                     Recorder& rec, size_t piece, MultipartLimits limits = {}) {
  MultipartParser p(boundary, limits, rec);
  for (size_t i = 0; i < body.size(); i += piece) {
    CB_RETURN_IF_ERROR(
        p.Feed(AsBytes(std::string_view(body).substr(i, piece))));
  }
  return p.Finish();
}

TEST(MultipartParser, ParsesPartsWhateverThePieceSize) {
  MultipartWriter w("XYZ");
  w.AddText("ProductName", "Firefox");
  w.AddFile("upload_file_minidump", "a.dmp",
            std::string("MDMP\r\n--XY\0z", 12));
  w.AddJson("extra", nlohmann::json{{"a", "b"}});
  std::string body = w.Finish();
  for (size_t piece : {1, 2, 3, 7, 64, 100000}) {
    Recorder rec;
    ASSERT_TRUE(ParseInPieces(body, "XYZ", rec, piece).ok()) << piece;
    ASSERT_EQ(rec.parts.size(), 3u);
    EXPECT_EQ(*rec.parts[0].headers.name, "ProductName");
    EXPECT_EQ(rec.parts[0].body, "Firefox");
    EXPECT_EQ(*rec.parts[1].headers.filename, "a.dmp");
    EXPECT_EQ(rec.parts[1].headers.content_type, "application/octet-stream");
    EXPECT_EQ(rec.parts[1].body, std::string("MDMP\r\n--XY\0z", 12));
    EXPECT_EQ(rec.parts[2].headers.content_type, "application/json");
    EXPECT_FALSE(rec.open);
  }
}

TEST(MultipartParser, AcceptsPreambleAndMissingFinalCrlf) {
  std::string body =
      "preamble\r\n--B\r\nContent-Disposition: form-data; "
      "name=\"a\"\r\n\r\n1\r\n--B--";
  Recorder rec;
  ASSERT_TRUE(ParseInPieces(body, "B", rec, 5).ok());
  ASSERT_EQ(rec.parts.size(), 1u);
  EXPECT_EQ(rec.parts[0].body, "1");
}

TEST(MultipartParser, TruncatedBodyIsCorrupt) {
  MultipartWriter w("B");
  w.AddText("a", "value");
  std::string body = w.Finish();
  Recorder rec;
  EXPECT_EQ(ParseInPieces(body.substr(0, body.size() - 6), "B", rec, 4).code(),
            Status::Code::kCorrupt);
}

TEST(MultipartParser, WrongBoundaryIsCorrupt) {
  MultipartWriter w("RIGHT");
  w.AddText("a", "value");
  Recorder rec;
  EXPECT_EQ(ParseInPieces(w.Finish(), "WRONG", rec, 1000).code(),
            Status::Code::kCorrupt);
}

TEST(MultipartParser, MissingCrlfAfterBoundaryIsCorrupt) {
  Recorder rec;
  EXPECT_EQ(ParseInPieces("--Bxx\r\n\r\n--B--", "B", rec, 100).code(),
            Status::Code::kCorrupt);
}

TEST(MultipartParser, HugePartHeaderIsCorrupt) {
  std::string body = "--B\r\nContent-Disposition: form-data; name=\"" +
                     std::string(1 << 20, 'a') + "\"\r\n\r\nx\r\n--B--";
  Recorder rec;
  EXPECT_EQ(ParseInPieces(body, "B", rec, 4096).code(), Status::Code::kCorrupt);
}

TEST(MultipartParser, TooManyPartsIsLimitExceeded) {
  MultipartWriter w("B");
  for (int i = 0; i < 10000; ++i) w.AddText("k" + std::to_string(i), "v");
  Recorder rec;
  EXPECT_EQ(ParseInPieces(w.Finish(), "B", rec, 65536).code(),
            Status::Code::kLimitExceeded);
}

TEST(MediaType, ParsesQuotedBoundaryAndCharset) {
  MediaType mt =
      ParseMediaType("Multipart/Form-Data; boundary=\"a;b\"; charset=UTF-8");
  EXPECT_EQ(mt.type, "multipart/form-data");
  EXPECT_EQ(*mt.boundary, "a;b");
  EXPECT_EQ(mt.charset, "utf-8");
}

}  // namespace
}  // namespace crashbox::wire
