// SPDX-License-Identifier: MPL-2.0
#include "store/sqlite/search_index.h"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/base/iso_time.h"
#include "store/sqlite/schema.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::store::sqlite {
namespace {

using nlohmann::json;
using testing::TempDir;

// 2024-05-07T12:00:00Z
constexpr int64_t kMay7 = 1715083200;
constexpr int64_t kMay7Day = kMay7 / 86400;

std::string Date(int64_t epoch_seconds, int micros = 0) {
  return base::IsoTimestampMicros(std::chrono::system_clock::time_point(
      std::chrono::microseconds(epoch_seconds * kMicrosPerSecond + micros)));
}

json Crash(std::string signature, int64_t date = kMay7,
           std::string build = "20240501000000",
           std::string version = "128.0") {
  std::string d = Date(date, 123456);
  return {{"signature", signature},
          {"product", "Firefox"},
          {"version", version},
          {"os_name", "Linux"},
          {"process_type", "parent"},
          {"date_processed", d},
          {"submitted_timestamp", d},
          {"build", build},
          {"uptime", 42},
          {"success", true},
          {"uptime_ts", 1.5},
          {"json_dump", {{"system_info", {{"os", "Linux"}, {"cpu_count", 8}}}}},
          {"url", "https://example.com/page"},
          {"user_comments", "it crashed while typing"}};
}

std::unique_ptr<SearchIndex> OpenOrDie(const std::filesystem::path& p,
                                       bool read_only = false) {
  auto index = SearchIndex::Open(p, read_only);
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return index.ok() ? std::move(index).value() : nullptr;
}

Status IndexOne(SearchIndex& index, std::string_view id, const json& crash) {
  IndexItem item{id, crash};
  return index.IndexBatch(std::span<const IndexItem>(&item, 1));
}

// The ids a query's first column returns, in order.
std::vector<std::string> Ids(SearchIndex& index, std::string_view sql,
                             std::vector<Value> params) {
  auto r = index.Query(sql, params);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> ids;
  if (!r.ok()) return ids;
  for (const auto& row : r->rows) ids.push_back(std::get<std::string>(row[0]));
  return ids;
}

// Runs SQL on the file directly, as another program (or a bug) would.
void RawExec(const std::filesystem::path& p, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(p.string().c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

TEST(SearchIndexSchema, CreatedVersionedAndReopened) {
  TempDir dir;
  auto index = OpenOrDie(dir / "search.sqlite");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->SchemaVersion().value(), kSchemaVersion);
  auto tables = Ids(*index,
                    "SELECT name FROM sqlite_schema WHERE type = 'table' AND "
                    "name IN ('crashes', 'crashes_fts', 'signature_counts', "
                    "'signature_first') ORDER BY name",
                    {});
  EXPECT_EQ(tables,
            (std::vector<std::string>{"crashes", "crashes_fts",
                                      "signature_counts", "signature_first"}));
  auto indexes = Ids(*index,
                     "SELECT name FROM sqlite_schema WHERE type = 'index' AND "
                     "tbl_name = 'crashes' AND name NOT LIKE 'sqlite_%' "
                     "ORDER BY name",
                     {});
  EXPECT_EQ(indexes,
            (std::vector<std::string>{"crashes_date", "crashes_os_name_date",
                                      "crashes_product_version_date",
                                      "crashes_signature_date"}));
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
      "day = ?1 AND version = '128.0'",
      std::vector<Value>{kMay7Day});
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
  json weird = Crash("a*b weird");
  json mail = Crash("x");
  mail["email"] = "dev@example.org";
  std::vector<json> crashes = {Crash("mozilla::dom::Foo::Bar"),
                               Crash("js::GC::Run"), Crash("OOM | small"),
                               weird, mail};
  std::vector<IndexItem> batch;
  std::vector<std::string> ids = {"dom", "js", "oom", "weird", "mail"};
  for (size_t i = 0; i < crashes.size(); ++i) {
    batch.push_back({ids[i], crashes[i]});
  }
  ASSERT_TRUE(index->IndexBatch(batch).ok());
  const std::string glob =
      "SELECT c.crash_id FROM crashes_fts f JOIN crashes c ON c.id = f.rowid "
      "WHERE f.signature GLOB ?1 ORDER BY c.crash_id";
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
                "c.id = f.rowid WHERE f.signature LIKE ?1",
                {std::string("%dom::foo%")}),
            V{"dom"});
  auto plan = index->Query(
      "EXPLAIN QUERY PLAN SELECT rowid FROM crashes_fts WHERE signature GLOB "
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
  ASSERT_TRUE(IndexOne(*index, "dom", Crash("mozilla::layers::Paint")).ok());
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

TEST(SearchIndexOpen, ReadOnlyBesideAWriter) {
  TempDir dir;
  auto writer = OpenOrDie(dir / "s.sqlite");
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(IndexOne(*writer, "a", Crash("Sig")).ok());
  auto reader = OpenOrDie(dir / "s.sqlite", /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->Count().value(), 1);
  ASSERT_TRUE(IndexOne(*writer, "b", Crash("Sig")).ok());
  EXPECT_EQ(reader->Count().value(), 2);  // each statement sees the last commit
  EXPECT_EQ(reader->SignatureCounts("Firefox", "128.0", kMay7Day, kMay7Day)
                ->at(0)
                .count,
            2);
  EXPECT_EQ(IndexOne(*reader, "c", Crash("Sig")).code(),
            Status::Code::kPermissionDenied);
  EXPECT_EQ(reader->Remove("a").code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(reader->Clear().code(), Status::Code::kPermissionDenied);
  EXPECT_TRUE(reader->IntegrityCheck().ok());
}

TEST(SearchIndexOpen, ReadOnlyAfterTheWriterClosed) {
  TempDir dir;
  {
    auto writer = OpenOrDie(dir / "s.sqlite");
    ASSERT_NE(writer, nullptr);
    ASSERT_TRUE(IndexOne(*writer, "a", Crash("Sig")).ok());
  }
  auto reader = OpenOrDie(dir / "s.sqlite", /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->Count().value(), 1);
  EXPECT_EQ(reader->FindFirstSeen("Sig")->first_build, 20240501000000);
}

TEST(SearchIndexOpen, ReadersSeeABatchWholeOrNotAtAll) {
  TempDir dir;
  auto writer = OpenOrDie(dir / "s.sqlite");
  ASSERT_NE(writer, nullptr);
  auto reader = OpenOrDie(dir / "s.sqlite", /*read_only=*/true);
  ASSERT_NE(reader, nullptr);
  constexpr int kN = 3000;
  std::vector<json> crashes(kN, Crash("Sig"));
  std::vector<std::string> ids;
  for (int i = 0; i < kN; ++i) ids.push_back(fmt::format("id-{}", i));
  std::vector<IndexItem> batch;
  for (int i = 0; i < kN; ++i) batch.push_back({ids[i], crashes[i]});
  std::atomic<bool> done{false};
  Status written;
  std::thread t([&] {
    written = writer->IndexBatch(batch);
    done = true;
  });
  std::vector<int64_t> seen;
  while (!done) {
    auto n = reader->Count();
    ASSERT_TRUE(n.ok()) << n.status().ToString();  // never blocked
    seen.push_back(*n);
  }
  t.join();
  ASSERT_TRUE(written.ok()) << written.ToString();
  seen.push_back(reader->Count().value());
  for (int64_t n : seen) EXPECT_TRUE(n == 0 || n == kN) << n;
  EXPECT_EQ(seen.back(), kN);
}

TEST(SearchIndexOpen, ReadOnlyNeedsAnExistingFile) {
  TempDir dir;
  auto r = SearchIndex::Open(dir / "absent.sqlite", true);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir / "absent.sqlite"));
}

