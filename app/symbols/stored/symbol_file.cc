// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/stored/symbol_file.h"

#include "app/symbols/stored/symbol_file_internal.h"

#include <cstring>
#include <utility>

#include <fmt/format.h>

namespace crashbox::symbols {
namespace {

using K = blob::SectionKind;

constexpr uint32_t kMaxSections = 64;
// Inline chains deeper than this are cut (no real code nests this deep).
constexpr size_t kMaxInlineDepth = 1024;
constexpr std::string_view kNameOmitted = "<name omitted>";

K WinKind(WinFrameType type) {
  return static_cast<K>(static_cast<uint32_t>(K::kWinFrames0) +
                        static_cast<uint32_t>(type));
}

bool Contains(uint64_t base, uint64_t size, uint64_t address) {
  return address >= base && address - base < size;
}

}  // namespace

Result<SymbolFile> SymbolFile::Open(ByteView blob) {
  blob::Header h;
  if (blob.size() < sizeof(h)) {
    return Status::Corrupt(fmt::format(
        "symbols blob: {} bytes is shorter than the header", blob.size()));
  }
  std::memcpy(&h, blob.data(), sizeof(h));
  if (std::memcmp(h.magic, blob::kMagic, sizeof(h.magic)) != 0) {
    return Status::Corrupt("symbols blob: bad magic");
  }
  if (h.version != blob::kBlobVersion) {
    return Status::Corrupt(fmt::format("symbols blob: version {} (want {})",
                                       h.version, blob::kBlobVersion));
  }
  if (h.header_bytes != sizeof(h) || h.blob_bytes != blob.size()) {
    return Status::Corrupt(
        fmt::format("symbols blob: header says {} bytes, have {}", h.blob_bytes,
                    blob.size()));
  }
  if (h.section_count > kMaxSections ||
      sizeof(h) + uint64_t{h.section_count} * sizeof(blob::SectionEntry) >
          blob.size()) {
    return Status::Corrupt(
        fmt::format("symbols blob: bad section count {}", h.section_count));
  }
  SymbolFile file;
  file.blob_ = blob;
  file.flags_ = h.flags;
  bool seen[kSectionSlots] = {};
  for (uint32_t i = 0; i < h.section_count; ++i) {
    blob::SectionEntry e;
    std::memcpy(&e, blob.data() + sizeof(h) + i * sizeof(e), sizeof(e));
    uint32_t want = internal::RecordBytes(e.kind);
    if (want == 0) continue;  // a kind this reader does not know: ignore
    if (e.record_bytes != want || seen[e.kind]) {
      return Status::Corrupt(
          fmt::format("symbols blob: section {} has record size {} or repeats",
                      e.kind, e.record_bytes));
    }
    if (e.offset > blob.size() || e.count > (blob.size() - e.offset) / want) {
      return Status::Corrupt(fmt::format(
          "symbols blob: section {} ({} records at {}) exceeds {} bytes",
          e.kind, e.count, e.offset, blob.size()));
    }
    if (e.kind == static_cast<uint32_t>(K::kMeta) && e.count > 1) {
      return Status::Corrupt("symbols blob: more than one meta record");
    }
    seen[e.kind] = true;
    file.sections_[e.kind] = {e.offset, e.count};
  }
  return file;
}

Result<std::shared_ptr<const SymbolFile>> SymbolFile::OpenShared(
    ByteView blob, std::shared_ptr<const void> owner) {
  CB_ASSIGN_OR_RETURN(SymbolFile file, Open(blob));
  file.owner_ = std::move(owner);
  return std::make_shared<const SymbolFile>(std::move(file));
}

std::string_view SymbolFile::Str(blob::StrRef ref) const {
  const Section& s = sections_[Index(K::kStrings)];
  if (ref.offset > s.count || ref.length > s.count - ref.offset) return {};
  return {reinterpret_cast<const char*>(blob_.data() + s.offset + ref.offset),
          ref.length};
}

uint64_t SymbolFile::LastAtOrBelow(K kind, uint64_t begin, uint64_t end,
                                   uint64_t address) const {
  // Callers pass ranges already clipped to the section.
  uint64_t lo = begin, hi = end;  // first index with Address > address
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (Address(kind, mid) <= address) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo == begin ? end : lo - 1;
}

std::optional<blob::FunctionRecord> SymbolFile::FunctionAt(
    uint64_t address, bool* have_nearest, uint64_t* nearest_base) const {
  uint64_t n = sections_[Index(K::kFunctions)].count;
  uint64_t i = LastAtOrBelow(K::kFunctions, 0, n, address);
  *have_nearest = i != n;
  if (i == n) return std::nullopt;
  auto f = Record<blob::FunctionRecord>(K::kFunctions, i);
  *nearest_base = f.address;
  if (!Contains(f.address, f.size, address)) return std::nullopt;
  return f;
}

template <typename T>
std::string_view SymbolFile::NameById(K kind, int32_t id, bool* found) const {
  uint64_t lo = 0, hi = sections_[Index(kind)].count;
  while (lo < hi) {
    uint64_t mid = lo + (hi - lo) / 2;
    auto r = Record<T>(kind, mid);
    if (r.id == id) {
      *found = true;
      return Str(r.name);
    }
    if (r.id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  *found = false;
  return {};
}

std::string_view SymbolFile::FileName(int32_t id, bool* found) const {
  return NameById<blob::FileRecord>(K::kFiles, id, found);
}

std::string_view SymbolFile::OriginName(int32_t id, bool* found) const {
  return NameById<blob::OriginRecord>(K::kInlineOrigins, id, found);
}

std::optional<FunctionInfo> SymbolFile::FindFunction(uint64_t address) const {
  bool have_nearest = false;
  uint64_t nearest = 0;
  auto f = FunctionAt(address, &have_nearest, &nearest);
  if (!f) return std::nullopt;
  return FunctionInfo{Str(f->name), f->address, f->size, f->parameter_size,
                      (f->flags & blob::kFuncMultiple) != 0};
}

std::optional<PublicInfo> SymbolFile::FindPublic(uint64_t address) const {
  uint64_t n = sections_[Index(K::kPublics)].count;
  uint64_t i = LastAtOrBelow(K::kPublics, 0, n, address);
  if (i == n) return std::nullopt;
  auto p = Record<blob::PublicRecord>(K::kPublics, i);
  return PublicInfo{Str(p.name), p.address, p.parameter_size,
                    (p.flags & blob::kFuncMultiple) != 0};
}

std::optional<blob::LineRecord> SymbolFile::LineAt(
    const blob::FunctionRecord& f, uint64_t address) const {
  uint64_t lines = sections_[Index(K::kLines)].count;
  uint64_t b = f.lines_begin, e = b + f.lines_count;
  if (b > lines || f.lines_count > lines - b) return std::nullopt;
  uint64_t i = LastAtOrBelow(K::kLines, b, e, address);
  if (i == e) return std::nullopt;
  auto l = Record<blob::LineRecord>(K::kLines, i);
  if (!Contains(l.address, l.size, address)) return std::nullopt;
  return l;
}

std::optional<LineInfo> SymbolFile::FindLine(uint64_t address) const {
  bool have_nearest = false;
  uint64_t nearest = 0;
  auto f = FunctionAt(address, &have_nearest, &nearest);
  if (!f) return std::nullopt;
  auto l = LineAt(*f, address);
  if (!l) return std::nullopt;
  bool found = false;
  std::string_view file = FileName(l->file_id, &found);
  return LineInfo{file, l->line, l->address, l->size};
}

std::vector<InlineFrame> SymbolFile::FindInlineFrames(uint64_t address) const {
  return Symbolize(address, /*with_inlines=*/true).inlines;
}

SymbolizedAddress SymbolFile::Symbolize(uint64_t address,
                                        bool with_inlines) const {
  SymbolizedAddress out;
  bool have_nearest = false;
  uint64_t nearest_base = 0;
  std::optional<blob::FunctionRecord> f =
      FunctionAt(address, &have_nearest, &nearest_base);
  if (!f) {
    // A PUBLIC counts only above the start of the nearest FUNC below.
    std::optional<PublicInfo> p = FindPublic(address);
    if (p && (!have_nearest || p->address > nearest_base)) {
      out.has_function = true;
      out.from_public = true;
      out.function_name = p->name;
      out.function_base = p->address;
      out.is_multiple = p->is_multiple;
    }
    return out;
  }
  out.has_function = true;
  out.function_name = Str(f->name);
  out.function_base = f->address;
  out.is_multiple = (f->flags & blob::kFuncMultiple) != 0;
  if (std::optional<blob::LineRecord> l = LineAt(*f, address)) {
    bool found = false;
    std::string_view file = FileName(l->file_id, &found);
    if (found) out.source_file = file;
    out.source_line = l->line;
    out.source_line_base = l->address;
    out.has_line = true;
  }
  if (with_inlines) AddInlines(*f, address, &out);
  return out;
}

void SymbolFile::AddInlines(const blob::FunctionRecord& f, uint64_t address,
                            SymbolizedAddress* out) const {
  uint64_t total = sections_[Index(K::kInlineNodes)].count;
  uint64_t b = f.inline_nodes_begin, e = b + f.inline_nodes_count;
  if (b > total || f.inline_nodes_count > total - b) return;
  uint64_t cur = LastAtOrBelow(K::kInlineNodes, b, e, address);
  if (cur == e) return;
  // Climb from the last node starting at or below the address to the deepest
  // one containing it; its ancestors are the rest of the chain.
  std::vector<blob::TreeNode> chain;
  for (;;) {
    auto node = Record<blob::TreeNode>(K::kInlineNodes, cur);
    bool inside = Contains(node.address, node.size, address);
    if (inside) chain.push_back(node);
    if (node.parent == blob::kNoParent || chain.size() >= kMaxInlineDepth)
      break;
    uint64_t parent = b + node.parent;
    if (parent >= cur) break;  // corrupt: parents precede children
    cur = parent;
  }
  for (const blob::TreeNode& node : chain) {
    auto rec = Record<blob::InlineRecord>(K::kInlineRecords, node.payload);
    InlineFrame frame;
    bool found = false;
    std::string_view name = OriginName(rec.origin_id, &found);
    frame.function_name = found ? name : kNameOmitted;
    frame.source_line = rec.call_line;
    frame.source_file = out->source_file;
    if (rec.flags & blob::kInlineHasCallFile) {
      std::string_view file = FileName(rec.call_file_id, &found);
      if (found) frame.source_file = file;
    }
    uint64_t ranges = sections_[Index(K::kInlineRanges)].count;
    if (rec.ranges_begin <= ranges &&
        rec.ranges_count <= ranges - rec.ranges_begin) {
      for (uint64_t r = rec.ranges_begin;
           r < uint64_t{rec.ranges_begin} + rec.ranges_count; ++r) {
        auto range = Record<blob::RangeRecord>(K::kInlineRanges, r);
        if (address >= range.address &&
            address < range.address + range.size) {  // wraps as Breakpad's
          frame.function_base = range.address;
          break;
        }
      }
    }
    out->inlines.push_back(frame);
  }
  if (out->inlines.empty()) return;
  // Shift file/line outward by one frame (see the header).
  std::string_view parent_file = out->source_file;
  int32_t parent_line = out->source_line;
  out->source_file = out->inlines.back().source_file;
  out->source_line = out->inlines.back().source_line;
  for (InlineFrame& frame : out->inlines) {
    std::swap(frame.source_file, parent_file);
    std::swap(frame.source_line, parent_line);
  }
}

std::optional<CfiRecords> SymbolFile::FindCfiRecords(uint64_t address) const {
  uint64_t n = sections_[Index(K::kCfiInit)].count;
  uint64_t i = LastAtOrBelow(K::kCfiInit, 0, n, address);
  if (i == n) return std::nullopt;
  auto init = Record<blob::CfiInitRecord>(K::kCfiInit, i);
  if (!Contains(init.address, init.size, address)) return std::nullopt;
  CfiRecords out{init.address, init.size, Str(init.rules), {}};
  uint64_t deltas = sections_[Index(K::kCfiDelta)].count;
  uint64_t j = init.address == 0
                   ? 0
                   : LastAtOrBelow(K::kCfiDelta, 0, deltas, init.address - 1);
  j = (j == deltas) ? 0 : j + 1;  // first delta at or after the INIT start
  for (; j < deltas && Address(K::kCfiDelta, j) <= address; ++j) {
    out.delta_rules.push_back(
        Str(Record<blob::CfiDeltaRecord>(K::kCfiDelta, j).rules));
  }
  return out;
}

std::optional<CfiRules> SymbolFile::FindCfiRules(uint64_t address) const {
  std::optional<CfiRecords> records = FindCfiRecords(address);
  if (!records) return std::nullopt;
  CfiRules rules;
  if (!rules.Apply(records->init_rules)) return std::nullopt;
  for (std::string_view delta : records->delta_rules)
    rules.Apply(delta);  // failures ignored
  return rules;
}

std::optional<WinFrameInfo> SymbolFile::FindWinFrameInfo(
    uint64_t address, WinFrameType type) const {
  if (static_cast<uint32_t>(type) >= blob::kWinTypeCount) return std::nullopt;
  K kind = WinKind(type);
  uint64_t n = sections_[Index(kind)].count;
  uint64_t cur = LastAtOrBelow(kind, 0, n, address);
  if (cur == n) return std::nullopt;
  for (;;) {
    auto r = Record<blob::WinFrameRecord>(kind, cur);
    if (Contains(r.address, r.size, address)) {
      WinFrameInfo info;
      info.type = type;
      info.prolog_size = r.prolog_size;
      info.epilog_size = r.epilog_size;
      info.parameter_size = r.parameter_size;
      info.saved_register_size = r.saved_register_size;
      info.local_size = r.local_size;
      info.max_stack_size = r.max_stack_size;
      info.allocates_base_pointer =
          (r.flags & blob::kWinAllocatesBasePointer) != 0;
      if (r.flags & blob::kWinHasProgramString)
        info.program_string = Str(r.program_string);
      return info;
    }
    if (r.parent == blob::kNoParent || r.parent >= cur) return std::nullopt;
    cur = r.parent;
  }
}

std::optional<WinFrameInfo> SymbolFile::FindWindowsFrameInfo(
    uint64_t address) const {
  if (auto info = FindWinFrameInfo(address, WinFrameType::kFrameData))
    return info;
  if (auto info = FindWinFrameInfo(address, WinFrameType::kFpo)) return info;
  if (auto f = FindFunction(address)) {
    WinFrameInfo info;
    info.parameter_size_only = true;
    info.parameter_size = f->parameter_size;
    return info;
  }
  return std::nullopt;
}

ModuleInfo SymbolFile::module_info() const {
  auto m = Record<blob::MetaRecord>(K::kMeta, 0);
  return {Str(m.os),         Str(m.arch),    Str(m.debug_id),
          Str(m.debug_file), Str(m.code_id), Str(m.code_file)};
}

SymbolFileStats SymbolFile::stats() const {
  auto m = Record<blob::MetaRecord>(K::kMeta, 0);
  SymbolFileStats s;
  s.text_lines = m.text_lines;
  s.parse_errors = m.parse_errors;
  s.inline_errors = m.inline_errors;
  s.functions_dropped = m.functions_dropped;
  s.lines_dropped = m.lines_dropped;
  s.publics_dropped = m.publics_dropped;
  s.inlines_dropped = m.inlines_dropped;
  s.cfi_dropped = m.cfi_dropped;
  s.win_dropped = m.win_dropped;
  s.corrupt = (flags_ & blob::kFlagCorrupt) != 0;
  s.bailed = (flags_ & blob::kFlagBailed) != 0;
  return s;
}

}  // namespace crashbox::symbols
