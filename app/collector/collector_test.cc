// SPDX-License-Identifier: MPL-2.0
#include "app/collector/collector.h"

#include <gtest/gtest.h>

#include "app/base/gzip.h"
#include "app/base/sha256.h"
#include "app/collector/crash_id.h"
#include "app/wire/multipart_writer.h"
#include "store/lmdb/crash_store.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::collector {
namespace {

using wire::EncodeCrashReport;
using wire::MultipartWriter;

using nlohmann::json;
using Kind = Outcome::Kind;

class CollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::lmdb::EnvOptions env_opts;
    env_opts.path = (dir_ / "store").string();
    env_ = std::move(store::lmdb::Env::Open(env_opts)).value();
    store_ = std::make_unique<store::lmdb::LmdbCrashStore>(*env_);
    UseRules(Throttler::Preset("accept_all").value());
  }
  void UseRules(const std::string& rules) {
    collector_.reset();
    throttler_ = std::move(Throttler::Make(rules, clock_)).value();
    collector_ = std::make_unique<Collector>(options_, *store_, *throttler_,
                                             clock_, metrics_, *budget_);
  }
  Outcome Post(const std::string& body, SubmitRequest req,
               size_t piece = 65536) {
    if (!req.content_length && !req.chunked) req.content_length = body.size();
    Outcome early;
    UploadPtr up = collector_->Begin(req, &early);
    if (!up) return early;
    for (size_t i = 0; i < body.size(); i += piece) {
      if (!collector_->Feed(*up,
                            AsBytes(std::string_view(body).substr(i, piece))))
        break;
    }
    return collector_->Finish(std::move(up), Status::Ok());
  }
  Outcome PostReport(const json& annotations, bool gzip = false,
                     bool json_extra = false) {
    MultipartWriter w;
    std::string body = EncodeCrashReport(
        annotations, {{"upload_file_minidump", "MDMP-bytes"}}, json_extra, w);
    SubmitRequest req;
    req.content_type = w.ContentType();
    req.user_agent = "Breakpad/1.0 (Linux)";
    if (gzip) {
      body = base::Gzip(AsBytes(body));
      req.content_encoding = "gzip";
    }
    return Post(body, req);
  }
  json Raw(const std::string& id) {
    return json::parse(store_->GetRawCrash(id).value());
  }

  testing::TempDir dir_;
  base::FakeClock clock_{
      std::chrono::system_clock::time_point(std::chrono::seconds(1795356413))};
  base::MetricsRegistry metrics_;
  CollectorOptions options_;
  std::unique_ptr<base::MemoryBudget> budget_ =
      std::make_unique<base::MemoryBudget>(2ull << 30);
  std::unique_ptr<store::lmdb::Env> env_;
  std::unique_ptr<store::lmdb::LmdbCrashStore> store_;
  std::unique_ptr<Throttler> throttler_;
  std::unique_ptr<Collector> collector_;
};

TEST_F(CollectorTest, AcceptsAndStoresWithMetadata) {
  Outcome o = PostReport(json{
      {"ProductName", "Test"}, {"Version", "1.0"}, {"Email", "a@example.org"}});
  ASSERT_EQ(o.kind, Kind::kAccepted) << o.body;
  EXPECT_EQ(o.body, "CrashID=bp-" + o.crash_id + "\n");
  EXPECT_TRUE(IsValidCrashId(o.crash_id));
  EXPECT_EQ(o.crash_id.substr(29), "0261122");  // accepted, 2026-11-22
  json raw = Raw(o.crash_id);
  EXPECT_EQ(raw["ProductName"], "Test");
  EXPECT_FALSE(raw.contains("Email"));
  EXPECT_EQ(raw["uuid"], o.crash_id);
  EXPECT_EQ(raw["version"], 2);
  EXPECT_EQ(raw["submitted_timestamp"], "2026-11-22T14:06:53.000000+00:00");
  const json& md = raw["metadata"];
  EXPECT_EQ(md["payload"], "multipart");
  EXPECT_EQ(md["payload_compressed"], "0");
  EXPECT_EQ(md["user_agent"], "Breakpad/1.0 (Linux)");
  EXPECT_EQ(md["throttle_rule"], "accept_everything");
  EXPECT_EQ(md["dump_checksums"]["upload_file_minidump"],
            base::Sha256Hex(AsBytes(std::string_view("MDMP-bytes"))));
  EXPECT_EQ(md["collector_notes"],
            json::array({"Removed Email from raw crash."}));
  EXPECT_GT(md["payload_size"].get<uint64_t>(), 100u);
  EXPECT_EQ(store_->GetDump(o.crash_id, "upload_file_minidump").value(),
            "MDMP-bytes");
  EXPECT_EQ(store_->GetQueueDepths().value().normal, 1u);
}

