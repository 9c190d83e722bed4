// SPDX-License-Identifier: MPL-2.0
#include "store/sqlite/search_index.h"

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/sqlite/schema.h"
#include "store/sqlite/search_index_test_util.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::store::sqlite {
namespace {

using namespace test;  // NOLINT: the helpers are this file's vocabulary
using nlohmann::json;
using testing::TempDir;

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

// What version 2 had that version 3 changed (schema.cc, MigrateV2ToV3).
constexpr const char* kBackToVersion2 =
    "DROP TRIGGER daily_counts_ai; DROP TRIGGER daily_counts_ad; "
    "DROP TABLE daily_counts; DROP INDEX crashes_product_date; "
    "CREATE INDEX crashes_product_version_date ON crashes(product, version, "
    "date_processed, os_name, process_type, signature); "
    "PRAGMA user_version = 2;";

// A file of the previous version, as an older build left it, indexed crash
// included: reopening migrates it to kSchemaVersion with its data.
void ExpectMigratedToCurrent(const std::filesystem::path& p) {
  auto index = OpenOrDie(p);
  EXPECT_EQ(index->SchemaVersion().value(), kSchemaVersion);
  auto cols = index->Query(
      "SELECT name FROM pragma_index_info('crashes_date') ORDER BY seqno");
  ASSERT_TRUE(cols.ok());
  ASSERT_EQ(cols->rows.size(), 6u);
  EXPECT_EQ(std::get<std::string>(cols->rows[5][0]), "signature");
  auto product = index->Query(
      "SELECT name FROM pragma_index_info('crashes_product_date') "
      "ORDER BY seqno");
  ASSERT_TRUE(product.ok());
  ASSERT_EQ(product->rows.size(), 6u);
  EXPECT_EQ(std::get<std::string>(product->rows[1][0]), "date_processed");
  EXPECT_EQ(index->Count().value(), 1);
  // The crash indexed before the migration is counted by day.
  auto daily = index->Query(
      "SELECT product, version, count, date_processed % 86400000000 "
      "FROM daily_counts");
  ASSERT_TRUE(daily.ok());
  ASSERT_EQ(daily->rows.size(), 1u);
  EXPECT_EQ(std::get<std::string>(daily->rows[0][0]), "Firefox");
  EXPECT_EQ(std::get<int64_t>(daily->rows[0][2]), 1);
  EXPECT_EQ(std::get<int64_t>(daily->rows[0][3]), 0);  // the day's start
  // Version 4's rollup indexes carry the count (reads never touch a table).
  for (const char* rollup_index :
       {"daily_counts_key", "hourly_counts_key", "signature_counts_key"}) {
    auto last = index->Query(fmt::format(
        "SELECT name FROM pragma_index_info('{}') ORDER BY seqno DESC LIMIT 1",
        rollup_index));
    ASSERT_TRUE(last.ok());
    ASSERT_EQ(last->rows.size(), 1u) << rollup_index;
    EXPECT_EQ(last->rows[0][0], Value(std::string("count"))) << rollup_index;
  }
  // Version 4's signature_counts holds it as well.
  auto by_signature = index->Query(
      "SELECT signature, count, date_processed % 86400000000 "
      "FROM signature_counts");
  ASSERT_TRUE(by_signature.ok());
  ASSERT_EQ(by_signature->rows.size(), 1u);
  EXPECT_EQ(by_signature->rows[0][0], Value(std::string("sig")));
  EXPECT_EQ(by_signature->rows[0][1], Value(int64_t{1}));
  EXPECT_EQ(by_signature->rows[0][2], Value(int64_t{0}));
  // And the triggers keep them current afterwards.
  ASSERT_TRUE(IndexOne(*index, "b", Crash("other")).ok());
  for (const char* table :
       {"daily_counts", "signature_counts", "hourly_counts"}) {
    EXPECT_EQ(index->Query(fmt::format("SELECT sum(count) FROM {}", table))
                  ->rows[0][0],
              Value(int64_t{2}))
        << table;
  }
  EXPECT_TRUE(index->FindFirstSeen("other").ok());
}

// What version 3 had that version 4 changed (schema.cc, MigrateV3ToV4).
constexpr const char* kBackToVersion3 =
    "DROP TRIGGER signature_counts_ai; DROP TRIGGER signature_counts_ad; "
    "DROP TRIGGER signature_first_ai; DROP TABLE signature_counts; "
    "CREATE TABLE signature_counts (product TEXT NOT NULL, "
    "version TEXT NOT NULL, day INTEGER NOT NULL, signature TEXT NOT NULL, "
    "platform TEXT NOT NULL, process_type TEXT NOT NULL, "
    "count INTEGER NOT NULL, PRIMARY KEY (product, version, day, signature, "
    "platform, process_type)) WITHOUT ROWID; "
    "PRAGMA user_version = 3;";

// A file indexed with one crash, taken back by `steps` (each RawExec'd in
// turn) to what an older build left, reopened: ExpectMigratedToCurrent.
void ExpectMigratesFrom(std::initializer_list<const char*> steps) {
  crashbox::testing::TempDir dir;
  auto p = dir / "s.sqlite";
  {
    auto index = OpenOrDie(p);
    ASSERT_TRUE(IndexOne(*index, "a", Crash("sig")).ok());
  }
  for (const char* sql : steps) RawExec(p, sql);
  ExpectMigratedToCurrent(p);
}

TEST(SearchIndexOpen, MigratesVersion3ToSignatureRollup) {
  ExpectMigratesFrom({kBackToVersion3});
}

TEST(SearchIndexOpen, MigratesVersion2ToDailyCounts) {
  ExpectMigratesFrom({kBackToVersion2});
}

TEST(SearchIndexOpen, MigratesVersion1IndexesToCoveringOnes) {
  // Back to version 1's narrow index, as a file made by an older build.
  ExpectMigratesFrom({kBackToVersion2,
                      "DROP INDEX crashes_date; CREATE INDEX crashes_date ON "
                      "crashes(date_processed); PRAGMA user_version = 1;"});
}

TEST(SearchIndexFunctions, RegisteredOnceAndCalledWithViews) {
  crashbox::testing::TempDir dir;
  auto index = OpenOrDie(dir / "s.sqlite");
  int calls = 0;
  auto twice_len = [&](std::span<const SqlArg> a) -> Value {
    ++calls;
    if (const auto* s = std::get_if<std::string_view>(&a[0])) {
      return static_cast<int64_t>(2 * s->size());
    }
    return std::monostate{};
  };
  ASSERT_TRUE(index->RegisterFunction("twice_len", 1, twice_len).ok());
  // A second registration changes nothing (the first stays).
  ASSERT_TRUE(index
                  ->RegisterFunction("twice_len", 1,
                                     [](std::span<const SqlArg>) -> Value {
                                       return int64_t{-1};
                                     })
                  .ok());
  std::vector<Value> params = {std::string("abc")};
  auto r = index->Query("SELECT twice_len(?1), twice_len(NULL)", params);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(std::get<int64_t>(r->rows[0][0]), 6);
  EXPECT_TRUE(IsNull(r->rows[0][1]));
  EXPECT_EQ(calls, 2);
  EXPECT_FALSE(index->RegisterFunction("bad", 9, twice_len).ok());
}

}  // namespace
}  // namespace crashbox::store::sqlite
