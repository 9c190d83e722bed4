// SPDX-License-Identifier: MPL-2.0
#include "store/lmdb/crash_store.h"

#include <atomic>
#include <fstream>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "store/lmdb/keys.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::store::lmdb {
namespace {

constexpr char kId[] = "de1bb258-cbbf-4589-a673-34f800161017";

std::string Noise(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

class LmdbCrashStoreTest : public ::testing::Test {
 protected:
  void Open(EnvOptions opts = {}) {
    store_.reset();
    env_.reset();
    opts.path = (dir_ / "store").string();
    auto env = Env::Open(opts);
    ASSERT_TRUE(env.ok()) << env.status().ToString();
    env_ = std::move(env).value();
    store_ = std::make_unique<LmdbCrashStore>(*env_);
  }
  RawCrashRecord Crash(const std::string& id, size_t dump_bytes = 1000) {
    return RawCrashRecord{id,
                          R"({"ProductName":"Test"})",
                          {{"upload_file_minidump", Noise(dump_bytes, 1)},
                           {"memory_report", std::string(dump_bytes, 'm')}}};
  }
  testing::TempDir dir_;
  std::unique_ptr<Env> env_;
  std::unique_ptr<LmdbCrashStore> store_;
};

TEST(Keys, FollowSocorroLayout) {
  EXPECT_EQ(RawCrashKey(kId),
            "v1/raw_crash/20161017/de1bb258-cbbf-4589-a673-34f800161017");
  EXPECT_EQ(DumpKey(kId, "upload_file_minidump"),
            std::string("v1/dump/") + kId);
  EXPECT_EQ(DumpKey(kId, "memory_report"),
            std::string("v1/memory_report/") + kId);
  EXPECT_EQ(DumpNamesKey(kId), std::string("v1/dump_names/") + kId);
}

TEST_F(LmdbCrashStoreTest, RoundTripsRawCrashAndDumps) {
  Open();
  QueueName q = QueueName::kNormal;
  ASSERT_TRUE(store_->PutRaw(Crash(kId), &q).ok());
  EXPECT_EQ(store_->GetRawCrash(kId).value(), R"({"ProductName":"Test"})");
  EXPECT_EQ(
      store_->GetDumpNames(kId).value(),
      (std::vector<std::string>{"memory_report", "upload_file_minidump"}));
  EXPECT_EQ(store_->GetDump(kId, "upload_file_minidump").value(),
            Noise(1000, 1));
  EXPECT_EQ(store_->GetDump(kId, "memory_report").value(),
            std::string(1000, 'm'));
  EXPECT_EQ(store_->GetQueueDepths().value().normal, 1u);
}

TEST_F(LmdbCrashStoreTest, MissingCrashIsNotFound) {
  Open();
  EXPECT_EQ(store_->GetRawCrash(kId).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->GetDumpNames(kId).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(store_->GetDump(kId, "dump").status().code(),
            Status::Code::kNotFound);
}

TEST_F(LmdbCrashStoreTest, SurvivesReopenAndContinuesQueueSequence) {
  Open();
  QueueName q = QueueName::kNormal;
  ASSERT_TRUE(store_->PutRaw(Crash(kId), &q).ok());
  Open();
  ASSERT_TRUE(
      store_->PutRaw(Crash("00000000-0000-0000-0000-000000161017"), &q).ok());
  EXPECT_EQ(store_->GetQueueDepths().value().normal, 2u);
  EXPECT_TRUE(store_->GetRawCrash(kId).ok());
}

// Another writer of the same store (an import process beside the server)
// queues crashes this store object never hears of: its depths catch up at
// the next count, a couple of seconds later.
TEST_F(LmdbCrashStoreTest, QueueDepthsCatchUpWithAnotherWriter) {
  Open();
  QueueName q = QueueName::kNormal;
  ASSERT_TRUE(store_->PutRaw(Crash(kId), &q).ok());
  EXPECT_EQ(store_->GetQueueDepths().value().normal, 1u);
  LmdbCrashStore other(*env_);
  ASSERT_TRUE(
      other.PutRaw(Crash("00000000-0000-0000-0000-000000161017"), &q).ok());
  EXPECT_EQ(other.GetQueueDepths().value().normal, 2u);
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  EXPECT_EQ(store_->GetQueueDepths().value().normal, 2u);
}

TEST_F(LmdbCrashStoreTest, GrowsTheMapWhenFull) {
  EnvOptions opts;
  opts.initial_map_bytes = 1 << 20;
  Open(opts);
  for (int i = 0; i < 20; ++i) {
    std::string id = fmt::format("{:08x}-0000-0000-0000-000000161017", i);
    ASSERT_TRUE(store_->PutRaw(Crash(id, 200000), nullptr).ok()) << i;
  }
  EXPECT_GT(env_->GetStats().map_grows, 0u);
  EXPECT_EQ(store_
                ->GetDump("00000013-0000-0000-0000-000000161017",
                          "upload_file_minidump")
                .value(),
            Noise(200000, 1));
}

// Resident file-backed memory of this process, in bytes (/proc/self/status).
int64_t RssFileBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("RssFile:", 0) == 0) {
      return std::stoll(line.substr(8)) * 1024;  // "RssFile:  1234 kB"
    }
  }
  return -1;
}

