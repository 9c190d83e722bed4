// SPDX-License-Identifier: MPL-2.0
#include "store/sqlite/search_index.h"

#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/sqlite/schema.h"
#include "store/sqlite/search_index_test_util.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::store::sqlite {
namespace {

using namespace test;  // NOLINT: the helpers are this file's vocabulary
using nlohmann::json;
using testing::TempDir;

TEST(SearchIndexSchema, CreatedVersionedAndReopened) {
  TempDir dir;
  auto index = OpenOrDie(dir / "search.sqlite");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->SchemaVersion().value(), kSchemaVersion);
  auto tables = Ids(*index,
                    "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                    "name IN ('crashes', 'crashes_fts', 'daily_counts', "
                    "'hourly_counts', 'signature_counts', 'signature_first') "
                    "ORDER BY name",
                    {});
  EXPECT_EQ(tables,
            (std::vector<std::string>{"crashes", "crashes_fts", "daily_counts",
                                      "hourly_counts", "signature_counts",
                                      "signature_first"}));
  auto indexes = Ids(*index,
                     "SELECT name FROM sqlite_schema WHERE type = 'index' AND "
                     "tbl_name = 'crashes' AND name NOT LIKE 'sqlite_%' "
                     "ORDER BY name",
                     {});
  EXPECT_EQ(indexes, (std::vector<std::string>{
                         "crashes_date", "crashes_os_name_date",
                         "crashes_product_date", "crashes_signature_date"}));
  ASSERT_TRUE(IndexOne(*index, "a", Crash("Sig")).ok());
  // WAL mode: the commit went to the log beside the file.
  EXPECT_TRUE(std::filesystem::exists(dir / "search.sqlite-wal"));
  index.reset();

  // Reopening runs no migration twice and keeps the data.
  index = OpenOrDie(dir / "search.sqlite");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->SchemaVersion().value(), kSchemaVersion);
  EXPECT_EQ(index->Count().value(), 1);
}

TEST(SearchIndexSchema, ColumnsComeFromTheFieldTable) {
  ASSERT_NE(FindColumn("json_dump__system_info__os"), nullptr);
  EXPECT_EQ(FindColumn("json_dump__system_info__cpu_count")->type,
            ColumnType::kInteger);
  EXPECT_EQ(ColumnForField("uuid")->name, "crash_id");
  EXPECT_EQ(ColumnForField("json_dump.system_info.os")->name,
            "json_dump__system_info__os");
  EXPECT_EQ(ColumnForField("uptime_ts")->type, ColumnType::kReal);
  EXPECT_EQ(ColumnForField("success")->type, ColumnType::kInteger);
  EXPECT_EQ(ColumnForField("date_processed")->source,
            ColumnSource::kEpochMicros);
  // Arrays, objects and fields inside arrays have no column.
  EXPECT_EQ(ColumnForField("json_dump.modules[].filename"), nullptr);
  EXPECT_EQ(ColumnForField("json_dump"), nullptr);
  EXPECT_EQ(ColumnForField("processor_history"), nullptr);
  EXPECT_EQ(FindColumn("build_id")->source, ColumnSource::kBuildId);
  for (std::string_view fts : FtsColumns()) {
    EXPECT_NE(FindColumn(fts), nullptr) << fts;
  }
}

