// SPDX-License-Identifier: MPL-2.0
// Hostile requests against the real server: each gets Antenna's answer (or a
// clear one of ours), and the server answers the next request normally.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/base/gzip.h"
#include "app/wire/multipart_writer.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/temp_dir.h"

namespace crashbox {
namespace {

using nlohmann::json;
using testing::BodyOf;
using testing::RawHttp;
using testing::StatusOf;

std::string Post(const std::string& headers, const std::string& body) {
  return "POST /submit HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n" + body;
}
std::string PostWithLength(const std::string& headers,
                           const std::string& body) {
  return Post(
      headers + "Content-Length: " + std::to_string(body.size()) + "\r\n",
      body);
}
std::string Multipart(
    const std::string& boundary,
    const std::vector<std::pair<std::string, std::string>>& text) {
  wire::MultipartWriter w(boundary);
  for (const auto& [k, v] : text) w.AddText(k, v);
  return w.Finish();
}

class BadInputE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    server_ = new testing::ServerProcess(
        (*dir_ / "var").string(),
        {"--max-body-bytes", "2MiB", "--max-decompressed-bytes", "8MiB",
         "--request-timeout-ms", "1000", "--body-deadline-seconds", "3",
         "--http-threads", "8", "--stage-submitter-token", "tok"});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  void SetUp() override { ASSERT_TRUE(server_->started()); }
  void TearDown() override {
    // Whatever happened, the server still takes a normal crash report.
    std::string ok =
        PostWithLength("Content-Type: multipart/form-data; boundary=B\r\n",
                       Multipart("B", {{"ProductName", "After"}}));
    std::string resp = RawHttp(server_->port(), ok);
    EXPECT_EQ(StatusOf(resp), 200) << resp;
    EXPECT_EQ(BodyOf(resp).rfind("CrashID=bp-", 0), 0u) << resp;
  }
  std::string Send(const std::string& request) {
    return RawHttp(server_->port(), request);
  }
  void Expect(const std::string& request, int status, const std::string& body) {
    std::string resp = Send(request);
    EXPECT_EQ(StatusOf(resp), status) << resp.substr(0, 300);
    EXPECT_EQ(BodyOf(resp), body) << resp.substr(0, 300);
  }

