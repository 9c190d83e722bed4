// SPDX-License-Identifier: MPL-2.0
// The symbols blob: crashbox's compact, pre-indexed form of one Breakpad .sym
// file, looked up in place (from a memory map or an LMDB value) with no
// parsing. Owned here; the LMDB `symbols` database stores these bytes as is.
//
// Layout (all integers little-endian, no alignment required: every read goes
// through memcpy, so a blob may start at any address):
//
//   Header       64 bytes   magic "CBSYMBL\0", version, header size, blob size,
//                           section count, flags
//   SectionEntry × count    {kind, record size, offset, record count}
//   sections                each an array of fixed-size records (offsets are
//                           from the blob start; the writer pads sections to 8)
//
// Every string is a StrRef {offset, length} into the kStrings section. Every
// record array is sorted by address as documented per kind below, so lookups
// are binary searches. Open() checks the header and section table; lookups
// bounds-check every index and string they follow, so a hostile blob yields
// "not found" or garbage names, never an out-of-bounds read. VerifyDeep()
// checks everything (references, sortedness, tree shape) once.
//
// Any change to a record layout or a field's meaning bumps kBlobVersion;
// readers reject other versions (kCorrupt) and callers reconvert the text.
#pragma once

#include <cstdint>
#include <type_traits>

namespace crashbox::symbols::blob {

inline constexpr char kMagic[8] = {'C', 'B', 'S', 'Y', 'M', 'B', 'L', '\0'};
inline constexpr uint32_t kBlobVersion = 1;
inline constexpr uint32_t kNoParent = 0xFFFFFFFFu;

// Header.flags bits.
inline constexpr uint32_t kFlagCorrupt =
    1;  // Breakpad would mark the module "corrupt"
inline constexpr uint32_t kFlagBailed =
    2;  // parsing stopped after too many errors

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t header_bytes;  // sizeof(Header)
  uint64_t blob_bytes;    // must equal the size of the view handed to Open()
  uint32_t section_count;
  uint32_t flags;
  uint8_t reserved[32];
};

enum class SectionKind : uint32_t {
  kStrings = 1,        // record size 1: the string pool
  kMeta = 2,           // exactly one MetaRecord
  kFiles = 3,          // FileRecord, sorted by id, unique
  kInlineOrigins = 4,  // OriginRecord, sorted by id, unique
  kFunctions = 5,      // FunctionRecord, sorted by address, non-overlapping
  kLines = 6,          // LineRecord; per function a sorted, non-overlapping run
  kInlineRecords = 7,  // InlineRecord (one per INLINE line kept)
  kInlineRanges = 8,   // RangeRecord; per InlineRecord a run, in file order
  kInlineNodes = 9,    // TreeNode; per function a pre-order containment tree
  kPublics = 10,       // PublicRecord, sorted by address, unique
  kCfiInit = 11,       // CfiInitRecord, sorted by address, non-overlapping
  kCfiDelta = 12,      // CfiDeltaRecord, sorted by address, unique
  kWinFrames0 = 13,    // WinFrameRecord for STACK WIN type 0..4: kWinFrames0 +
                       // type, each a pre-order containment tree
};
inline constexpr uint32_t kWinTypeCount = 5;

struct SectionEntry {
  uint32_t kind;
  uint32_t record_bytes;
  uint64_t offset;
  uint64_t count;
};

struct StrRef {
  uint32_t offset;
  uint32_t length;
};

