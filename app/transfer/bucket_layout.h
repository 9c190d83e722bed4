// SPDX-License-Identifier: MPL-2.0
// Socorro's bucket layout on a filesystem (SOCORRO.md §1.8), as `aws s3 sync`
// of a Socorro crash bucket leaves it:
//
//   v1/raw_crash/<YYYYMMDD>/<crash_id>   raw crash JSON
//   v1/dump_names/<crash_id>             JSON list of dump names
//   v1/dump/<crash_id>                   the upload_file_minidump bytes
//   v1/<dump_name>/<crash_id>            every other dump
//   v1/processed_crash/<crash_id>        processed crash JSON
//
// <YYYYMMDD> is "20" + the last six characters of the crash id. Paths are
// built only from validated crash ids and dump names (IsStorableDumpName), so
// no name read from a file can point outside the tree.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "app/base/status.h"

namespace crashbox::transfer {

namespace fs = std::filesystem;

// Bounds on what one crash may hold. The defaults are the collector's own
// limits (a crash it would accept fits), the JSON caps the processor's.
struct TransferLimits {
  // One dump, and all dumps of a crash together
  // (CRASHBOX_MAX_DECOMPRESSED_BYTES).
  uint64_t max_dump_bytes = 250ull << 20;
  uint64_t max_crash_bytes = 250ull << 20;
  size_t max_dumps = 1000;  // CRASHBOX_MAX_PARTS
  // Raw crash JSON (CRASHBOX_PROCESSOR_MAX_RAW_CRASH_BYTES) and processed
  // crash JSON (a json_dump of thousands of threads stays far below).
  uint64_t max_raw_json_bytes = 32ull << 20;
  uint64_t max_processed_json_bytes = 64ull << 20;
  // The dump_names file.
  uint64_t max_dump_names_bytes = 64ull << 10;
};

// "20" + the id's last six characters.
std::string CrashDate(std::string_view crash_id);
// Socorro's crash id shape (any throttle digit).
bool IsCrashId(std::string_view id);
// A dump name the collector would store: [A-Za-z0-9_]{1,30}, not one of the
// layout's own directories nor "dump" (the collector's rule, so a name never
// lands on another file).
bool IsStorableDumpName(std::string_view name);

fs::path RawCrashPath(const fs::path& root, std::string_view crash_id);
fs::path DumpNamesPath(const fs::path& root, std::string_view crash_id);
// upload_file_minidump is stored as v1/dump/<id>.
fs::path DumpPath(const fs::path& root, std::string_view crash_id,
                  std::string_view dump_name);
fs::path ProcessedPath(const fs::path& root, std::string_view crash_id);

// Reads a regular file of at most `max_bytes`: kLimitExceeded when longer,
// kInvalidArgument when not a regular file (a FIFO or device never blocks
// or streams forever), kNotFound when absent, kIoError otherwise. Messages
// do not repeat the path (callers report it).
Result<std::string> ReadBoundedFile(const fs::path& path, uint64_t max_bytes);

enum class WriteOutcome { kWritten, kSame };
// Writes `bytes` to `path` (creating its directory) unless a file is there:
// kSame when it holds exactly these bytes, kInvalidArgument ("exists with
// different contents") otherwise, never replacing it. The file appears
// whole (written beside it, then linked into place), so an interrupted
// export leaves no half-written file under a crash's name.
Result<WriteOutcome> WriteNewFile(const fs::path& path, std::string_view bytes);

// A JSON list of strings as Socorro writes it: ["a", "b"].
std::string DumpNamesJson(const std::vector<std::string>& names);

}  // namespace crashbox::transfer