TEST(SearchIndexOpen, GarbageFileIsCorrupt) {
  TempDir dir;
  auto path = dir / "s.sqlite";
  {
    auto index = OpenOrDie(path);
    ASSERT_NE(index, nullptr);
    ASSERT_TRUE(IndexOne(*index, "a", Crash("Sig")).ok());
  }
  ASSERT_FALSE(std::filesystem::exists(dir / "s.sqlite-wal"));
  testing::WriteFileOrDie(path, std::string(64 * 1024, 'x'));
  for (bool read_only : {false, true}) {
    auto r = SearchIndex::Open(path, read_only);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Status::Code::kCorrupt)
        << r.status().ToString();
    EXPECT_NE(r.status().message().find("not a database"), std::string::npos)
        << r.status().message();
    EXPECT_NE(r.status().message().find("s.sqlite"), std::string::npos)
        << r.status().message();
  }
}

TEST(SearchIndexOpen, DamagedPagesAreFoundByIntegrityCheck) {
  TempDir dir;
  auto path = dir / "s.sqlite";
  {
    auto index = OpenOrDie(path);
    ASSERT_NE(index, nullptr);
    std::vector<json> crashes;
    for (int i = 0; i < 2000; ++i)
      crashes.push_back(Crash(fmt::format("S{}", i % 50)));
    std::vector<std::string> ids;
    for (int i = 0; i < 2000; ++i) ids.push_back(fmt::format("id-{}", i));
    std::vector<IndexItem> batch;
    for (int i = 0; i < 2000; ++i) batch.push_back({ids[i], crashes[i]});
    ASSERT_TRUE(index->IndexBatch(batch).ok());
    EXPECT_TRUE(index->IntegrityCheck().ok());
  }
  // Keep the header page, overwrite a run of pages in the middle.
  std::string bytes = testing::ReadFileOrDie(path);
  ASSERT_GT(bytes.size(), 64u * 1024);
  for (size_t i = bytes.size() / 4; i < bytes.size() / 2; ++i) {
    bytes[i] = static_cast<char>(0xA5 ^ (i * 31));
  }
  testing::WriteFileOrDie(path, bytes);
  auto r = SearchIndex::Open(path, false);
  if (!r.ok()) {  // the damage may already show while opening
    EXPECT_EQ(r.status().code(), Status::Code::kCorrupt)
        << r.status().ToString();
    return;
  }
  Status s = r.value()->IntegrityCheck();
  EXPECT_EQ(s.code(), Status::Code::kCorrupt) << s.ToString();
  EXPECT_NE(s.message().find("s.sqlite"), std::string::npos) << s.message();
}

