// SPDX-License-Identifier: MPL-2.0
// Internal to app/symbols/stored: record access shared by symbol_file.cc and
// symbol_file_verify.cc.
#pragma once

#include <cstring>

#include "app/symbols/stored/symbol_file.h"

namespace crashbox::symbols {
namespace internal {

// Record size for each known section kind; 0 = unknown kind.
inline uint32_t RecordBytes(uint32_t kind) {
  switch (static_cast<blob::SectionKind>(kind)) {
    case blob::SectionKind::kStrings:
      return 1;
    case blob::SectionKind::kMeta:
      return sizeof(blob::MetaRecord);
    case blob::SectionKind::kFiles:
      return sizeof(blob::FileRecord);
    case blob::SectionKind::kInlineOrigins:
      return sizeof(blob::OriginRecord);
    case blob::SectionKind::kFunctions:
      return sizeof(blob::FunctionRecord);
    case blob::SectionKind::kLines:
      return sizeof(blob::LineRecord);
    case blob::SectionKind::kInlineRecords:
      return sizeof(blob::InlineRecord);
    case blob::SectionKind::kInlineRanges:
      return sizeof(blob::RangeRecord);
    case blob::SectionKind::kInlineNodes:
      return sizeof(blob::TreeNode);
    case blob::SectionKind::kPublics:
      return sizeof(blob::PublicRecord);
    case blob::SectionKind::kCfiInit:
      return sizeof(blob::CfiInitRecord);
    case blob::SectionKind::kCfiDelta:
      return sizeof(blob::CfiDeltaRecord);
    default:
      break;
  }
  if (kind >= static_cast<uint32_t>(blob::SectionKind::kWinFrames0) &&
      kind < static_cast<uint32_t>(blob::SectionKind::kWinFrames0) +
                 blob::kWinTypeCount) {
    return sizeof(blob::WinFrameRecord);
  }
  return 0;
}

}  // namespace internal

template <typename T>
inline T SymbolFile::Record(blob::SectionKind kind, uint64_t i) const {
  T out{};
  const Section& s = sections_[Index(kind)];
  if (i < s.count)
    std::memcpy(&out, blob_.data() + s.offset + i * sizeof(T), sizeof(T));
  return out;
}

inline uint64_t SymbolFile::Address(blob::SectionKind kind, uint64_t i) const {
  const Section& s = sections_[Index(kind)];
  uint64_t address = 0;
  if (i >= s.count) return address;
  std::memcpy(&address,
              blob_.data() + s.offset +
                  i * internal::RecordBytes(static_cast<uint32_t>(kind)),
              sizeof(address));
  return address;
}

}  // namespace crashbox::symbols