// Reading the whole store maps every page of it; env.cc drops the mapping's
// resident pages every kReleaseMapEvery bytes, so the process's RSS stays
// far below the store's size, and what is read afterwards is still right.
TEST_F(LmdbCrashStoreTest, ReadingTheStoreDoesNotKeepItResident) {
  Open();
  constexpr int kCrashes = 48;
  constexpr size_t kDump = 1 << 20;  // incompressible: 48 MiB of pages
  auto id = [](int i) {
    return fmt::format("{:08x}-0000-0000-0000-000000161017", i);
  };
  for (int i = 0; i < kCrashes; ++i) {
    ASSERT_TRUE(store_->PutRaw(Crash(id(i), kDump), nullptr).ok()) << i;
  }
  const int64_t before = RssFileBytes();
  ASSERT_GE(before, 0);
  for (int i = 0; i < kCrashes; ++i) {
    auto dump = store_->GetDump(id(i), "upload_file_minidump");
    ASSERT_TRUE(dump.ok()) << dump.status().ToString();
    ASSERT_EQ(dump->size(), kDump);
  }
  EXPECT_GT(env_->GetStats().map_releases, 0u);
  EXPECT_LT(RssFileBytes() - before, int64_t{40} << 20);
  EXPECT_EQ(store_->GetDump(id(7), "upload_file_minidump").value(),
            Noise(kDump, 1));
}

TEST_F(LmdbCrashStoreTest, BoundedMapAnswersUnavailableAndKeepsEarlierCrashes) {
  EnvOptions opts;
  opts.initial_map_bytes = 1 << 20;
  opts.max_map_bytes = 4 << 20;
  Open(opts);
  Status last;
  int stored = 0;
  for (int i = 0; i < 40 && last.ok(); ++i) {
    last = store_->PutRaw(
        Crash(fmt::format("{:08x}-0000-0000-0000-000000161017", i), 300000),
        nullptr);
    if (last.ok()) ++stored;
  }
  EXPECT_EQ(last.code(), Status::Code::kUnavailable) << last.ToString();
  ASSERT_GT(stored, 0);
  EXPECT_TRUE(store_->GetRawCrash("00000000-0000-0000-0000-000000161017").ok());
}

TEST_F(LmdbCrashStoreTest, LoneWriteIsAnsweredAfterAnExplicitFlush) {
  Open();
  ASSERT_TRUE(
      store_
          ->PutRaw(Crash("00000000-0000-0000-0000-000000161018", 5000), nullptr)
          .ok());
  // Its commit flushed the data pages only (MDB_NOMETASYNC) and no later
  // commit came to flush its meta page, so the writer synced before answering.
  Env::Stats stats = env_->GetStats();
  EXPECT_EQ(stats.writes, 1u);
  EXPECT_EQ(stats.syncs, stats.commits);
}

TEST_F(LmdbCrashStoreTest, WriteThatChangesNothingNeedsNoFlush) {
  Open();
  // LMDB neither writes nor flushes such a commit, so it cannot flush an
  // earlier batch's meta page either: the writer must not count on it.
  ASSERT_TRUE(env_->Write(1, [](WriteTxn&) { return Status::Ok(); }).ok());
  EXPECT_EQ(env_->GetStats().syncs, 0u);
  ASSERT_TRUE(
      store_
          ->PutRaw(Crash("00000000-0000-0000-0000-000000161019", 5000), nullptr)
          .ok());
  EXPECT_EQ(env_->GetStats().syncs, 1u);
}