TEST(SearchIndexSchema, NewerVersionIsRefused) {
  TempDir dir;
  ASSERT_NE(OpenOrDie(dir / "s.sqlite"), nullptr);
  RawExec(dir / "s.sqlite", "PRAGMA user_version = 99");
  auto rw = SearchIndex::Open(dir / "s.sqlite", false);
  ASSERT_FALSE(rw.ok());
  EXPECT_EQ(rw.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(rw.status().message().find("schema version 99"), std::string::npos)
      << rw.status().message();
  auto ro = SearchIndex::Open(dir / "s.sqlite", true);
  ASSERT_FALSE(ro.ok());
  EXPECT_EQ(ro.status().code(), Status::Code::kInvalidArgument);
}

TEST(SearchIndexSchema, MissingColumnsAreAddedAtOpen) {
  TempDir dir;
  ASSERT_NE(OpenOrDie(dir / "s.sqlite"), nullptr);
  // As a file made before the field table had `uptime`.
  RawExec(dir / "s.sqlite", "ALTER TABLE crashes DROP COLUMN uptime");
  auto index = OpenOrDie(dir / "s.sqlite");
  ASSERT_NE(index, nullptr);
  ASSERT_TRUE(IndexOne(*index, "a", Crash("Sig")).ok());
  auto r = index->Query("SELECT uptime FROM crashes");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(std::get<int64_t>(r->rows.at(0).at(0)), 42);
}

TEST(SearchIndexRows, TypedColumnsReadBack) {
  TempDir dir;
  auto index = OpenOrDie(dir / "s.sqlite");
  ASSERT_NE(index, nullptr);
  json crash = Crash("OOM | small");
  crash["email"] = "someone@example.com";
  crash["install_age"] = "3600";       // a number as text still converts
  crash["crash_time"] = "not a time";  // the wrong type is NULL, not a failure
  crash["reason"] = json::object({{"nested", "object"}});
  crash["os_version"] = 10;  // a number where text belongs keeps its text
  ASSERT_TRUE(IndexOne(*index, "crash-1", crash).ok());
  auto r = index->Query(
      "SELECT crash_id, signature, uptime, success, uptime_ts, date_processed, "
      "build_id, json_dump__system_info__cpu_count, email, install_age, "
      "crash_time, abort_message, reason, os_version FROM crashes "
      "WHERE crash_id = ?1",
      std::vector<Value>{std::string("crash-1")});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->rows.size(), 1u);
  const auto& row = r->rows[0];
  EXPECT_EQ(r->columns.at(1), "signature");
  EXPECT_EQ(std::get<std::string>(row[0]), "crash-1");
  EXPECT_EQ(std::get<std::string>(row[1]), "OOM | small");
  EXPECT_EQ(std::get<int64_t>(row[2]), 42);
  EXPECT_EQ(std::get<int64_t>(row[3]), 1);
  EXPECT_EQ(std::get<double>(row[4]), 1.5);
  int64_t micros = std::get<int64_t>(row[5]);
  EXPECT_EQ(micros, kMay7 * kMicrosPerSecond + 123456);
  // The ISO text comes back exactly.
  EXPECT_EQ(Date(kMay7, 123456), crash["date_processed"].get<std::string>());
  EXPECT_EQ(std::get<int64_t>(row[6]), 20240501000000);
  EXPECT_EQ(std::get<int64_t>(row[7]), 8);
  EXPECT_EQ(std::get<std::string>(row[8]), "someone@example.com");
  EXPECT_EQ(std::get<int64_t>(row[9]), 3600);
  EXPECT_TRUE(IsNull(row[10]));
  EXPECT_TRUE(IsNull(row[11]));
  EXPECT_TRUE(IsNull(row[12]));
  EXPECT_EQ(std::get<std::string>(row[13]), "10");
  EXPECT_TRUE(index->Contains("crash-1").value());
  EXPECT_FALSE(index->Contains("crash-2").value());
}

