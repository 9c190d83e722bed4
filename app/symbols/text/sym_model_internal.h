// SPDX-License-Identifier: MPL-2.0
// Internal to app/symbols/text: what the parser keeps of a .sym text after
// applying Breakpad's load-time rules, ready for the blob writer. Names and
// rule strings are views into the text, which must outlive the model.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "app/base/byte_reader.h"
#include "app/base/status.h"
#include "app/symbols/stored/blob_format.h"
#include "app/symbols/text/big_buffer.h"
#include "app/symbols/text/sym_parser.h"

namespace crashbox::symbols::internal {

struct SymModel {
  struct Named {
    int32_t id;
    std::string_view name;
  };
  struct Function {
    uint64_t address;
    uint64_t size;
    std::string_view name;
    uint32_t parameter_size;
    bool multiple;
    uint32_t lines_begin, lines_count;
    uint32_t nodes_begin, nodes_count;
  };
  struct Public {
    uint64_t address;
    std::string_view name;
    uint32_t parameter_size;
    bool multiple;
  };
  struct CfiInit {
    uint64_t address;
    uint64_t size;
    std::string_view rules;
  };
  struct CfiDelta {
    uint64_t address;
    std::string_view rules;
  };
  struct WinFrame {
    uint64_t address = 0;
    uint64_t size = 0;
    uint32_t parent = blob::kNoParent;
    uint32_t prolog_size = 0, epilog_size = 0, parameter_size = 0;
    uint32_t saved_register_size = 0, local_size = 0, max_stack_size = 0;
    uint32_t flags = 0;
    std::string_view program_string;
  };

  std::string_view os, arch, debug_id, debug_file, code_id, code_file;
  std::vector<Named> files;         // sorted by id, unique
  std::vector<Named> origins;       // sorted by id, unique
  std::vector<Function> functions;  // sorted by address, non-overlapping
  // The bulk of a blob; allocated with room for the rest of it (kLinesOffset
  // bytes before, spare_bytes after) so WriteBlob can build the blob in place.
  BigArray<blob::LineRecord> lines;
  size_t spare_bytes = 0;
  std::vector<blob::InlineRecord> inline_records;
  std::vector<blob::RangeRecord> inline_ranges;
  std::vector<blob::TreeNode> inline_nodes;
  std::vector<Public> publics;    // sorted by address, unique
  std::vector<CfiInit> cfi_init;  // sorted by address, non-overlapping
  BigArray<CfiDelta> cfi_delta;   // sorted by address, unique
  std::array<std::vector<WinFrame>, blob::kWinTypeCount>
      win;  // pre-order trees
  blob::MetaRecord
      stats{};         // counters only; the StrRefs are filled by the writer
  uint32_t flags = 0;  // blob::kFlag*
};

// A converted blob in fresh memory (see big_buffer.h).
struct BlobBytes {
  BigBuffer buffer;
  size_t size = 0;
  ByteView bytes() const {
    return {reinterpret_cast<const uint8_t*>(buffer.data()), size};
  }
};

// Where the writer puts the line records: right after the header and the
// section table (which fit in this many bytes).
inline constexpr size_t kLinesOffset = 512;

// Serializes the model (blob_writer.cc), in model->lines' mapping when the
// blob fits there. kLimitExceeded when a count or the string pool does not
// fit the format's 32-bit fields.
Result<BlobBytes> WriteBlob(SymModel* model);

// ParseSymText without the copy into a std::string (sym_parser.cc).
Result<BlobBytes> ConvertSymText(ByteView text, const ParseOptions& options);

}  // namespace crashbox::symbols::internal