  static testing::TempDir* dir_;
  static testing::ServerProcess* server_;
};
testing::TempDir* BadInputE2E::dir_ = nullptr;
testing::ServerProcess* BadInputE2E::server_ = nullptr;

const std::string kMp = "Content-Type: multipart/form-data; boundary=B\r\n";

TEST_F(BadInputE2E, NoContentType) {
  Expect(PostWithLength("", "x"), 400, "Discarded=malformed_no_content_type");
}

TEST_F(BadInputE2E, WrongContentType) {
  Expect(PostWithLength("Content-Type: application/json\r\n", "{}"), 400,
         "Discarded=malformed_wrong_content_type");
}

TEST_F(BadInputE2E, NoBoundary) {
  Expect(PostWithLength("Content-Type: multipart/form-data\r\n", "x"), 400,
         "Discarded=malformed_no_boundary");
}

TEST_F(BadInputE2E, NoContentLength) {
  Expect(Post(kMp, ""), 400, "Discarded=malformed_no_content_length");
  Expect(Post(kMp + "Content-Length: 0\r\n", ""), 400,
         "Discarded=malformed_no_content_length");
}

TEST_F(BadInputE2E, InvalidContentLengthIsRefusedByTheHttpLayer) {
  std::string resp = Send(Post(kMp + "Content-Length: abc\r\n", "x"));
  int status = StatusOf(resp);
  EXPECT_TRUE(status == 400 || status == 411) << resp;
}

TEST_F(BadInputE2E, TruncatedBody) {
  std::string body = Multipart("B", {{"ProductName", "X"}});
  // Content-Length promises more than is sent, then the client goes quiet:
  // the HTTP layer answers 408 after the silence limit (as nginx in front of
  // Antenna does), and nothing reaches the collector.
  std::string resp =
      RawHttp(server_->port(), Post(kMp + "Content-Length: 5000\r\n", body),
              std::chrono::seconds(8));
  EXPECT_EQ(StatusOf(resp), 408) << resp;
  // A body cut short inside the multipart structure.
  Expect(PostWithLength(kMp, body.substr(0, body.size() - 8)), 400,
         "Discarded=malformed_invalid_payload_structure");
}

TEST_F(BadInputE2E, BadGzip) {
  Expect(
      PostWithLength(kMp + "Content-Encoding: gzip\r\n", "definitely not gzip"),
      400, "Discarded=malformed_bad_gzip");
}

TEST_F(BadInputE2E, GzipBombGets413) {
  wire::MultipartWriter w("B");
  w.AddText("ProductName", "Bomb");
  w.AddFile("upload_file_minidump", "x.dmp", std::string(64 << 20, '\0'));
  std::string bomb = base::Gzip(AsBytes(w.Finish()), 9);
  ASSERT_LT(bomb.size(), 1u << 20);
  std::string resp =
      Send(PostWithLength(kMp + "Content-Encoding: gzip\r\n", bomb));
  EXPECT_EQ(StatusOf(resp), 413) << resp.substr(0, 200);
}

TEST_F(BadInputE2E, BodyOverTheLimitGets413) {
  std::string body = Multipart(
      "B", {{"ProductName", "Big"}, {"Pad", std::string(3 << 20, 'p')}});
  std::string resp = Send(PostWithLength(kMp, body));
  EXPECT_EQ(StatusOf(resp), 413) << resp.substr(0, 200);
  EXPECT_EQ(BodyOf(resp), "Discarded=too_large");
}

TEST_F(BadInputE2E, TenThousandTinyParts) {
  std::vector<std::pair<std::string, std::string>> parts;
  for (int i = 0; i < 10000; ++i)
    parts.emplace_back("k" + std::to_string(i), "v");
  Expect(PostWithLength(kMp, Multipart("B", parts)), 400,
         "Discarded=malformed_too_many_parts");
}

TEST_F(BadInputE2E, MegabytePartHeader) {
  std::string body = "--B\r\nContent-Disposition: form-data; name=\"" +
                     std::string(1 << 20, 'n') + "\"\r\n\r\nv\r\n--B--\r\n";
  Expect(PostWithLength(kMp, body), 400,
         "Discarded=malformed_invalid_payload_structure");
}

TEST_F(BadInputE2E, InvalidJsonAndNonObjectJson) {
  std::string bad =
      "--B\r\nContent-Disposition: form-data; name=\"extra\"\r\nContent-Type: "
      "application/json\r\n\r\n{oops\r\n--B--\r\n";
  Expect(PostWithLength(kMp, bad), 400, "Discarded=malformed_invalid_json");
  std::string arr =
      "--B\r\nContent-Disposition: form-data; name=\"extra\"\r\nContent-Type: "
      "application/json\r\n\r\n[1]\r\n--B--\r\n";
  Expect(PostWithLength(kMp, arr), 400,
         "Discarded=malformed_invalid_json_value");
  std::string deep =
      "--B\r\nContent-Disposition: form-data; name=\"extra\"\r\nContent-Type: "
      "application/json\r\n\r\n{\"a\":" +
      std::string(200000, '[') + std::string(200000, ']') + "}\r\n--B--\r\n";
  Expect(PostWithLength(kMp, deep), 400, "Discarded=malformed_invalid_json");
}

TEST_F(BadInputE2E, DumpNamedRawCrash) {
  wire::MultipartWriter w("B");
  w.AddText("ProductName", "X");
  w.AddFile("raw_crash", "x.dmp", "bytes");
  Expect(PostWithLength(kMp, w.Finish()), 400,
         "Discarded=malformed_invalid_dump_name");
}

TEST_F(BadInputE2E, NoAnnotations) {
  wire::MultipartWriter w("B");
  w.AddFile("upload_file_minidump", "x.dmp", "bytes");
  Expect(PostWithLength(kMp, w.Finish()), 400,
         "Discarded=malformed_no_annotations");
}

TEST_F(BadInputE2E, NulAndInvalidUtf8InAnnotations) {
  std::string body =
      Multipart("B", {{"ProductName", "X"},
                      {std::string("Na\0me", 5), std::string("v\0l", 3)},
                      {"Bad", "\xc3\x28"},
                      {"\xff\xfe", "value"}});
  std::string resp = Send(PostWithLength(kMp, body));
  ASSERT_EQ(StatusOf(resp), 200) << resp;
  std::string id = BodyOf(resp).substr(11, 36);
  std::string raw =
      BodyOf(RawHttp(server_->port(), "GET /api/RawCrash/?crash_id=" + id +
                                          " HTTP/1.1\r\nHost: x\r\n\r\n"));
  json stored = json::parse(raw);
  EXPECT_EQ(stored[std::string("Na\0me", 5)], std::string("v\0l", 3));
  EXPECT_FALSE(stored.contains("Bad"));
  EXPECT_EQ(stored["metadata"]["collector_notes"].size(), 2u) << raw;
}

TEST_F(BadInputE2E, UuidWithoutTheToken) {
  std::string body = Multipart(
      "B",
      {{"ProductName", "X"}, {"uuid", "11111111-2222-4333-8444-555550261124"}});
  Expect(PostWithLength(kMp, body), 401, "Discarded=unauthorized_uuid");
  Expect(PostWithLength(kMp + "Authorization: Bearer wrong\r\n", body), 401,
         "Discarded=unauthorized_uuid");
  std::string resp =
      Send(PostWithLength(kMp + "Authorization: Bearer tok\r\n", body));
  EXPECT_EQ(BodyOf(resp), "CrashID=bp-11111111-2222-4333-8444-555550261124\n");
}

TEST_F(BadInputE2E, StalledClientsDoNotHoldWorkers) {
  // More stalled clients than worker threads: each sends headers, then nothing.
  std::vector<std::thread> stalled;
  for (int i = 0; i < 12; ++i) {
    stalled.emplace_back([&] {
      RawHttp(server_->port(),
              Post(kMp + "Content-Length: 100000\r\n", "--B\r\n"),
              std::chrono::seconds(15));
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto started = std::chrono::steady_clock::now();
  std::string ok =
      PostWithLength(kMp, Multipart("B", {{"ProductName", "Patient"}}));
  std::string resp = RawHttp(server_->port(), ok, std::chrono::seconds(15));
  EXPECT_EQ(StatusOf(resp), 200) << resp;
  EXPECT_LT(std::chrono::steady_clock::now() - started,
            std::chrono::seconds(10));
  for (auto& t : stalled) t.join();
}

TEST_F(BadInputE2E, TricklingClientHitsTheBodyDeadline) {
  // One byte every 500 ms never trips the per-read timeout, only the deadline.
  auto started = std::chrono::steady_clock::now();
  std::thread trickle([&] {
    std::string body = Multipart("B", {{"ProductName", "Slow"}});
    RawHttp(server_->port(),
            Post(kMp + "Content-Length: 100000\r\n", body.substr(0, 10)),
            std::chrono::seconds(12));
  });
  trickle.join();
  EXPECT_LT(std::chrono::steady_clock::now() - started,
            std::chrono::seconds(12));
}

TEST_F(BadInputE2E, RawCrashApiErrors) {
  auto get = [&](const std::string& q) {
    return RawHttp(server_->port(),
                   "GET /api/RawCrash/" + q + " HTTP/1.1\r\nHost: x\r\n\r\n");
  };
  std::string r = get("");
  EXPECT_EQ(StatusOf(r), 400);
  EXPECT_EQ(BodyOf(r),
            R"({"errors": {"crash_id": ["This field is required."]}})");
  r = get("?crash_id=not-an-id");
  EXPECT_EQ(StatusOf(r), 400);
  r = get("?crash_id=00000000-0000-4000-8000-000000261124");
  EXPECT_EQ(StatusOf(r), 404);
  EXPECT_EQ(
      BodyOf(r),
      R"({"error":"Not found: CrashIDNotFound 00000000-0000-4000-8000-000000261124"})");
  r = get("?crash_id=%00");
  EXPECT_EQ(StatusOf(r), 400);
  r = RawHttp(server_->port(),
              "GET /api/NoSuchThing/ HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(r), 404);
  r = RawHttp(server_->port(), "GET /submit HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(StatusOf(r), 405);
}

}  // namespace
}  // namespace crashbox
