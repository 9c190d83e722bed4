// SPDX-License-Identifier: MPL-2.0
#include "app/collector/submission.h"

#include <gtest/gtest.h>

#include "app/wire/multipart_writer.h"

namespace crashbox::collector {
namespace {

using wire::MultipartParser;
using wire::MultipartWriter;

struct Built {
  Status status;
  std::string code;
  Submission sub;
};

Built Build(const std::string& body, const std::string& boundary,
            uint64_t max_text = 1 << 20) {
  SubmissionBuilder b(max_text);
  MultipartParser p(boundary, {}, b);
  Built out;
  out.status = p.Feed(AsBytes(body));
  if (out.status.ok()) out.status = p.Finish();
  if (out.status.ok()) out.status = b.Finish(&out.code);
  if (out.code.empty()) out.code = b.error_code();
  out.sub = std::move(b.submission());
  return out;
}

TEST(SanitizeDumpName, KeepsAsciiAlnumAndUnderscoreUpTo30) {
  EXPECT_EQ(SanitizeDumpName("upload_file_minidump"), "upload_file_minidump");
  EXPECT_EQ(SanitizeDumpName("../../etc/passwd"), "etcpasswd");
  EXPECT_EQ(SanitizeDumpName("d\xc3\xa9j\xc3\xa0"), "dj");
  EXPECT_EQ(SanitizeDumpName(std::string(40, 'a')), std::string(30, 'a'));
}

TEST(PartBuffer, JoinsChunksIntoAnExactlySizedString) {
  PartBuffer b;
  std::string expected;
  for (int i = 0; i < 300; ++i) {
    std::string piece(10007, static_cast<char>('a' + i % 26));
    b.Append(piece);
    expected += piece;
  }
  EXPECT_EQ(b.size(), expected.size());
  std::string got = b.Take();
  EXPECT_EQ(got, expected);
  EXPECT_EQ(got.capacity(), got.size());  // no growth slack in what is kept
  EXPECT_EQ(b.size(), 0u);
  b.Append("small");
  EXPECT_EQ(b.Take(), "small");
}

TEST(SubmissionBuilder, JsonPartReplacesEarlierTextAndLaterTextAdds) {
  MultipartWriter w("B");
  w.AddText("Before", "lost");
  w.AddJson("extra", nlohmann::json{{"ProductName", "Test"}, {"Number", 5}});
  w.AddText("After", "kept");
  Built b = Build(w.Finish(), "B");
  ASSERT_TRUE(b.status.ok()) << b.status.ToString();
  EXPECT_FALSE(b.sub.annotations.contains("Before"));
  EXPECT_EQ(b.sub.annotations["After"], "kept");
  EXPECT_EQ(b.sub.annotations["Number"], 5);
  EXPECT_TRUE(b.sub.has_json);
  ASSERT_EQ(b.sub.notes.size(), 1u);
  EXPECT_EQ(
      b.sub.notes[0],
      "includes annotations in both json-encoded extra and formdata parts");
}

TEST(SubmissionBuilder, InvalidJsonAndNonObjectJson) {
  std::string bad =
      "--B\r\nContent-Disposition: form-data; name=\"extra\"\r\nContent-Type: "
      "application/json\r\n\r\n{nope\r\n--B--\r\n";
  EXPECT_EQ(Build(bad, "B").code, kInvalidJson);
  MultipartWriter w("B");
  w.AddJson("extra", nlohmann::json::array({1, 2}));
  EXPECT_EQ(Build(w.Finish(), "B").code, kInvalidJsonValue);
  std::string badutf =
      "--B\r\nContent-Disposition: form-data; name=\"extra\"\r\nContent-Type: "
      "application/json\r\n\r\n{\"a\":\"\xff\"}\r\n--B--\r\n";
  EXPECT_EQ(Build(badutf, "B").code, kInvalidJson);
}

TEST(SubmissionBuilder, DeeplyNestedJsonIsInvalidNotAStackOverflow) {
  std::string deep =
      "{\"a\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  std::string body =
      "--B\r\nContent-Disposition: form-data; name=\"extra\"\r\nContent-Type: "
      "application/json\r\n\r\n" +
      deep + "\r\n--B--\r\n";
  EXPECT_EQ(Build(body, "B").code, kInvalidJson);
  std::string fine = "{\"a\": \"[[[[[[\", \"b\": [[1]]}";
  body =
      "--B\r\nContent-Disposition: form-data; name=\"extra\"\r\nContent-Type: "
      "application/json\r\n\r\n" +
      fine + "\r\n--B--\r\n";
  EXPECT_EQ(Build(body, "B").code, "");
}

TEST(SubmissionBuilder, ReservedDumpNameIsRejected) {
  MultipartWriter w("B");
  w.AddText("ProductName", "x");
  w.AddFile("raw_crash", "x", "bytes");
  EXPECT_EQ(Build(w.Finish(), "B").code, kInvalidDumpName);
}

TEST(SubmissionBuilder, NoAnnotations) {
  MultipartWriter w("B");
  w.AddFile("upload_file_minidump", "x", "bytes");
  EXPECT_EQ(Build(w.Finish(), "B").code, kNoAnnotations);
}

TEST(SubmissionBuilder, InvalidUtf8TextIsSkippedWithNoteAndNulIsKept) {
  MultipartWriter w("B");
  w.AddText("Good", std::string("a\0b", 3));
  w.AddText("Bad", "\xff\xfe");
  w.AddText("\xff", "value");
  Built b = Build(w.Finish(), "B");
  ASSERT_TRUE(b.status.ok());
  EXPECT_EQ(b.sub.annotations["Good"], std::string("a\0b", 3));
  EXPECT_FALSE(b.sub.annotations.contains("Bad"));
  ASSERT_EQ(b.sub.notes.size(), 2u);
  EXPECT_NE(b.sub.notes[0].find("extract payload text part exception: Bad"),
            std::string::npos);
  EXPECT_NE(b.sub.notes[1].find("<invalid utf-8>"), std::string::npos);
}

TEST(SubmissionBuilder, OversizedTextIsSkippedWithNote) {
  MultipartWriter w("B");
  w.AddText("Small", "ok");
  w.AddText("Huge", std::string(5000, 'x'));
  Built b = Build(w.Finish(), "B", /*max_text=*/1000);
  ASSERT_TRUE(b.status.ok());
  EXPECT_FALSE(b.sub.annotations.contains("Huge"));
  EXPECT_NE(b.sub.notes.at(0).find("exceeds 1000 bytes"), std::string::npos);
}

TEST(SubmissionBuilder,
     DumpsWithOtherContentTypesGetANoteAndTheFirstOfANameIsKept) {
  MultipartWriter w("B");
  w.AddText("ProductName", "x");
  w.AddFile("memory_report", "m.json.gz", "one", "application/gzip");
  w.AddFile("memory_report", "m.json.gz", "two", "application/octet-stream");
  w.AddFile("upload_file_minidump", "a.dmp", "dump");
  w.AddFile("upload_file_minidump-", "b.dmp",
            "not the dump");  // sanitizes to the same name
  Built b = Build(w.Finish(), "B");
  ASSERT_TRUE(b.status.ok());
  ASSERT_EQ(b.sub.dumps.size(), 2u);
  EXPECT_EQ(b.sub.dumps[0].name, "memory_report");
  EXPECT_EQ(b.sub.dumps[0].bytes, "one");
  EXPECT_EQ(b.sub.dumps[1].name, "upload_file_minidump");
  EXPECT_EQ(b.sub.dumps[1].bytes, "dump");
  ASSERT_EQ(b.sub.notes.size(), 3u);
  EXPECT_EQ(b.sub.notes[0],
            "unknown content type: memory_report application/gzip");
  EXPECT_EQ(b.sub.notes[1],
            "dump memory_report: a dump of that name came first; this part was "
            "dropped");
  EXPECT_EQ(b.sub.notes[2],
            "dump upload_file_minidump: a dump of that name came first; this "
            "part was dropped");
}

TEST(SubmissionBuilder, DumpNamesStoredAsTheMinidumpOrAsBookkeepingAreRefused) {
  // "dump" and "" are both stored under the minidump's key (store/lmdb/keys.h).
  for (const char* name : {"dump", "!!!", "", "d-u-m-p", "raw_crash",
                           "dump_names", "processed_crash"}) {
    for (bool first : {false, true}) {
      MultipartWriter w("B");
      w.AddText("ProductName", "x");
      if (first) w.AddFile(name, "x.dmp", "other");
      w.AddFile("upload_file_minidump", "a.dmp", "dump");
      if (!first) w.AddFile(name, "x.dmp", "other");
      Built b = Build(w.Finish(), "B");
      EXPECT_FALSE(b.status.ok()) << name;
      EXPECT_EQ(b.code, kInvalidDumpName) << name;
    }
  }
}

std::string JsonPart(const std::string& text) {
  return "--B\r\nContent-Disposition: form-data; "
         "name=\"extra\"\r\nContent-Type: application/json\r\n\r\n" +
         text + "\r\n--B--\r\n";
}

Built BuildWith(const std::string& body, SubmissionLimits limits) {
  SubmissionBuilder b(std::move(limits));
  MultipartParser p("B", {}, b);
  Built out;
  out.status = p.Feed(AsBytes(body));
  if (out.status.ok()) out.status = p.Finish();
  if (out.status.ok()) out.status = b.Finish(&out.code);
  if (out.code.empty()) out.code = b.error_code();
  out.sub = std::move(b.submission());
  return out;
}

TEST(SubmissionBuilder, JsonPartOverItsByteLimitIsRefusedBeforeItIsBuffered) {
  SubmissionLimits limits;
  limits.max_json_bytes = 100;
  std::string small =
      R"({"ProductName":"x","Pad":")" + std::string(50, 'a') + R"("})";
  EXPECT_TRUE(BuildWith(JsonPart(small), limits).status.ok());
  std::string big =
      R"({"ProductName":"x","Pad":")" + std::string(100, 'a') + R"("})";
  Built b = BuildWith(JsonPart(big), limits);
  EXPECT_FALSE(b.status.ok());
  EXPECT_EQ(b.code, kJsonTooLarge);
}

TEST(SubmissionBuilder, JsonPartOverItsValueLimitIsRefusedUnparsed) {
  SubmissionLimits limits;
  limits.max_json_values = 5;
  uint64_t reserved = 0;
  limits.reserve = [&](uint64_t n) {
    reserved += n;
    return true;
  };
  // {"a":[0,0,0]}: the object, the array, three zeros = 5 values.
  Built ok = BuildWith(JsonPart(R"({"a":[0,0,0]})"), limits);
  ASSERT_TRUE(ok.status.ok()) << ok.status.ToString();
  EXPECT_GT(reserved, 5u * 16);  // charged at its parsed cost, not its 13 bytes
  reserved = 0;
  Built over = BuildWith(JsonPart(R"({"a":[0,0,0,0]})"), limits);
  EXPECT_EQ(over.code, kJsonTooManyValues);
  EXPECT_EQ(reserved, 0u);  // refused before anything was charged or built
  EXPECT_TRUE(over.sub.annotations.empty());
}

TEST(SubmissionBuilder, JsonPartTheBudgetCannotHoldAnswersBusy) {
  SubmissionLimits limits;
  limits.reserve = [](uint64_t) { return false; };
  Built b = BuildWith(JsonPart(R"({"ProductName":"x"})"), limits);
  EXPECT_EQ(b.code, kBusy);
  EXPECT_TRUE(b.sub.annotations.empty());
}

TEST(SubmissionBuilder, JsonNestedTooDeepIsInvalid) {
  std::string deep =
      R"({"a":)" + std::string(64, '[') + std::string(64, ']') + "}";
  EXPECT_EQ(BuildWith(JsonPart(deep), {}).code, kInvalidJson);
  std::string fits =
      R"({"a":)" + std::string(63, '[') + std::string(63, ']') + "}";
  EXPECT_TRUE(BuildWith(JsonPart(fits), {}).status.ok());
}

TEST(SubmissionBuilder, PartsWithoutNameAreIgnoredAndLatin1IsDecoded) {
  std::string body =
      "--B\r\nContent-Type: text/plain\r\n\r\nnameless\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"City\"\r\nContent-Type: "
      "text/plain; charset=iso-8859-1\r\n\r\nK\xf6ln\r\n--B--\r\n";
  Built b = Build(body, "B");
  ASSERT_TRUE(b.status.ok());
  EXPECT_EQ(b.sub.annotations.size(), 1u);
  EXPECT_EQ(b.sub.annotations["City"], "K\xc3\xb6ln");
}

}  // namespace
}  // namespace crashbox::collector
