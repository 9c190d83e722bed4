// SPDX-License-Identifier: MPL-2.0
// SymbolFile: address lookups over a symbols blob (blob_format.h), in place.
//
// All addresses are relative to the module's load address. Every answer is
// the one Breakpad's BasicSourceLineResolver gives for the .sym text the blob
// was converted from (see sym_parser.h for the load rules):
//  - Symbolize(): the FUNC containing the address; else the nearest PUBLIC at
//    or below it, but only when that PUBLIC lies above the start of the
//    nearest FUNC below the address. Line info and inline frames come only
//    with a FUNC.
//  - Inline frames are innermost first. As in Breakpad, the outer frame's
//    file/line become the call site of the outermost inline, each inline frame
//    gets the call site of the one inside it, and the innermost gets the line
//    record's file/line.
//  - FindCfiRules(): the STACK CFI INIT range containing the address, then
//    every delta at an address in [INIT start, address], in address order.
//  - FindWindowsFrameInfo(): STACK WIN type 4 (FRAME_DATA), else type 0 (FPO),
//    innermost containing record; else only the parameter size of the FUNC
//    containing the address.
//
// Lifetime and threads: a SymbolFile views the blob bytes and never copies
// them; the bytes must outlive it (OpenShared() takes a keep-alive owner).
// Returned string_views point into the blob. All methods are const and safe to
// call from many threads at once.
//
// Hostile blobs: Open() rejects a bad header or section table with kCorrupt
// (O(number of sections)). Lookups bounds-check every index and string they
// follow, so a corrupt body gives wrong or empty answers, never a bad read.
// VerifyDeep() checks the whole body in O(size) (use it once on blobs read
// from an untrusted place).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "app/base/byte_reader.h"
#include "app/base/status.h"
#include "app/symbols/eval/cfi_rules.h"
#include "app/symbols/stored/blob_format.h"

namespace crashbox::symbols {

struct FunctionInfo {
  std::string_view name;
  uint64_t address = 0;
  uint64_t size = 0;
  uint32_t parameter_size = 0;
  bool is_multiple =
      false;  // the "m" flag: identical code folded from several functions
};

struct PublicInfo {
  std::string_view name;
  uint64_t address = 0;
  uint32_t parameter_size = 0;
  bool is_multiple = false;
};

struct LineInfo {
  std::string_view file;  // empty when the FILE id is undefined
  int32_t line = 0;
  uint64_t address = 0;  // start of the line record
  uint64_t size = 0;
};

struct InlineFrame {
  std::string_view function_name;  // "<name omitted>" for an unknown origin
  uint64_t function_base = 0;  // start of the inline range holding the address
  std::string_view source_file;
  int32_t source_line = 0;
};

// What Breakpad's LookupAddress fills into a StackFrame.
struct SymbolizedAddress {
  bool has_function = false;  // a FUNC or PUBLIC matched
  bool from_public = false;
  std::string_view function_name;
  uint64_t function_base = 0;
  bool is_multiple = false;
  bool has_line = false;  // a line record matched (source_line_base is valid)
  std::string_view source_file;
  int32_t source_line = 0;
  uint64_t source_line_base = 0;
  std::vector<InlineFrame> inlines;  // innermost first
};

enum class WinFrameType : uint8_t {
  kFpo = 0,
  kTrap = 1,
  kTss = 2,
  kStandard = 3,
  kFrameData = 4
};

struct WinFrameInfo {
  WinFrameType type = WinFrameType::kFpo;
  // True when no STACK WIN record matched and only parameter_size (from the
  // FUNC) is known (Breakpad's VALID_PARAMETER_SIZE).
  bool parameter_size_only = false;
  uint32_t prolog_size = 0, epilog_size = 0, parameter_size = 0;
  uint32_t saved_register_size = 0, local_size = 0, max_stack_size = 0;
  bool allocates_base_pointer = false;
  std::string_view program_string;  // empty: use allocates_base_pointer
};

// The raw CFI records matching an address (FindCfiRules merges them).
struct CfiRecords {
  uint64_t init_address = 0;
  uint64_t init_size = 0;
  std::string_view init_rules;
  std::vector<std::string_view> delta_rules;  // in address order
};

struct ModuleInfo {
  std::string_view os, arch, debug_id, debug_file, code_id, code_file;
};

// Counters from the conversion (see blob::MetaRecord).
struct SymbolFileStats {
  uint64_t text_lines = 0, parse_errors = 0, inline_errors = 0;
  uint64_t functions_dropped = 0, lines_dropped = 0, publics_dropped = 0;
  uint64_t inlines_dropped = 0, cfi_dropped = 0, win_dropped = 0;
  bool corrupt =
      false;            // Breakpad would report the module's symbols as corrupt
  bool bailed = false;  // conversion stopped after too many errors
};

class SymbolFile {
 public:
  // Views `blob`; kCorrupt on a bad header, version or section table.
  static Result<SymbolFile> Open(ByteView blob);
  // Same, keeping `owner` (whatever holds the bytes) alive with the result.
  static Result<std::shared_ptr<const SymbolFile>> OpenShared(
      ByteView blob, std::shared_ptr<const void> owner);
  // Checks every reference, ordering and tree link; kCorrupt naming the first
  // problem found.
  Status VerifyDeep() const;

