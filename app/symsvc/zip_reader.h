// SPDX-License-Identifier: MPL-2.0
// ReadZip: the entries of an untrusted zip archive held in memory, with the
// checks a symbol upload needs against zip bombs and path tricks. The only
// includer of libzip's zip.h.
//
// Whole-archive failures (the archive cannot be trusted at all) are errors:
//   kCorrupt         not a zip, truncated, inconsistent, or an entry whose
//                    data fails its CRC / is shorter than declared
//   kLimitExceeded   more entries than max_entries, more uncompressed bytes
//                    in total than max_total_bytes
//   kInvalidArgument an entry name that is absolute, holds "..", a backslash
//                    or a NUL, or that appears twice
// Per-entry limits (one entry too large, or compressed more than
// max_ratio : 1) only reject that entry: ZipEntry::error says why and the
// data is left empty, so an upload can report it next to the good files.
// Entries are decompressed one at a time and never past their cap, whatever
// sizes the archive declares.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/base/byte_reader.h"
#include "app/base/status.h"

namespace crashbox::symsvc {

struct ZipLimits {
  uint64_t max_entries = 100000;
  uint64_t max_entry_bytes = uint64_t{2} << 30;   // uncompressed, per entry
  uint64_t max_total_bytes = uint64_t{8} << 30;   // uncompressed, all entries
  uint64_t max_ratio = 200;                       // uncompressed / compressed
};

struct ZipEntry {
  std::string name;   // as stored, '/'-separated
  std::string data;   // empty for directories and rejected entries
  bool is_dir = false;
  std::string error;  // non-empty: the entry was rejected, and why
};

Result<std::vector<ZipEntry>> ReadZip(ByteView zip, const ZipLimits& limits);

// Whether `name` is a safe relative path: not empty, not absolute, no "..",
// "." or empty components (except a trailing '/'), no backslash, NUL or
// control characters.
bool IsSafeEntryName(const std::string& name);

}  // namespace crashbox::symsvc
