// SPDX-License-Identifier: MPL-2.0
// Importer: loads crashes into the crash store from Socorro's bucket layout
// (bucket_layout.h) or from processed crashes as JSON lines.
//
// - A crash with a processed crash is stored as is: its processed JSON byte
//   for byte (signature and all), so it is not processed again.
// - A raw crash without one is stored with its dumps and queued for
//   processing on the normal queue, as the collector does with a submission.
// - An id already in the store (raw or processed) is skipped and counted;
//   nothing of it is read past that check or written.
// - A bad file (unreadable, not a regular file, invalid JSON, a name that is
//   not a crash id, a dump name that is not storable, over a size limit)
//   fails its crash alone: it is reported by path through `on_problem` and
//   the import goes on. A crash is stored whole or not at all.
// - Writes go in batches, one durable transaction each, while the next
//   batch is read and checked (two batches in flight by default). A store
//   failure (kUnavailable: disk or store full) stops the import; its batch
//   counts as failed.
// Not thread-safe; one Importer per import.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <istream>
#include <memory>
#include <string>
#include <vector>

#include "app/base/status.h"
#include "app/transfer/bucket_layout.h"
#include "store/crash_store.h"

namespace crashbox::transfer {

struct ImportStats {
  uint64_t imported = 0;  // crashes stored
  uint64_t present = 0;   // skipped: the store held the id already
  uint64_t failed = 0;    // crashes or lines not imported (each reported)
  uint64_t queued = 0;    // of the imported, raw crashes queued to process
};

struct ImportOptions {
  TransferLimits limits;
  // A batch is written when it holds this many crashes or bytes.
  size_t batch_crashes = 1024;
  uint64_t batch_bytes = 64ull << 20;
  // Batches being packed and written at once (each on its own thread).
  size_t inflight = 2;
  // A file (or "<stdin>:LINE") that failed, and why.
  std::function<void(const std::string& where, const std::string& message)>
      on_problem;
  // Called after each batch is written (progress on a terminal).
  std::function<void(const ImportStats&)> on_progress;
};

class Importer {
 public:
  // `store` must outlive the importer.
  Importer(store::CrashStore& store, ImportOptions options);

  // Imports every crash under DIR/v1/raw_crash (with its dumps and
  // processed crash) and every processed crash of DIR/v1/processed_crash
  // that has no raw crash there; `dir` may also be the v1/ directory itself.
  // kInvalidArgument when neither directory is there; the store's error
  // when a write failed (import stopped).
  Status ImportDirectory(const fs::path& dir);

  // Imports processed crashes, one JSON object a line, each naming its id in
  // `uuid` (or `crash_id`); blank lines are skipped. `name` labels problems
  // ("<stdin>:3"). The store's error when a write failed.
  Status ImportJsonLines(std::istream& in, const std::string& name);

  const ImportStats& stats() const { return stats_; }

 private:
  void ImportRawCrash(const fs::path& root, const std::string& date,
                      const fs::path& path);
  void ImportProcessedFile(const fs::path& path);
  bool IsPresent(const std::string& crash_id);
  void Fail(const std::string& where, const std::string& message);
  void Add(store::CrashRecord crash);
  // Hands the pending batch to a writer thread (after collecting the oldest
  // in flight when `inflight` batches are).
  Status Flush();
  // Waits for every batch in flight and counts their outcome; the first
  // store failure.
  Status Collect();
  // Waits for the oldest batch in flight.
  Status CollectOldest();

  store::CrashStore& store_;
  ImportOptions options_;
  ImportStats stats_;
  std::vector<store::CrashRecord> pending_;
  uint64_t pending_bytes_ = 0;
  struct InFlight {
    // Declared before `result`, whose destructor waits for the write that
    // reads the batch.
    std::unique_ptr<std::vector<store::CrashRecord>> batch;
    std::future<Result<std::vector<bool>>> result;
  };
  std::deque<InFlight> inflight_;  // oldest first
  Status stopped_;                 // a store failure: nothing more is read
};

}  // namespace crashbox::transfer