  std::optional<FunctionInfo> FindFunction(uint64_t address) const;
  // The PUBLIC at the highest address <= `address` (no FUNC precedence).
  std::optional<PublicInfo> FindPublic(uint64_t address) const;
  // The line record of the FUNC containing `address`.
  std::optional<LineInfo> FindLine(uint64_t address) const;
  // Inline frames at `address`, innermost first (empty outside any FUNC).
  std::vector<InlineFrame> FindInlineFrames(uint64_t address) const;
  // FUNC/PUBLIC choice, line and (when `with_inlines`) inline frames at once.
  SymbolizedAddress Symbolize(uint64_t address, bool with_inlines = true) const;

  std::optional<CfiRecords> FindCfiRecords(uint64_t address) const;
  // INIT rules with the deltas applied; nullopt without a covering INIT record
  // or when the INIT rule set is malformed (bad deltas are skipped).
  std::optional<CfiRules> FindCfiRules(uint64_t address) const;

  std::optional<WinFrameInfo> FindWinFrameInfo(uint64_t address,
                                               WinFrameType type) const;
  std::optional<WinFrameInfo> FindWindowsFrameInfo(uint64_t address) const;

  ModuleInfo module_info() const;
  SymbolFileStats stats() const;
  ByteView bytes() const { return blob_; }
  size_t function_count() const {
    return sections_[Index(blob::SectionKind::kFunctions)].count;
  }

 private:
  struct Section {
    uint64_t offset = 0;
    uint64_t count = 0;
  };
  static constexpr size_t kSectionSlots = 18;
  static constexpr size_t Index(blob::SectionKind k) {
    return static_cast<size_t>(k);
  }

  SymbolFile() = default;
  template <typename T>
  T Record(blob::SectionKind kind, uint64_t i) const;
  uint64_t Address(blob::SectionKind kind, uint64_t i) const;
  std::string_view Str(blob::StrRef ref) const;
  // Index of the last record with address <= `address` in [begin, end), or end.
  uint64_t LastAtOrBelow(blob::SectionKind kind, uint64_t begin, uint64_t end,
                         uint64_t address) const;
  std::optional<blob::FunctionRecord> FunctionAt(uint64_t address,
                                                 bool* have_nearest,
                                                 uint64_t* nearest_base) const;
  std::optional<blob::LineRecord> LineAt(const blob::FunctionRecord& f,
                                         uint64_t address) const;
  std::string_view FileName(int32_t id, bool* found) const;
  std::string_view OriginName(int32_t id, bool* found) const;
  // Binary search of a section of {id, name} records sorted by id.
  template <typename T>
  std::string_view NameById(blob::SectionKind kind, int32_t id,
                            bool* found) const;
  void AddInlines(const blob::FunctionRecord& f, uint64_t address,
                  SymbolizedAddress* out) const;
  Status VerifyTree(blob::SectionKind kind, uint64_t begin,
                    uint64_t count) const;

  ByteView blob_;
  Section sections_[kSectionSlots];
  uint32_t flags_ = 0;
  std::shared_ptr<const void> owner_;
};

}  // namespace crashbox::symbols
