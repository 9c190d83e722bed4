// SPDX-License-Identifier: MPL-2.0
// ReadZip: the entries of an untrusted zip archive held in memory, with the
// checks a symbol upload needs against zip bombs and path tricks. The only
// includer of libzip's zip.h.
//
// Whole-archive failures (the archive cannot be trusted at all) are errors,
// decided from the headers before any entry is decompressed:
//   kCorrupt         not a zip, truncated or inconsistent (libzip's
//                    consistency check), an unreadable header
//   kLimitExceeded   more entries than max_entries, more uncompressed bytes
//                    in total than max_total_bytes
//   kInvalidArgument no entries; an entry name that is absolute, holds "..",
//                    a backslash or a control character, or appears twice
// Per-entry problems only reject that entry: ZipEntry::error says why
// (entry_too_large, compression_ratio past max_ratio : 1, corrupt_entry for
// data failing its CRC or shorter than declared) and the data is left empty,
// so an upload can report it next to the good files. Entries are
// decompressed one at a time and never past their declared size.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "app/base/byte_reader.h"
#include "app/base/status.h"
#include "app/symsvc/upload_options.h"

namespace crashbox::symsvc {

struct ZipEntry {
  std::string name;  // as stored, '/'-separated
  std::string data;  // empty for directories and rejected entries
  bool is_dir = false;
  std::string error;  // non-empty: the entry was rejected, and why
};

// Calls `visit` for each entry in archive order, holding one entry's data at a
// time; an error from `visit` stops the walk and is returned.
Status ForEachZipEntry(ByteView zip, const ZipLimits& limits,
                       const std::function<Status(ZipEntry&)>& visit);
// All entries at once (tests, small archives).
Result<std::vector<ZipEntry>> ReadZip(ByteView zip, const ZipLimits& limits);

// Whether `name` is a safe relative path: not empty, not absolute, no "..",
// "." or empty components (except a trailing '/'), no backslash, NUL or
// control characters.
bool IsSafeEntryName(const std::string& name);

}  // namespace crashbox::symsvc