struct MetaRecord {
  StrRef os, arch, debug_id, debug_file, code_id,
      code_file;        // MODULE / INFO CODE_ID
  uint64_t text_lines;  // non-empty lines seen
  uint64_t
      parse_errors;  // Breakpad's num_errors (decides "corrupt" and bailing)
  uint64_t
      inline_errors;  // bad INLINE / INLINE_ORIGIN lines (not counted above)
  uint64_t functions_dropped;  // FUNC overlapping an earlier FUNC, or size 0
  uint64_t
      lines_dropped;  // line records overlapping, size 0, or in a dropped FUNC
  uint64_t publics_dropped;  // PUBLIC at address 0
  uint64_t inlines_dropped;  // INLINE ranges rejected by the containment rules
  uint64_t cfi_dropped;  // STACK CFI INIT overlapping an earlier one, or size 0
  uint64_t win_dropped;  // STACK WIN rejected by the containment rules
};

struct FileRecord {
  int32_t id;
  StrRef name;
};

struct OriginRecord {
  int32_t id;
  StrRef name;
};

inline constexpr uint32_t kFuncMultiple = 1;

struct FunctionRecord {
  uint64_t address;
  uint64_t size;
  StrRef name;
  uint32_t parameter_size;
  uint32_t flags;  // kFuncMultiple
  uint32_t lines_begin;
  uint32_t lines_count;
  uint32_t inline_nodes_begin;
  uint32_t inline_nodes_count;
};

struct LineRecord {
  uint64_t address;
  uint64_t size;
  int32_t line;
  int32_t file_id;
};

inline constexpr uint32_t kInlineHasCallFile = 1;

struct InlineRecord {
  int32_t origin_id;
  int32_t call_line;
  int32_t call_file_id;  // valid with kInlineHasCallFile (new INLINE format)
  uint32_t flags;
  uint32_t ranges_begin;
  uint32_t ranges_count;
};

struct RangeRecord {
  uint64_t address;
  uint64_t size;
};

// A node of a containment tree stored in pre-order: a parent precedes its
// children, and `parent` (an index relative to the tree's first node, or
// kNoParent) is always smaller than the node's own index.
struct TreeNode {
  uint64_t address;
  uint64_t size;
  uint32_t parent;
  uint32_t payload;  // kInlineNodes: index into kInlineRecords
};

struct PublicRecord {
  uint64_t address;
  StrRef name;
  uint32_t parameter_size;
  uint32_t flags;  // kFuncMultiple
};

struct CfiInitRecord {
  uint64_t address;
  uint64_t size;
  StrRef rules;
};

struct CfiDeltaRecord {
  uint64_t address;
  StrRef rules;
};
inline constexpr uint32_t kWinAllocatesBasePointer = 1;
inline constexpr uint32_t kWinHasProgramString = 2;

struct WinFrameRecord {
  uint64_t address;
  uint64_t size;
  uint32_t parent;  // relative to the section start, or kNoParent
  uint32_t prolog_size;
  uint32_t epilog_size;
  uint32_t parameter_size;
  uint32_t saved_register_size;
  uint32_t local_size;
  uint32_t max_stack_size;
  uint32_t flags;  // kWinAllocatesBasePointer, kWinHasProgramString
  StrRef program_string;
};

#define CB_BLOB_RECORD(T, n) \
  static_assert(sizeof(T) == (n) && std::has_unique_object_representations_v<T>)
CB_BLOB_RECORD(Header, 64);
CB_BLOB_RECORD(SectionEntry, 24);
CB_BLOB_RECORD(MetaRecord, 120);
CB_BLOB_RECORD(FileRecord, 12);
CB_BLOB_RECORD(OriginRecord, 12);
CB_BLOB_RECORD(FunctionRecord, 48);
CB_BLOB_RECORD(LineRecord, 24);
CB_BLOB_RECORD(InlineRecord, 24);
CB_BLOB_RECORD(RangeRecord, 16);
CB_BLOB_RECORD(TreeNode, 24);
CB_BLOB_RECORD(PublicRecord, 24);
CB_BLOB_RECORD(CfiInitRecord, 24);
CB_BLOB_RECORD(CfiDeltaRecord, 16);
CB_BLOB_RECORD(WinFrameRecord, 56);
#undef CB_BLOB_RECORD

}  // namespace crashbox::symbols::blob