TEST_F(LmdbCrashStoreTest, ConcurrentPutsShareCommits) {
  Open();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        std::string id =
            fmt::format("{:08x}-{:04x}-0000-0000-000000161017", t, i);
        QueueName q = QueueName::kNormal;
        EXPECT_TRUE(store_->PutRaw(Crash(id, 5000), &q).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  Env::Stats stats = env_->GetStats();
  EXPECT_EQ(stats.writes, 200u);
  EXPECT_LT(stats.commits, 200u);  // group commit batched at least some
  EXPECT_GE(stats.syncs, 1u);      // the last batch was flushed explicitly
  EXPECT_LE(stats.syncs, stats.commits);
  EXPECT_EQ(store_->GetQueueDepths().value().normal, 200u);
}

TEST_F(LmdbCrashStoreTest, FailedWriteRollsBackOnlyItself) {
  Open();
  Status bad = env_->Write(1, [](WriteTxn& txn) -> Status {
    CB_RETURN_IF_ERROR(txn.Put(Db::kMeta, "half", "x"));
    return Status::InvalidArgument("changed my mind");
  });
  EXPECT_EQ(bad.code(), Status::Code::kInvalidArgument);
  Status found = env_->Read(
      [](ReadTxn& txn) { return txn.Get(Db::kMeta, "half").status(); });
  EXPECT_EQ(found.code(), Status::Code::kNotFound);
  EXPECT_TRUE(store_->CheckWritable().ok());
}

TEST_F(LmdbCrashStoreTest, LeasesPriorityFirstAndCompletesAtomically) {
  Open();
  QueueName normal = QueueName::kNormal;
  ASSERT_TRUE(
      store_->PutRaw(Crash("00000001-0000-0000-0000-000000161017"), &normal)
          .ok());
  ASSERT_TRUE(
      store_->PutRaw(Crash("00000002-0000-0000-0000-000000161017"), &normal)
          .ok());
  ASSERT_TRUE(store_
                  ->Enqueue(QueueName::kReprocessing,
                            "00000001-0000-0000-0000-000000161017",
                            "regenerate_signature")
                  .ok());
  ASSERT_TRUE(store_
                  ->Enqueue(QueueName::kPriority,
                            "00000002-0000-0000-0000-000000161017", "")
                  .ok());
  EXPECT_EQ(store_->GetQueueDepths().value().total(), 4u);

  auto a = store_->LeaseNext().value();
  ASSERT_TRUE(a);
  EXPECT_EQ(a->queue, QueueName::kPriority);
  auto b = store_->LeaseNext().value();
  ASSERT_TRUE(b);
  EXPECT_EQ(b->queue, QueueName::kReprocessing);
  EXPECT_EQ(b->ruleset, "regenerate_signature");
  auto c = store_->LeaseNext().value();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->crash_id, "00000001-0000-0000-0000-000000161017");
  EXPECT_EQ(c->queue, QueueName::kNormal);

  ASSERT_TRUE(store_->Complete(*a, R"({"signature": "x"})").ok());
  EXPECT_EQ(
      store_->GetProcessed("00000002-0000-0000-0000-000000161017").value(),
      R"({"signature": "x"})");
  EXPECT_EQ(store_->GetProcessed("00000001-0000-0000-0000-000000161017")
                .status()
                .code(),
            Status::Code::kNotFound);
  EXPECT_EQ(store_->GetQueueDepths().value().total(), 3u);
  store_->Release(*b);
  auto again = store_->LeaseNext().value();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->seq, b->seq);
}

TEST_F(LmdbCrashStoreTest, LeasedWorkSurvivesARestart) {
  Open();
  QueueName normal = QueueName::kNormal;
  ASSERT_TRUE(store_->PutRaw(Crash(kId), &normal).ok());
  ASSERT_TRUE(store_->LeaseNext().value());
  EXPECT_FALSE(store_->LeaseNext().value());  // the only entry is leased
  Open();  // the process died before Complete
  auto e = store_->LeaseNext().value();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->crash_id, kId);
  ASSERT_TRUE(store_->Complete(*e, "").ok());
  EXPECT_FALSE(store_->LeaseNext().value());
  EXPECT_EQ(store_->GetQueueDepths().value().total(), 0u);
}