TEST_F(CollectorTest, GzipAndJsonExtra) {
  Outcome o = PostReport(json{{"ProductName", "Test"}, {"Count", 3}},
                         /*gzip=*/true, /*json_extra=*/true);
  ASSERT_EQ(o.kind, Kind::kAccepted) << o.body;
  json raw = Raw(o.crash_id);
  EXPECT_EQ(raw["Count"], 3);
  EXPECT_EQ(raw["metadata"]["payload"], "json");
  EXPECT_EQ(raw["metadata"]["payload_compressed"], "1");
}

TEST_F(CollectorTest, HeaderChecksInAntennasOrder) {
  SubmitRequest r;
  EXPECT_EQ(Post("x", r).body, "Discarded=malformed_no_content_type");
  r.content_type = "application/json";
  EXPECT_EQ(Post("x", r).body, "Discarded=malformed_wrong_content_type");
  r.content_type = "multipart/form-data";
  EXPECT_EQ(Post("x", r).body, "Discarded=malformed_no_boundary");
  r.content_type = "multipart/form-data; charset=x; boundary=B";
  EXPECT_EQ(Post("x", r).body,
            "Discarded=malformed_no_boundary");  // boundary must come first
  r.content_type = "multipart/mixed; boundary=B";
  r.content_length = 0;
  Outcome o = Post("", r);
  EXPECT_EQ(o.kind, Kind::kMalformed);
  EXPECT_EQ(o.body, "Discarded=malformed_no_content_length");
}

TEST_F(CollectorTest, BadGzipAndGzipBomb) {
  SubmitRequest r;
  r.content_type = "multipart/form-data; boundary=B";
  r.content_encoding = "gzip";
  EXPECT_EQ(Post("this is not gzip", r).body, "Discarded=malformed_bad_gzip");
  options_.max_decompressed_bytes = 1 << 20;
  UseRules(Throttler::Preset("accept_all").value());
  MultipartWriter w;
  std::string huge = EncodeCrashReport(
      json{{"ProductName", "Test"}},
      {{"upload_file_minidump", std::string(50 << 20, '\0')}}, false, w);
  r.content_type = w.ContentType();
  std::string bomb = base::Gzip(AsBytes(huge), 9);
  EXPECT_LT(bomb.size(), 100u << 10);
  Outcome o = Post(bomb, r);
  EXPECT_EQ(o.kind, Kind::kTooLarge);
}

TEST_F(CollectorTest, BodyOverTheLimitIsTooLarge) {
  options_.max_body_bytes = 1000;
  UseRules(Throttler::Preset("accept_all").value());
  SubmitRequest r;
  r.content_type = "multipart/form-data; boundary=B";
  EXPECT_EQ(Post(std::string(1001, 'x'), r).kind, Kind::kTooLarge);
  r.chunked = true;  // no Content-Length: counted as it arrives
  EXPECT_EQ(Post(std::string(5000, 'x'), r, 100).kind, Kind::kTooLarge);
}

TEST_F(CollectorTest, ThrottleRejectAnswersDiscardedRule) {
  UseRules(
      R"({"rules": [{"name": "no_test", "key": "ProductName", "condition": {"equals": "Test"}, "result": "reject"}]})");
  Outcome o = PostReport(json{{"ProductName", "Test"}});
  EXPECT_EQ(o.kind, Kind::kRejected);
  EXPECT_EQ(o.body, "Discarded=rule_no_test");
  EXPECT_EQ(PostReport(json{{"ProductName", "Other"}}).body,
            "Discarded=rule_NO_MATCH");
}

TEST_F(CollectorTest, FakeAcceptAnswersButStoresNothing) {
  UseRules(R"({"rules": [{"name": "fake", "result": "fakeaccept"}]})");
  Outcome o = PostReport(json{{"ProductName", "Test"}});
  ASSERT_EQ(o.kind, Kind::kAccepted);
  EXPECT_EQ(o.crash_id[29], '3');
  EXPECT_EQ(store_->GetRawCrash(o.crash_id).status().code(),
            Status::Code::kNotFound);
}

