// SPDX-License-Identifier: MPL-2.0
// Keeps the search index (store/sqlite, var/search.sqlite) current with the
// crash store, and hands out read connections to it.
//
// The store is the truth and the index is derived from it:
// - Every processed crash the store keeps leaves an index entry in the same
//   transaction (CrashStore::PendingIndex). The indexer thread reads entries
//   in batches, indexes the crashes in one SQLite transaction and only then
//   acknowledges the entries. A crash stored while the index is unavailable
//   (locked, disk full, being rebuilt) waits in the store; nothing is
//   skipped, not on kill -9 either: an entry is acknowledged after its
//   crash is committed to the index, so at worst a crash is indexed twice,
//   which replaces its row.
// - The collector never waits for the index: it is only the processor's
//   Complete() that writes an entry, and the indexer runs on its own thread.
// - A missing, corrupt or half-rebuilt index (a rebuild cut short leaves a
//   marker file) is rebuilt from the store in the background, with a log
//   line saying why; searches answer kUnavailable with the progress until
//   it is done, never from a half-empty index.
//
// Thread-safe: Read() from any thread; Start/Stop from one.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/base/metrics.h"
#include "app/base/status.h"
#include "store/crash_store.h"
#include "store/sqlite/search_index.h"

namespace crashbox::indexer {

// Reported while a rebuild runs: crashes indexed so far of `total`. Return
// false to abandon the rebuild (RebuildIndex then answers kUnavailable).
using ProgressFn = std::function<bool(uint64_t done, uint64_t total)>;

// Indexes up to `limit` pending crashes from `store` into `index` in one
// transaction, then acknowledges them. Returns the entries consumed (0 when
// none waits). A crash whose processed crash is gone is removed from the
// index; one whose JSON does not parse is logged and dropped (it could
// never be indexed). kCorrupt from the index means it must be rebuilt.
Result<size_t> IndexPending(store::CrashStore& store,
                            store::sqlite::SearchIndex& index, size_t limit);

// Rebuilds the index at `path` from every processed crash in `store`: writes
// a fresh file beside it and renames it over `path`, so a reader never sees
// a half-built index, and a marker file makes the next start finish the job
// when this one is cut short. Nothing may have `path` open. Entries pending
// before the call stay pending (indexing them again is harmless).
Status RebuildIndex(store::CrashStore& store, const std::filesystem::path& path,
                    const ProgressFn& progress);

// The marker file of a rebuild in progress (path + ".rebuilding").
std::filesystem::path RebuildMarker(const std::filesystem::path& path);

// Why the index at `path` must be rebuilt before use, or "" when it need
// not be: an unfinished rebuild, a missing file while the store holds
// processed crashes, a file SQLite cannot open (corrupt, not a database, a
// schema newer than this build), an empty index beside a non-empty store.
std::string RebuildReason(store::CrashStore& store,
                          const std::filesystem::path& path);

struct IndexerOptions {
  std::filesystem::path path;                   // var/search.sqlite
  size_t batch = 5000;                          // crashes per index transaction
  std::chrono::milliseconds idle_poll{200};     // check for work this often
  std::chrono::milliseconds retry_after{2000};  // after an index failure
};

class Indexer {
 public:
  // `store` and `metrics` must outlive the indexer.
  Indexer(store::CrashStore& store, base::MetricsRegistry& metrics,
          IndexerOptions options);
  ~Indexer();  // Stop()
  Indexer(const Indexer&) = delete;
  Indexer& operator=(const Indexer&) = delete;

  // Starts the thread: it rebuilds the index first when RebuildReason()
  // says so, then indexes pending crashes as they come. Returns at once.
  void Start();
  // Stops the thread after its current batch; entries not yet indexed stay
  // pending in the store. A rebuild in progress is abandoned (the marker
  // makes the next start redo it).
  void Stop();

  // Runs `fn` with a read-only connection to the index, pooled between
  // calls. kUnavailable (with how far a rebuild has got) while the index is
  // being rebuilt or cannot be opened.
  Status Read(const std::function<Status(store::sqlite::SearchIndex&)>& fn);

  // Grows with every commit to the index (and each reopening of it): an
  // answer computed from the index at one generation is current as long as
  // generation() still returns it (search::ResultCache).
  uint64_t generation() const { return generation_.load(); }

  // Blocks until no entry is pending and the index is ready, or `timeout`
  // passes (tests, import). True when caught up.
  bool WaitIdle(std::chrono::milliseconds timeout);

 private:
  void Run();
  Status RebuildNow(const std::string& reason);
  bool Stopping();
  void Sleep(std::chrono::milliseconds d);

  store::CrashStore& store_;
  base::MetricsRegistry& metrics_;
  IndexerOptions options_;
  std::thread thread_;

  std::mutex mu_;  // guards stop_, the pool and the state below
  std::condition_variable cv_;
  bool stop_ = false;
  bool ready_ = false;  // the index may be read
  bool idle_ = false;   // the last look found nothing pending
  uint64_t rebuild_done_ = 0, rebuild_total_ = 0;
  std::string unavailable_;  // why the index is not ready
  std::vector<std::unique_ptr<store::sqlite::SearchIndex>> pool_;

  // Readers hold it shared while they use a connection; a rebuild takes it
  // exclusively to swap files under no open connection.
  std::shared_mutex swap_mu_;
  std::unique_ptr<store::sqlite::SearchIndex> writer_;  // indexer thread only
  std::atomic<uint64_t> generation_{0};
};

}  // namespace crashbox::indexer
