// SPDX-License-Identifier: MPL-2.0
// ParseSymText: Breakpad .sym text → crashbox symbols blob (blob_format.h).
//
// The conversion applies Breakpad's BasicSourceLineResolver load rules, so
// that lookups on the blob answer exactly what minidump_stackwalk answers:
//  - Lines are split on \r and \n; empty lines are skipped. NUL bytes inside
//    the text become '_' (one parse error), trailing NULs are ignored.
//  - Malformed lines are skipped and counted (MetaRecord.parse_errors); like
//    Breakpad, parsing stops after more than 100 such errors and keeps what it
//    has (kFlagBailed); any error marks the module corrupt (kFlagCorrupt).
//    Bad INLINE / INLINE_ORIGIN lines are counted apart (inline_errors) and do
//    not count toward either. Breakpad never rejects a whole file for its
//    content, and neither does this.
//  - FUNC, line records and STACK CFI INIT ranges may not overlap: the first in
//    file order wins, later overlapping or zero-sized ones are silently
//    dropped (with their line records, for a FUNC). Duplicate PUBLIC addresses
//    are parse errors (first wins); PUBLIC at address 0 is ignored.
//  - FILE and INLINE_ORIGIN ids: first definition wins. STACK CFI deltas at
//    the same address: the last one wins.
//  - INLINE ranges nest by containment per FUNC (identical ranges nest inside
//    the earlier one); a level deeper than the previous INLINE + 1 is dropped.
//    Both INLINE formats are read (with and without the call-site file id).
//  - STACK WIN records nest by containment per type (0..4); identical or
//    partially overlapping ranges are dropped.
// Where Breakpad would crash (INLINE before any FUNC, "STACK CFI" with nothing
// after it) the line is counted as an error and skipped instead.
//
// Cost: one pass over the text, no per-line allocation; memory is about the
// size of the resulting blob plus the text.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "app/base/byte_reader.h"
#include "app/base/status.h"

namespace crashbox::symbols {

struct ParseOptions {
  // Texts larger than this are refused with kLimitExceeded (the blob format
  // addresses its string pool with 32-bit offsets).
  uint64_t max_text_bytes = uint64_t{3} << 30;
};

// Converts a .sym text. Fails only with kLimitExceeded (text or blob too
// large for the format); malformed content is tolerated as described above.
Result<std::string> ParseSymText(ByteView text,
                                 const ParseOptions& options = {});

// A converted blob left in the memory the conversion built it in, instead of
// being copied into a std::string as ParseSymText does: one blob-sized copy
// less at the peak of an upload.
class SymBlob {
 public:
  struct Impl;
  explicit SymBlob(std::unique_ptr<Impl> impl);
  ~SymBlob();
  SymBlob(SymBlob&&) noexcept;
  SymBlob& operator=(SymBlob&&) noexcept;
  ByteView bytes() const;

 private:
  std::unique_ptr<Impl> impl_;
};
// ParseSymText without the copy; the same errors.
Result<SymBlob> ParseSymTextToBlob(ByteView text,
                                   const ParseOptions& options = {});

}  // namespace crashbox::symbols