TEST_F(CollectorTest, ClientUuidNeedsTheBearerToken) {
  const std::string id = "11111111-2222-4333-8444-555550261122";
  Outcome o = PostReport(json{{"ProductName", "Test"}, {"uuid", id}});
  EXPECT_EQ(o.kind, Kind::kUnauthorized);
  EXPECT_EQ(o.body, "Discarded=unauthorized_uuid");

  options_.stage_submitter_token = "s3cret";
  UseRules(Throttler::Preset("accept_all").value());
  EXPECT_EQ(PostReport(json{{"ProductName", "Test"}, {"uuid", id}}).kind,
            Kind::kUnauthorized);

  MultipartWriter w;
  std::string body = EncodeCrashReport(
      json{{"ProductName", "Test"}, {"uuid", id}}, {}, false, w);
  SubmitRequest r;
  r.content_type = w.ContentType();
  r.authorization = "Bearer s3cret";
  Outcome ok = Post(body, r);
  ASSERT_EQ(ok.kind, Kind::kAccepted) << ok.body;
  EXPECT_EQ(ok.crash_id, id);

  MultipartWriter w2;
  body = EncodeCrashReport(json{{"ProductName", "Test"}, {"uuid", "not-an-id"}},
                           {}, false, w2);
  r.content_type = w2.ContentType();
  EXPECT_EQ(Post(body, r).body, "Discarded=malformed_invalid_uuid");
}

TEST_F(CollectorTest, CrashpadQueryStringBecomesAnnotations) {
  MultipartWriter w;
  std::string body =
      EncodeCrashReport(json{{"ptype", "crashpad-handler"}},
                        {{"upload_file_minidump", "M"}}, false, w);
  SubmitRequest r;
  r.content_type = w.ContentType();
  r.query = {{"prod", "MyApp"}, {"ver", "2.1"}, {"guid", "abc"}};
  Outcome o = Post(body, r);
  ASSERT_EQ(o.kind, Kind::kAccepted) << o.body;
  json raw = Raw(o.crash_id);
  EXPECT_EQ(raw["ProductName"], "MyApp");
  EXPECT_EQ(raw["Version"], "2.1");
  EXPECT_EQ(raw["guid"], "abc");
}

TEST_F(CollectorTest, TruncatedBodyAndBrokenConnection) {
  MultipartWriter w;
  std::string body = EncodeCrashReport(
      json{{"ProductName", "Test"}}, {{"upload_file_minidump", "M"}}, false, w);
  SubmitRequest r;
  r.content_type = w.ContentType();
  EXPECT_EQ(Post(body.substr(0, body.size() / 2), r).body,
            "Discarded=malformed_invalid_payload_structure");
  Outcome early;
  r.content_length = body.size();
  auto up = collector_->Begin(r, &early);
  collector_->Feed(*up, AsBytes(std::string_view(body).substr(0, 10)));
  EXPECT_EQ(collector_->Finish(std::move(up), Status::IoError("timeout")).kind,
            Kind::kMalformed);
}

TEST_F(CollectorTest, InflightBudgetAnswersBusy) {
  budget_ = std::make_unique<base::MemoryBudget>(1 << 20);
  UseRules(Throttler::Preset("accept_all").value());
  MultipartWriter w;
  std::string body = EncodeCrashReport(
      json{{"ProductName", "Test"}},
      {{"upload_file_minidump", std::string(3 << 20, 'd')}}, false, w);
  SubmitRequest r;
  r.content_type = w.ContentType();
  Outcome o = Post(body, r);
  EXPECT_EQ(o.kind, Kind::kUnavailable);
  EXPECT_GT(o.retry_after_seconds, 0);
  // The reservation is returned: a small crash goes through afterwards.
  EXPECT_EQ(budget_->used(), 0u);
  EXPECT_EQ(PostReport(json{{"ProductName", "Test"}}).kind, Kind::kAccepted);
  EXPECT_EQ(budget_->used(), 0u);
}

// `[0,0,...]`: 2 bytes of text, ~48 bytes once parsed.
std::string ZerosExtra(size_t count) {
  std::string extra = "{\"ProductName\":\"Test\",\"Pad\":[";
  for (size_t i = 0; i < count; ++i) extra += i ? ",0" : "0";
  return extra + "]}";
}

std::string BodyWithExtra(const std::string& extra_text, MultipartWriter& w) {
  w.AddFile("extra", "extra.json", extra_text, "application/json");
  w.AddFile("upload_file_minidump", "a.dmp", "MDMP");
  return w.Finish();
}

