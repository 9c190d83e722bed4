// SPDX-License-Identifier: MPL-2.0
#include "app/indexer/indexer.h"

#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/lmdb/crash_store.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::indexer {
namespace {

namespace fs = std::filesystem;
using store::sqlite::SearchIndex;

std::string Id(int i) {
  return fmt::format("00000000-0000-0000-0000-{:06d}261201", i);
}

std::string Processed(int i, std::string_view signature) {
  return fmt::format(
      R"({{"uuid":"{}","signature":"{}","product":"Firefox",)"
      R"("version":"128.0","date_processed":"2026-12-01T10:00:00.000000+00:00"}})",
      Id(i), signature);
}

class IndexerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::lmdb::EnvOptions o;
    o.path = (dir_.path() / "store").string();
    env_ = store::lmdb::Env::Open(o).value();
    store_ = std::make_unique<store::lmdb::LmdbCrashStore>(*env_);
  }
  void Import(int from, int to, std::string_view signature = "sig") {
    std::vector<store::CrashRecord> batch;
    for (int i = from; i < to; ++i)
      batch.push_back({Id(i), "", {}, Processed(i, signature)});
    ASSERT_TRUE(store_->PutNew(batch, nullptr).ok());
  }
  // Rows in the index with `signature` ("" = all), through Read().
  int64_t Count(Indexer& ix, std::string_view signature = "") {
    int64_t n = -1;
    Status s = ix.Read([&](SearchIndex& index) -> Status {
      std::vector<store::sqlite::Value> params;
      std::string sql = "SELECT count(*) FROM crashes";
      if (!signature.empty()) {
        sql += " WHERE signature = ?1";
        params.emplace_back(std::string(signature));
      }
      CB_ASSIGN_OR_RETURN(store::sqlite::QueryResult r,
                          index.Query(sql, params));
      n = std::get<int64_t>(r.rows.at(0).at(0));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
    return n;
  }
  IndexerOptions Options() {
    IndexerOptions o;
    o.path = path_;
    o.batch = 7;  // several batches per test
    o.idle_poll = std::chrono::milliseconds(5);
    o.retry_after = std::chrono::milliseconds(20);
    return o;
  }

  testing::TempDir dir_;
  fs::path path_ = dir_.path() / "search.sqlite";
  base::MetricsRegistry metrics_;
  std::unique_ptr<store::lmdb::Env> env_;
  std::unique_ptr<store::lmdb::LmdbCrashStore> store_;
};

TEST_F(IndexerTest, IndexesEveryStoredCrashAndItsNewVersion) {
  Indexer ix(*store_, metrics_, Options());
  ix.Start();
  Import(0, 30);
  ASSERT_TRUE(ix.WaitIdle(std::chrono::seconds(20)));
  EXPECT_EQ(Count(ix), 30);
  EXPECT_TRUE(store_->PendingIndex(1).value().empty());

  // Reprocessed: the processor stores a new version; the row moves.
  ASSERT_TRUE(store_->Enqueue(store::QueueName::kReprocessing, Id(3), "").ok());
  auto lease = store_->LeaseNext().value();
  ASSERT_TRUE(lease.has_value());
  ASSERT_TRUE(store_->Complete(*lease, Processed(3, "new | sig")).ok());
  ASSERT_TRUE(ix.WaitIdle(std::chrono::seconds(20)));
  EXPECT_EQ(Count(ix), 30);
  EXPECT_EQ(Count(ix, "new | sig"), 1);
  EXPECT_EQ(Count(ix, "sig"), 29);
  EXPECT_NE(metrics_.RenderPrometheus().find("indexer_indexed"),
            std::string::npos);
}

// Crashes stored while no indexer runs (or while the index is unusable) are
// indexed when it comes back: the entries wait in the store.
TEST_F(IndexerTest, CrashesStoredWhileStoppedAreIndexedOnStart) {
  {
    Indexer ix(*store_, metrics_, Options());
    ix.Start();
    Import(0, 5);
    ASSERT_TRUE(ix.WaitIdle(std::chrono::seconds(20)));
  }
  Import(5, 12);
  EXPECT_EQ(store_->PendingIndex(100).value().size(), 7u);
  Indexer ix(*store_, metrics_, Options());
  ix.Start();
  ASSERT_TRUE(ix.WaitIdle(std::chrono::seconds(20)));
  EXPECT_EQ(Count(ix), 12);
}

TEST_F(IndexerTest, RebuildsAMissingCorruptOrHalfBuiltIndex) {
  Import(0, 20);
  ASSERT_TRUE(store_->AckIndexed(store_->PendingIndex(100).value()).ok());
  // Missing file, processed crashes in the store.
  EXPECT_EQ(RebuildReason(*store_, path_), "the index file is missing");
  {
    Indexer ix(*store_, metrics_, Options());
    ix.Start();
    ASSERT_TRUE(ix.WaitIdle(std::chrono::seconds(20)));
    EXPECT_EQ(Count(ix), 20);
  }
  EXPECT_EQ(RebuildReason(*store_, path_), "");

  // Not a database.
  fs::remove(path_.string() + "-wal");
  fs::remove(path_.string() + "-shm");
  {
    std::ofstream f(path_, std::ios::trunc | std::ios::binary);
    f << std::string(8192, 'x');
  }
  EXPECT_NE(RebuildReason(*store_, path_).find("cannot be opened"),
            std::string::npos);
  {
    Indexer ix(*store_, metrics_, Options());
    ix.Start();
    ASSERT_TRUE(ix.WaitIdle(std::chrono::seconds(20)));
    EXPECT_EQ(Count(ix), 20);
  }

  // A rebuild cut short leaves its marker.
  { std::ofstream m(RebuildMarker(path_)); }
  EXPECT_EQ(RebuildReason(*store_, path_), "an earlier rebuild did not finish");
  {
    Indexer ix(*store_, metrics_, Options());
    ix.Start();
    ASSERT_TRUE(ix.WaitIdle(std::chrono::seconds(20)));
    EXPECT_EQ(Count(ix), 20);
  }
  EXPECT_FALSE(fs::exists(RebuildMarker(path_)));
}

TEST_F(IndexerTest, AnEmptyStoreNeedsNoRebuild) {
  EXPECT_EQ(RebuildReason(*store_, path_), "");
  Indexer ix(*store_, metrics_, Options());
  ix.Start();
  ASSERT_TRUE(ix.WaitIdle(std::chrono::seconds(20)));
  EXPECT_EQ(Count(ix), 0);
}

TEST_F(IndexerTest, ReadIsUnavailableUntilStartedAndAfterStop) {
  Indexer ix(*store_, metrics_, Options());
  Status s = ix.Read([](SearchIndex&) { return Status::Ok(); });
  EXPECT_EQ(s.code(), Status::Code::kUnavailable);
  ix.Start();
  ASSERT_TRUE(ix.WaitIdle(std::chrono::seconds(20)));
  EXPECT_TRUE(ix.Read([](SearchIndex&) { return Status::Ok(); }).ok());
  ix.Stop();
  s = ix.Read([](SearchIndex&) { return Status::Ok(); });
  EXPECT_EQ(s.code(), Status::Code::kUnavailable);
  EXPECT_NE(s.message().find("stopped"), std::string::npos);
}

// A stored processed crash that is not a JSON object can never be indexed:
// it is dropped with a log line, not retried forever, and does not hold up
// the crashes after it.
TEST_F(IndexerTest, AnUnparsableCrashIsDroppedNotRetried) {
  std::vector<store::CrashRecord> batch = {{Id(1), "", {}, "[1, 2"},
                                           {Id(2), "", {}, Processed(2, "s")}};
  ASSERT_TRUE(store_->PutNew(batch, nullptr).ok());
  auto index = SearchIndex::Open(path_, false).value();
  Result<size_t> n = IndexPending(*store_, *index, 10);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n.value(), 2u);
  EXPECT_TRUE(store_->PendingIndex(10).value().empty());
  EXPECT_EQ(index->Count().value(), 1);
  EXPECT_EQ(IndexPending(*store_, *index, 10).value(), 0u);
}

}  // namespace
}  // namespace crashbox::indexer
