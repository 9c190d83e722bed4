// SPDX-License-Identifier: MPL-2.0
// Export: writes stored crashes to a directory in Socorro's bucket layout
// (bucket_layout.h), what Importer reads back.
//
// - Per crash, in this order: each dump, v1/dump_names, the raw crash, the
//   processed crash. Raw before processed: an export cut short leaves at
//   worst a raw crash without its processed crash, which an import queues
//   for processing again, never a processed crash that hides a missing raw.
// - Crashes with a raw crash are exported in date order, then crashes that
//   only have a processed crash (stored by a JSON-lines import).
// - Never overwrites: a file already there with the same bytes counts as
//   `same` (so running an export again completes an interrupted one); one
//   with different bytes is reported, left alone, and fails its crash.
// - Reads the store in short read transactions, so it runs beside a server.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "app/base/status.h"
#include "app/transfer/bucket_layout.h"
#include "store/crash_store.h"

namespace crashbox::transfer {

struct ExportStats {
  uint64_t exported = 0;       // crashes whose files are all in place
  uint64_t failed = 0;         // crashes not (fully) exported, each reported
  uint64_t files_written = 0;  // new files
  uint64_t files_same = 0;     // files already there with the same bytes
};

struct ExportOptions {
  // Only crashes whose date partition (the submission day, from the id) is
  // on or after this YYYYMMDD; "" = all.
  std::string since_date;
  // A file or crash that failed, and why.
  std::function<void(const std::string& where, const std::string& message)>
      on_problem;
  // Called every `progress_every` crashes.
  std::function<void(const ExportStats&)> on_progress;
  uint64_t progress_every = 100;
};

// Exports into `root` (created if needed); `stats` is filled as it goes. A
// store read error other than a missing part stops the export and is
// returned.
Status ExportCrashes(store::CrashStore& store, const fs::path& root,
                     const ExportOptions& options, ExportStats* stats);

// "2026-12-05" or "20261205" → "20261205"; empty when neither.
std::string ParseSinceDate(std::string_view text);

}  // namespace crashbox::transfer