TEST_F(CollectorTest, ParsedJsonIsChargedAtItsCostNotItsText) {
  // 2 MiB of budget holds this body (~600 KB) but not its parse (~14 MB).
  budget_ = std::make_unique<base::MemoryBudget>(2 << 20);
  MultipartWriter w;
  std::string body = BodyWithExtra(ZerosExtra(300000), w);
  ASSERT_LT(body.size(), 1u << 20);
  SubmitRequest r;
  r.content_type = w.ContentType();
  options_.max_extra_json_values = 1000000;
  UseRules(Throttler::Preset("accept_all").value());
  Outcome o = Post(body, r);
  EXPECT_EQ(o.kind, Kind::kUnavailable) << o.body;
  EXPECT_EQ(o.body, "Discarded=busy");
  EXPECT_EQ(budget_->used(), 0u);
}

TEST_F(CollectorTest, JsonAmplificationIsRefusedByItsLimits) {
  SubmitRequest r;
  {
    // 16 MiB of zeros in 32 KB of gzip: refused at the byte limit.
    MultipartWriter w;
    std::string body =
        base::Gzip(AsBytes(BodyWithExtra(ZerosExtra(8 << 20), w)));
    r.content_type = w.ContentType();
    r.content_encoding = "gzip";
    Outcome o = Post(body, r);
    EXPECT_EQ(o.kind, Kind::kMalformed);
    EXPECT_EQ(o.body, "Discarded=malformed_json_too_large");
  }
  {
    MultipartWriter w;
    std::string body =
        BodyWithExtra(ZerosExtra(200000), w);  // 400 KB, 200,002 values
    r.content_type = w.ContentType();
    r.content_encoding.reset();
    EXPECT_EQ(Post(body, r).body, "Discarded=malformed_json_too_many_values");
  }
  EXPECT_EQ(budget_->used(), 0u);
  std::string text = metrics_.RenderPrometheus();
  EXPECT_NE(text.find("malformed_total{reason=\"json_too_large\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("malformed_total{reason=\"json_too_many_values\"} 1"),
            std::string::npos)
      << text;
}

TEST_F(CollectorTest, StoredDumpsAreTheOnesTheRawCrashDescribes) {
  MultipartWriter w;
  w.AddText("ProductName", "Test");
  w.AddFile("upload_file_minidump", "a.dmp", "the real minidump");
  w.AddFile("upload_file_minidump_browser", "b.dmp", "the browser's minidump");
  w.AddFile("upload_file_minidump!", "c.dmp", "a second part of the same name");
  SubmitRequest r;
  r.content_type = w.ContentType();
  Outcome o = Post(w.Finish(), r);
  ASSERT_EQ(o.kind, Kind::kAccepted) << o.body;
  json raw = Raw(o.crash_id);
  const json& sums = raw["metadata"]["dump_checksums"];
  ASSERT_EQ(sums.size(), 2u) << sums.dump();
  EXPECT_EQ(store_->GetDumpNames(o.crash_id).value(),
            (std::vector<std::string>{"upload_file_minidump",
                                      "upload_file_minidump_browser"}));
  for (const auto& [name, sum] : sums.items()) {
    std::string stored = store_->GetDump(o.crash_id, name).value();
    EXPECT_EQ(base::Sha256Hex(AsBytes(stored)), sum) << name;
  }
  EXPECT_EQ(store_->GetDump(o.crash_id, "upload_file_minidump").value(),
            "the real minidump");
  EXPECT_NE(
      raw["metadata"]["collector_notes"].dump().find("this part was dropped"),
      std::string::npos);

  for (const char* alias : {"dump", "!!!", ""}) {
    MultipartWriter w2;
    w2.AddText("ProductName", "Test");
    w2.AddFile("upload_file_minidump", "a.dmp", "the real minidump");
    w2.AddFile(alias, "x.dmp", "something else");
    r.content_type = w2.ContentType();
    EXPECT_EQ(Post(w2.Finish(), r).body,
              "Discarded=malformed_invalid_dump_name")
        << alias;
  }
}

TEST_F(CollectorTest, CountsMetrics) {
  PostReport(json{{"ProductName", "Test"}});
  SubmitRequest r;
  Post("x", r);
  std::string text = metrics_.RenderPrometheus();
  EXPECT_NE(
      text.find("crashbox_collector_breakpad_resource_incoming_crash_total 2"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("crashbox_collector_breakpad_resource_malformed_total{"
                      "reason=\"no_content_type\"} 1"),
            std::string::npos);
  EXPECT_NE(text.find("crashbox_collector_crashmover_save_crash_count_total 1"),
            std::string::npos);
}

}  // namespace
}  // namespace crashbox::collector
