// SPDX-License-Identifier: MPL-2.0
// LmdbCrashStore: CrashStore on the LMDB Env (key layout in keys.h).
// Blobs are packed (compressed when it pays) by the calling thread before the
// group commit, so compression runs in parallel on the request threads and
// the single writer only copies bytes.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>

#include "store/crash_store.h"
#include "store/lmdb/env.h"

namespace crashbox::store::lmdb {

class LmdbCrashStore final : public CrashStore {
 public:
  // `env` must outlive the store.
  explicit LmdbCrashStore(Env& env, uint64_t max_blob_bytes = 1ull << 30);

  Status PutRaw(const RawCrashRecord& crash, const QueueName* queue) override;
  Result<std::string> GetRawCrash(const std::string& crash_id) override;
  Result<std::vector<std::string>> GetDumpNames(
      const std::string& crash_id) override;
  Result<std::string> GetDump(const std::string& crash_id,
                              const std::string& name) override;
  Result<QueueDepths> GetQueueDepths() override;
  Status Enqueue(QueueName queue, const std::string& crash_id,
                 const std::string& ruleset) override;
  Result<std::optional<QueueEntry>> LeaseNext() override;
  Status Complete(const QueueEntry& entry,
                  const std::string& processed_json) override;
  void Release(const QueueEntry& entry) override;
  void WaitForWork(std::chrono::milliseconds timeout) override;
  Result<std::string> GetProcessed(const std::string& crash_id) override;
  Result<std::vector<bool>> PutNew(const std::vector<CrashRecord>& crashes,
                                   const QueueName* queue) override;
  Result<std::vector<IndexEntry>> PendingIndex(size_t limit) override;
  Status AckIndexed(const std::vector<IndexEntry>& entries) override;
  Result<std::vector<std::string>> ListCrashIds(CrashPart part,
                                                const std::string& since_date,
                                                const std::string& after_id,
                                                size_t limit) override;
  Result<uint64_t> CountCrashes(CrashPart part) override;
  Status CheckWritable() override;

 private:
  Result<std::string> GetBlob(Db db, const std::string& key);
  Result<QueueDepths> CountQueues();  // scans the queue database
  // Appends an entry to the queue named `prefix` inside a write transaction
  // (the writer thread).
  Status PutQueueEntry(WriteTxn& txn, std::string_view prefix,
                       const std::string& value);
  void CountEnqueued(QueueName queue, int64_t delta);
  void Recount();     // CountQueues() into depths_
  void NotifyWork();  // wakes WaitForWork() callers

  Env& env_;
  uint64_t max_blob_bytes_;
  // Lower bound for the next queue sequence number (only the writer thread
  // touches it): keeps sequence numbers rising in this process even when a
  // queue empties.
  uint64_t next_seq_ = 0;
  // Queue depths: counted when the store opens, then kept up to date by this
  // process's own writes, so health checks and /metrics never scan a long
  // backlog on every call. Another process (an import beside the server)
  // queues without telling this one, so the count is redone when it is
  // older than kRecountEvery and than 50 times the last count's duration
  // (a backlog of a million entries is not scanned every second).
  std::mutex depth_mu_;
  std::optional<QueueDepths> depths_;                 // guarded by depth_mu_
  std::chrono::steady_clock::time_point counted_at_;  // guarded by depth_mu_
  std::chrono::steady_clock::duration count_took_{};  // guarded by depth_mu_
  // Queue keys leased to workers of this process, and a wake-up for them.
  std::mutex lease_mu_;
  std::condition_variable work_cv_;
  std::set<std::string> leased_;  // guarded by lease_mu_
  uint64_t work_epoch_ = 0;  // guarded by lease_mu_; bumped on every enqueue
};

}  // namespace crashbox::store::lmdb