TEST(SearchIndexOpen, ClearEmptiesEverything) {
  TempDir dir;
  auto index = OpenOrDie(dir / "s.sqlite");
  ASSERT_NE(index, nullptr);
  ASSERT_TRUE(IndexOne(*index, "a", Crash("Sig")).ok());
  ASSERT_TRUE(index->Clear().ok());
  EXPECT_EQ(index->Count().value(), 0);
  EXPECT_EQ(index->SchemaVersion().value(), kSchemaVersion);
  EXPECT_TRUE(
      index->SignatureCounts("Firefox", "", kMay7Day, kMay7Day)->empty());
  EXPECT_EQ(index->FindFirstSeen("Sig").status().code(),
            Status::Code::kNotFound);
  // Statements prepared before Clear() still work on the new tables.
  ASSERT_TRUE(IndexOne(*index, "a", Crash("Sig")).ok());
  EXPECT_EQ(index->Count().value(), 1);
  EXPECT_TRUE(index->IntegrityCheck().ok());
}

TEST(SearchIndexBatch, TenThousandCrashesInOneBatch) {
  TempDir dir;
  auto index = OpenOrDie(dir / "s.sqlite");
  ASSERT_NE(index, nullptr);
  constexpr int kN = 10'000;
  std::vector<json> crashes;
  std::vector<std::string> ids;
  crashes.reserve(kN);
  ids.reserve(kN);
  for (int i = 0; i < kN; ++i) {
    json c = Crash(fmt::format("Sig{}", i % 97), kMay7 + (i % 7) * 86400);
    c["uptime"] = i;
    crashes.push_back(std::move(c));
    ids.push_back(fmt::format("{:08x}-0000-4000-8000-000000240507", i));
  }
  std::vector<IndexItem> batch;
  batch.reserve(kN);
  for (int i = 0; i < kN; ++i) batch.push_back({ids[i], crashes[i]});
  ASSERT_TRUE(index->IndexBatch(batch).ok());
  EXPECT_EQ(index->Count().value(), kN);
  auto counts =
      index->SignatureCounts("Firefox", "128.0", kMay7Day, kMay7Day + 6, 1000);
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->size(), 97u);
  int64_t total = 0;
  for (const auto& c : *counts) total += c.count;
  EXPECT_EQ(total, kN);
}

}  // namespace
}  // namespace crashbox::store::sqlite