// An Env that runs `after_write` once a write has committed, before the
// writer's caller resumes: the moment a fast worker can act on new entries.
class HookedEnv final : public Env {
 public:
  explicit HookedEnv(Env& inner) : inner_(inner) {}
  Status Write(uint64_t bytes, std::function<Status(WriteTxn&)> fn) override {
    Status s = inner_.Write(bytes, std::move(fn));
    if (after_write && !in_hook_) {
      in_hook_ = true;
      after_write();
      in_hook_ = false;
    }
    return s;
  }
  Status Read(const std::function<Status(ReadTxn&)>& fn) override {
    return inner_.Read(fn);
  }
  Status RecentSpaceFailure(std::chrono::seconds w) const override {
    return inner_.RecentSpaceFailure(w);
  }
  Stats GetStats() const override { return inner_.GetStats(); }
  std::function<void()> after_write;

 private:
  Env& inner_;
  bool in_hook_ = false;
};

// Regression: a worker completing an entry before PutRaw counted it left the
// depth one too high forever (and callers waiting for an empty queue hung).
TEST_F(LmdbCrashStoreTest,
       DepthsStayExactWhenAWorkerCompletesBeforePutRawReturns) {
  Open();
  HookedEnv hooked(*env_);
  LmdbCrashStore store(hooked);
  int completed = 0;
  hooked.after_write = [&] {
    auto e = store.LeaseNext();
    if (e.ok() && e.value() && store.Complete(*e.value(), "").ok()) ++completed;
  };
  QueueName q = QueueName::kNormal;
  ASSERT_TRUE(store.PutRaw(Crash(kId), &q).ok());
  ASSERT_TRUE(store.Enqueue(QueueName::kReprocessing, kId, "").ok());
  EXPECT_EQ(completed, 2);
  EXPECT_EQ(store.GetQueueDepths().value().total(), 0u);
}

TEST_F(LmdbCrashStoreTest, WaitForWorkWakesOnEnqueue) {
  Open();
  std::thread producer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(store_->Enqueue(QueueName::kNormal, kId, "").ok());
  });
  auto started = std::chrono::steady_clock::now();
  store_->WaitForWork(std::chrono::seconds(10));
  EXPECT_LT(std::chrono::steady_clock::now() - started,
            std::chrono::seconds(5));
  producer.join();
}

TEST_F(LmdbCrashStoreTest, PutNewStoresOnlyAbsentCrashesAndQueuesRawOnly) {
  Open();
  const std::string a = "aaaaaaaa-cbbf-4589-a673-34f800161017";
  const std::string b = "bbbbbbbb-cbbf-4589-a673-34f800161018";
  const std::string c = "cccccccc-cbbf-4589-a673-34f800161019";
  ASSERT_TRUE(store_->PutRaw(Crash(a), nullptr).ok());  // present already
  std::vector<CrashRecord> batch = {
      {a, R"({"x":1})", {}, R"({"uuid":"a"})"},
      {b, R"({"ProductName":"B"})", {{"upload_file_minidump", "MDMP"}}, ""},
      {c, "", {}, R"({"uuid":"c","signature":"s"})"},
      {c, R"({"dup":1})", {}, ""},  // same id twice in one batch
  };
  QueueName q = QueueName::kNormal;
  auto stored = store_->PutNew(batch, &q);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored.value(), (std::vector<bool>{false, true, true, false}));
  EXPECT_EQ(store_->GetRawCrash(a).value(), R"({"ProductName":"Test"})");
  EXPECT_FALSE(store_->GetProcessed(a).ok());
  EXPECT_EQ(store_->GetDump(b, "upload_file_minidump").value(), "MDMP");
  EXPECT_EQ(store_->GetProcessed(c).value(), R"({"uuid":"c","signature":"s"})");
  EXPECT_FALSE(store_->GetRawCrash(c).ok());
  // Only b (raw, not processed) was queued.
  EXPECT_EQ(store_->GetQueueDepths()->normal, 1u);
  auto e = store_->LeaseNext();
  ASSERT_TRUE(e.ok() && e.value());
  EXPECT_EQ(e.value()->crash_id, b);
}

