// SPDX-License-Identifier: MPL-2.0
// CrashStore: where raw crashes, their dumps and the processing queue live.
//
// Contract shared by every implementation (LMDB, and later S3 mirrors):
// - PutRaw is durable when it returns OK: the raw crash, every dump, the dump
//   names and the queue entry were committed together (one transaction), so
//   after a crash of the process either all of them exist or none does. This
//   is what lets the collector answer `CrashID=` only after PutRaw returns.
// - Keys follow Socorro's bucket layout (store/lmdb/keys.h).
// - Thread-safe: any number of threads may call any method concurrently.
//   Concurrent PutRaw calls are batched into one commit (group commit).
// Errors: kNotFound (no such crash or dump), kUnavailable (store full or
// disk full: retry later; nothing was written), kCorrupt (stored bytes do
// not decode), kIoError (anything else from the OS).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/base/status.h"

namespace crashbox::store {

// Processing queues, highest priority first.
enum class QueueName : uint8_t { kPriority, kReprocessing, kNormal };
std::string_view QueueNameString(QueueName q);

struct Dump {
  std::string name;   // sanitized dump name, e.g. "upload_file_minidump"
  std::string bytes;  // as received
};

struct RawCrashRecord {
  std::string crash_id;  // validated xxxxxxxx-...-xxxxxxTYYMMDD
  std::string raw_json;  // the raw crash document (annotations + metadata)
  std::vector<Dump> dumps;
};

// One queued unit of processing work. `seq` orders entries within a queue.
struct QueueEntry {
  QueueName queue = QueueName::kNormal;
  uint64_t seq = 0;
  std::string crash_id;
  std::string ruleset;  // "" = default
};

// Everything stored under one crash id, as Socorro's bucket holds it (import
// and export, app/transfer).
struct CrashRecord {
  std::string crash_id;
  std::string raw_json;        // "" = no raw crash (a processed crash alone)
  std::vector<Dump> dumps;     // stored only with a raw crash
  std::string processed_json;  // "" = not processed
};

// Which part of the stored crashes ListCrashIds walks.
enum class CrashPart : uint8_t { kRaw, kProcessed };

// One crash waiting for the search index: written with its processed crash
// (Complete, PutNew) in the same transaction, so a crash stored is a crash
// that will be indexed, whatever happens to the index or the process.
struct IndexEntry {
  uint64_t seq = 0;  // orders entries; a reprocessed crash gets a new one
  std::string crash_id;
};

struct QueueDepths {
  uint64_t priority = 0;
  uint64_t reprocessing = 0;
  uint64_t normal = 0;
  uint64_t total() const { return priority + reprocessing + normal; }
};

class CrashStore {
 public:
  virtual ~CrashStore() = default;

  // Stores the crash and, unless `queue` is null, enqueues its id for
  // processing; durable on OK (see above). Overwrites an existing crash with
  // the same id (as Socorro's storage does).
  virtual Status PutRaw(const RawCrashRecord& crash,
                        const QueueName* queue) = 0;

  virtual Result<std::string> GetRawCrash(const std::string& crash_id) = 0;
  // Sorted dump names of a crash; kNotFound when the crash does not exist.
  virtual Result<std::vector<std::string>> GetDumpNames(
      const std::string& crash_id) = 0;
  virtual Result<std::string> GetDump(const std::string& crash_id,
                                      const std::string& name) = 0;

  virtual Result<QueueDepths> GetQueueDepths() = 0;

  // Processing queue. Entries stay stored until completed, so work leased by
  // a process that dies is leased again after a restart.
  // Adds `crash_id` (with an optional ruleset) to `queue`; durable on OK.
  virtual Status Enqueue(QueueName queue, const std::string& crash_id,
                         const std::string& ruleset) = 0;
  // The oldest entry not leased by this process, priority first, then
  // reprocessing, then normal; nullopt when there is none.
  virtual Result<std::optional<QueueEntry>> LeaseNext() = 0;
  // Stores the processed crash and removes the entry in one durable
  // transaction. An empty `processed_json` only removes the entry.
  virtual Status Complete(const QueueEntry& entry,
                          const std::string& processed_json) = 0;
  // Gives a lease back without completing it (shutdown).
  virtual void Release(const QueueEntry& entry) = 0;
  // Blocks until work may be available or `timeout` passes.
  virtual void WaitForWork(std::chrono::milliseconds timeout) = 0;

  // The processed crash JSON; kNotFound when the crash was not processed.
  virtual Result<std::string> GetProcessed(const std::string& crash_id) = 0;

  // Import: stores each crash the store does not hold yet (neither a raw nor
  // a processed crash under its id), all of it or nothing, and queues on
  // `queue` (unless null) each stored crash that has a raw crash and no
  // processed one. One durable transaction for the whole batch, so a bulk
  // import pays one fsync per batch. Returns, in order, true for a crash
  // stored and false for one already present (nothing of it written).
  // kUnavailable when the store or disk is full (nothing written).
  virtual Result<std::vector<bool>> PutNew(
      const std::vector<CrashRecord>& crashes, const QueueName* queue) = 0;

  // Search indexing. The oldest entries waiting (at most `limit`), oldest
  // first; a crash stored twice before it was indexed has two. Entries stay
  // until acknowledged, across restarts.
  virtual Result<std::vector<IndexEntry>> PendingIndex(size_t limit) = 0;
  // Removes these entries once their crashes are indexed. Entries added
  // since (the crash reprocessed meanwhile) stay, so the newer version is
  // indexed too.
  virtual Status AckIndexed(const std::vector<IndexEntry>& entries) = 0;

  // Export: ids of stored crashes that have a raw crash (kRaw; in date, then
  // id order) or a processed crash (kProcessed; in id order) whose date
  // partition (YYYYMMDD, from the id) is >= `since_date` ("" = all), after
  // `after_id` ("" = from the first), at most `limit`. Each call is one short
  // read transaction, so a caller pages through a large store beside a
  // running server.
  virtual Result<std::vector<std::string>> ListCrashIds(
      CrashPart part, const std::string& since_date,
      const std::string& after_id, size_t limit) = 0;

  // How many crashes have a raw (kRaw) or a processed (kProcessed) crash;
  // constant time (progress bars, "is the store empty").
  virtual Result<uint64_t> CountCrashes(CrashPart part) = 0;

  // Writes and removes a probe key in its own durable transaction: proves the
  // store is writable right now (the heartbeat's check). Also kUnavailable
  // while crash writes recently failed for lack of space, even if a probe fits.
  virtual Status CheckWritable() = 0;
};

}  // namespace crashbox::store