TEST(SearchIndexRows, LongTextIsCutAtACharacterBoundary) {
  TempDir dir;
  SearchIndexOptions options;
  options.max_text_bytes = 10;
  auto opened = SearchIndex::Open(dir / "s.sqlite", options);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  auto& index = *opened.value();
  // "ééééé|é": 2-byte characters; byte 10 falls inside the sixth.
  json crash = Crash("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
  crash["user_comments"] = std::string(1 << 20, 'x');
  ASSERT_TRUE(IndexOne(index, "a", crash).ok());
  auto r = index.Query("SELECT signature, length(user_comments) FROM crashes");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(std::get<std::string>(r->rows[0][0]),
            "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
  EXPECT_EQ(std::get<int64_t>(r->rows[0][1]), 10);
}

TEST(SearchIndexRows, BadItemsWriteNothing) {
  TempDir dir;
  auto index = OpenOrDie(dir / "s.sqlite");
  ASSERT_NE(index, nullptr);
  json good = Crash("Sig");
  json not_object = json::array({1, 2});
  std::string long_id(kMaxCrashIdBytes + 1, 'a');
  std::vector<IndexItem> empty_id = {{"a", good}, {"", good}};
  std::vector<IndexItem> too_long = {{"a", good}, {long_id, good}};
  std::vector<IndexItem> array = {{"a", good}, {"b", not_object}};
  for (const auto* batch : {&empty_id, &too_long, &array}) {
    Status s = index->IndexBatch(*batch);
    EXPECT_EQ(s.code(), Status::Code::kInvalidArgument) << s.ToString();
  }
  EXPECT_EQ(index->Count().value(), 0);
  EXPECT_TRUE(index->SignatureCounts("Firefox", "", 0, 1'000'000)->empty());
}

TEST(SearchIndexAggregates, ReprocessMovesCountsToTheNewSignature) {
  TempDir dir;
  auto index = OpenOrDie(dir / "s.sqlite");
  ASSERT_NE(index, nullptr);
  json a = Crash("Old");
  json b = Crash("Old");
  json c = Crash("Old", kMay7 + 3 * 86400);  // three days later
  json d = Crash("Old", kMay7, "20240501000000", "129.0b1");
  std::vector<IndexItem> batch = {{"a", a}, {"b", b}, {"c", c}, {"d", d}};
  ASSERT_TRUE(index->IndexBatch(batch).ok());

  auto day0 = index->SignatureCounts("Firefox", "128.0", kMay7Day, kMay7Day);
  ASSERT_TRUE(day0.ok());
  ASSERT_EQ(day0->size(), 1u);
  EXPECT_EQ((*day0)[0].signature, "Old");
  EXPECT_EQ((*day0)[0].count, 2);
  auto all_versions =
      index->SignatureCounts("Firefox", "", kMay7Day, kMay7Day + 7);
  EXPECT_EQ(all_versions->at(0).count, 4);

  // Reprocessing `a` gives it a new signature: its count moves.
  ASSERT_TRUE(IndexOne(*index, "a", Crash("New")).ok());
  EXPECT_EQ(index->Count().value(), 4);
  auto moved = index->SignatureCounts("Firefox", "128.0", kMay7Day, kMay7Day);
  ASSERT_EQ(moved->size(), 2u);
  EXPECT_EQ(moved->at(0).signature, "New");  // ties: by signature
  EXPECT_EQ(moved->at(0).count, 1);
  EXPECT_EQ(moved->at(1).signature, "Old");
  EXPECT_EQ(moved->at(1).count, 1);

  // Removing the last crash of a key removes its row.
  ASSERT_TRUE(index->Remove("b").ok());
  EXPECT_EQ(index->Remove("b").code(), Status::Code::kNotFound);
  moved = index->SignatureCounts("Firefox", "128.0", kMay7Day, kMay7Day);
  ASSERT_EQ(moved->size(), 1u);
  EXPECT_EQ(moved->at(0).signature, "New");
  auto rows = index->Query(
      "SELECT count(*) FROM signature_counts WHERE signature = 'Old' AND "
      "date_processed = ?1 AND version = '128.0'",
      std::vector<Value>{kMay7Day * kMicrosPerDay});
  EXPECT_EQ(std::get<int64_t>(rows->rows[0][0]), 0);
  // The aggregate equals a count over the rows, key by key.
  auto check = index->Query(
      "SELECT (SELECT sum(count) FROM signature_counts), "
      "(SELECT count(*) FROM crashes WHERE date_processed IS NOT NULL)");
  EXPECT_EQ(std::get<int64_t>(check->rows[0][0]),
            std::get<int64_t>(check->rows[0][1]));
}

TEST(SearchIndexAggregates, FirstSeenOnlyMovesEarlier) {
  TempDir dir;
  auto index = OpenOrDie(dir / "s.sqlite");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->FindFirstSeen("Sig").status().code(),
            Status::Code::kNotFound);
  int64_t day = 86400;
  ASSERT_TRUE(
      IndexOne(*index, "a", Crash("Sig", kMay7, "20240502000000")).ok());
  auto seen = index->FindFirstSeen("Sig");
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(seen->first_date_micros, kMay7 * kMicrosPerSecond + 123456);
  EXPECT_EQ(seen->first_build, 20240502000000);

  // Later, with an older build: the date stays, the build goes down.
  ASSERT_TRUE(
      IndexOne(*index, "b", Crash("Sig", kMay7 + day, "20240401000000")).ok());
  seen = index->FindFirstSeen("Sig");
  EXPECT_EQ(seen->first_date_micros, kMay7 * kMicrosPerSecond + 123456);
  EXPECT_EQ(seen->first_build, 20240401000000);

  // Earlier, with a newer build: the date goes down, the build stays.
  ASSERT_TRUE(
      IndexOne(*index, "c", Crash("Sig", kMay7 - day, "20240601000000")).ok());
  seen = index->FindFirstSeen("Sig");
  EXPECT_EQ(seen->first_date_micros, (kMay7 - day) * kMicrosPerSecond + 123456);
  EXPECT_EQ(seen->first_build, 20240401000000);

  // A build that is not a number leaves first_build alone.
  ASSERT_TRUE(IndexOne(*index, "d", Crash("Other", kMay7, "abc")).ok());
  seen = index->FindFirstSeen("Other");
  ASSERT_TRUE(seen.ok());
  EXPECT_FALSE(seen->first_build.has_value());
}

TEST(SearchIndexFts, SubstringPrefixAndSuffixCandidates) {
  TempDir dir;
  auto index = OpenOrDie(dir / "s.sqlite");
  ASSERT_NE(index, nullptr);
  // proto_signature: an FTS column (signature is not: schema.cc, kFts).
  auto Proto = [](const std::string& sig) {
    json c = Crash(sig);
    c["proto_signature"] = sig;
    return c;
  };
  json weird = Proto("a*b weird");
  json mail = Proto("x");
  mail["email"] = "dev@example.org";
  std::vector<json> crashes = {Proto("mozilla::dom::Foo::Bar"),
                               Proto("js::GC::Run"), Proto("OOM | small"),
                               weird, mail};
  std::vector<IndexItem> batch;
  std::vector<std::string> ids = {"dom", "js", "oom", "weird", "mail"};
  for (size_t i = 0; i < crashes.size(); ++i) {
    batch.push_back({ids[i], crashes[i]});
  }
  ASSERT_TRUE(index->IndexBatch(batch).ok());
  const std::string glob =
      "SELECT c.crash_id FROM crashes_fts f JOIN crashes c ON c.id = f.rowid "
      "WHERE f.proto_signature GLOB ?1 ORDER BY c.crash_id";
  auto find = [&](std::string pattern) {
    return Ids(*index, glob, {std::move(pattern)});
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(find("*" + GlobLiteral("dom::Foo") + "*"), V{"dom"});  // ~
  EXPECT_EQ(find(GlobLiteral("js::") + "*"), V{"js"});             // ^
  EXPECT_EQ(find("*" + GlobLiteral("small")), V{"oom"});           // $
  EXPECT_EQ(find("*" + GlobLiteral("DOM::foo") + "*"), V{});       // case
  EXPECT_EQ(find("*" + GlobLiteral("a*b") + "*"), V{"weird"});
  EXPECT_EQ(find("*" + GlobLiteral("a?b") + "*"), V{});
  // LIKE is the case-insensitive form; the plan uses the FTS index.
  EXPECT_EQ(Ids(*index,
                "SELECT c.crash_id FROM crashes_fts f JOIN crashes c ON "
                "c.id = f.rowid WHERE f.proto_signature LIKE ?1",
                {std::string("%dom::foo%")}),
            V{"dom"});
  auto plan = index->Query(
      "EXPLAIN QUERY PLAN SELECT rowid FROM crashes_fts WHERE proto_signature "
      "GLOB "
      "?1",
      std::vector<Value>{std::string("*dom*")});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_NE(
      std::get<std::string>(plan->rows.at(0).back()).find("VIRTUAL TABLE"),
      std::string::npos);
  // A top-level field the field table lacks is searchable too.
  EXPECT_EQ(Ids(*index,
                "SELECT c.crash_id FROM crashes_fts f JOIN crashes c ON "
                "c.id = f.rowid WHERE f.email GLOB ?1",
                {std::string("*@example.org")}),
            V{"mail"});

  // After reprocessing, the old text is gone from the FTS index.
  ASSERT_TRUE(IndexOne(*index, "dom", Proto("mozilla::layers::Paint")).ok());
  EXPECT_EQ(find("*dom::Foo*"), V{});
  EXPECT_EQ(find("*layers*"), V{"dom"});
  ASSERT_TRUE(index->Remove("js").ok());
  EXPECT_EQ(find("js::*"), V{});
  ASSERT_TRUE(index->Optimize().ok());
  EXPECT_EQ(find("*layers*"), V{"dom"});
  EXPECT_TRUE(index->IntegrityCheck().ok());
}

TEST(SearchIndexQuery, RefusesWritesAndStopsAtItsTimeLimit) {
  TempDir dir;
  auto index = OpenOrDie(dir / "s.sqlite");
  ASSERT_NE(index, nullptr);
  ASSERT_TRUE(IndexOne(*index, "a", Crash("Sig")).ok());
  EXPECT_EQ(index->Query("DELETE FROM crashes").status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(index->Query("SELECT 1; DELETE FROM crashes").status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(index->Query("SELEC 1").status().code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(index->Query("SELECT ?1, ?2", std::vector<Value>{int64_t{1}})
                .status()
                .code(),
            Status::Code::kInvalidArgument);
  EXPECT_EQ(index->Count().value(), 1);

  QueryOptions options;
  options.time_limit = std::chrono::milliseconds(50);
  auto slow = index->Query(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
      "SELECT count(*) FROM n",
      {}, options);
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.status().code(), Status::Code::kLimitExceeded);
  // The connection is fine afterwards, and without a limit nothing stops it.
  EXPECT_EQ(index->Count().value(), 1);

  QueryOptions few;
  few.max_rows = 3;
  auto capped = index->Query(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
      "LIMIT 10) SELECT i FROM n",
      {}, few);
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(capped->rows.size(), 3u);
  EXPECT_TRUE(capped->truncated);
}

}  // namespace
}  // namespace crashbox::store::sqlite