TEST_F(LmdbCrashStoreTest, ListsCrashIdsByPartSinceADateInPages) {
  Open();
  std::vector<std::string> ids = {
      "00000000-cbbf-4589-a673-34f800161019",
      "11111111-cbbf-4589-a673-34f800161017",
      "22222222-cbbf-4589-a673-34f800161018",
      "33333333-cbbf-4589-a673-34f800161018",
  };
  for (const std::string& id : ids)
    ASSERT_TRUE(store_->PutRaw(Crash(id, 10), nullptr).ok());
  QueueEntry fake;
  fake.crash_id = ids[1];
  ASSERT_TRUE(store_->Complete(fake, "{}").ok());

  auto all = store_->ListCrashIds(CrashPart::kRaw, "", "", 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value(),
            (std::vector<std::string>{ids[1], ids[2], ids[3], ids[0]}));
  auto since = store_->ListCrashIds(CrashPart::kRaw, "20161018", "", 100);
  EXPECT_EQ(since.value(), (std::vector<std::string>{ids[2], ids[3], ids[0]}));
  auto page1 = store_->ListCrashIds(CrashPart::kRaw, "20161018", "", 2);
  EXPECT_EQ(page1.value(), (std::vector<std::string>{ids[2], ids[3]}));
  auto page2 =
      store_->ListCrashIds(CrashPart::kRaw, "20161018", page1->back(), 2);
  EXPECT_EQ(page2.value(), (std::vector<std::string>{ids[0]}));
  auto processed = store_->ListCrashIds(CrashPart::kProcessed, "", "", 10);
  EXPECT_EQ(processed.value(), (std::vector<std::string>{ids[1]}));
  EXPECT_TRUE(
      store_->ListCrashIds(CrashPart::kProcessed, "20161018", "", 10)->empty());
}

// Every stored processed crash leaves an index entry in the same
// transaction; acknowledging removes exactly the entries read, so a crash
// reprocessed while the indexer worked on it is indexed again.
TEST_F(LmdbCrashStoreTest, StoredProcessedCrashesWaitForTheIndexUntilAcked) {
  Open();
  QueueName q = QueueName::kNormal;
  ASSERT_TRUE(store_->PutRaw(Crash(kId), &q).ok());
  EXPECT_TRUE(store_->PendingIndex(10).value().empty());  // not processed
  auto lease = store_->LeaseNext().value();
  ASSERT_TRUE(lease.has_value());
  ASSERT_TRUE(store_->Complete(*lease, R"({"signature":"a"})").ok());

  const std::string other = "00000000-0000-0000-0000-000000161018";
  std::vector<CrashRecord> imported = {{other, "", {}, R"({"a":1})"}};
  ASSERT_TRUE(store_->PutNew(imported, nullptr).ok());

  EXPECT_EQ(store_->CountCrashes(CrashPart::kProcessed).value(), 2u);
  EXPECT_EQ(store_->CountCrashes(CrashPart::kRaw).value(), 1u);
  std::vector<IndexEntry> pending = store_->PendingIndex(10).value();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].crash_id, kId);
  EXPECT_EQ(pending[1].crash_id, other);
  EXPECT_LT(pending[0].seq, pending[1].seq);
  EXPECT_EQ(store_->PendingIndex(1).value().size(), 1u);

  // Reprocessed after the indexer read the entries, before it acknowledged.
  ASSERT_TRUE(store_->Enqueue(QueueName::kReprocessing, kId, "").ok());
  lease = store_->LeaseNext().value();
  ASSERT_TRUE(store_->Complete(*lease, R"({"signature":"b"})").ok());
  ASSERT_TRUE(store_->AckIndexed(pending).ok());
  std::vector<IndexEntry> left = store_->PendingIndex(10).value();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].crash_id, kId);
  EXPECT_GT(left[0].seq, pending[1].seq);

  // Durable: the entry is still there after a reopen; acking twice is fine.
  Open();
  left = store_->PendingIndex(10).value();
  ASSERT_EQ(left.size(), 1u);
  ASSERT_TRUE(store_->AckIndexed(left).ok());
  ASSERT_TRUE(store_->AckIndexed(left).ok());
  EXPECT_TRUE(store_->PendingIndex(10).value().empty());
  // Index entries are not processing work.
  EXPECT_EQ(store_->GetQueueDepths().value().total(), 0u);
  EXPECT_FALSE(store_->LeaseNext().value().has_value());
}

}  // namespace
}  // namespace crashbox::store::lmdb
