// SPDX-License-Identifier: MPL-2.0
// SymbolFile::VerifyDeep: the O(size) check of a blob's body.
#include <fmt/format.h>

#include "app/symbols/stored/symbol_file.h"
#include "app/symbols/stored/symbol_file_internal.h"

namespace crashbox::symbols {
namespace {

using K = blob::SectionKind;

Status Bad(std::string_view what, uint64_t i) {
  return Status::Corrupt(fmt::format("symbols blob: {} at record {}", what, i));
}

bool InSection(uint64_t begin, uint64_t count, uint64_t section_count) {
  return begin <= section_count && count <= section_count - begin;
}

}  // namespace

Status SymbolFile::VerifyTree(K kind, uint64_t begin, uint64_t count) const {
  for (uint64_t i = 0; i < count; ++i) {
    auto n = Record<blob::TreeNode>(
        kind, begin + i);  // address, size, parent lead every tree record
    if (n.size == 0 || n.address + (n.size - 1) < n.address)
      return Bad("empty or wrapping range", begin + i);
    if (i > 0 && Address(kind, begin + i - 1) > n.address)
      return Bad("tree out of order", begin + i);
    if (n.parent == blob::kNoParent) continue;
    if (n.parent >= i) return Bad("parent after child", begin + i);
    auto p = Record<blob::TreeNode>(kind, begin + n.parent);
    if (n.address < p.address ||
        n.address + (n.size - 1) > p.address + (p.size - 1)) {
      return Bad("child outside its parent", begin + i);
    }
  }
  return Status();
}

Status SymbolFile::VerifyDeep() const {
  auto count = [this](K k) { return sections_[Index(k)].count; };
  auto str_ok = [this](blob::StrRef r) {
    uint64_t pool = sections_[Index(K::kStrings)].count;
    return r.offset <= pool && r.length <= pool - r.offset;
  };
  if (count(K::kMeta) == 1) {
    auto m = Record<blob::MetaRecord>(K::kMeta, 0);
    for (blob::StrRef r :
         {m.os, m.arch, m.debug_id, m.debug_file, m.code_id, m.code_file}) {
      if (!str_ok(r)) return Bad("meta string out of bounds", 0);
    }
  }
  for (K k : {K::kFiles, K::kInlineOrigins}) {
    for (uint64_t i = 0; i < count(k); ++i) {
      auto r = Record<blob::FileRecord>(k, i);  // same layout as OriginRecord
      if (!str_ok(r.name)) return Bad("name out of bounds", i);
      if (i > 0 && Record<blob::FileRecord>(k, i - 1).id >= r.id)
        return Bad("ids out of order", i);
    }
  }
  for (uint64_t i = 0; i < count(K::kInlineRecords); ++i) {
    auto r = Record<blob::InlineRecord>(K::kInlineRecords, i);
    if (!InSection(r.ranges_begin, r.ranges_count, count(K::kInlineRanges))) {
      return Bad("inline ranges out of bounds", i);
    }
  }
  uint64_t prev_end = 0;
  for (uint64_t i = 0; i < count(K::kFunctions); ++i) {
    auto f = Record<blob::FunctionRecord>(K::kFunctions, i);
    if (!str_ok(f.name)) return Bad("function name out of bounds", i);
    if (f.size == 0 || f.address + (f.size - 1) < f.address)
      return Bad("bad function range", i);
    if (i > 0 && f.address < prev_end)
      return Bad("functions overlap or out of order", i);
    prev_end = f.address + (f.size - 1) +
               1;  // 0 after the last address: nothing may follow
    if (prev_end == 0 && i + 1 < count(K::kFunctions))
      return Bad("function ends the address space", i);
    if (!InSection(f.lines_begin, f.lines_count, count(K::kLines)))
      return Bad("lines out of bounds", i);
    uint64_t line_end = 0;
    for (uint64_t j = f.lines_begin;
         j < uint64_t{f.lines_begin} + f.lines_count; ++j) {
      auto l = Record<blob::LineRecord>(K::kLines, j);
      if (l.size == 0 || l.address + (l.size - 1) < l.address)
        return Bad("bad line range", j);
      if (j > f.lines_begin && (l.address < line_end || line_end == 0))
        return Bad("lines overlap", j);
      line_end = l.address + (l.size - 1) + 1;
    }
    if (!InSection(f.inline_nodes_begin, f.inline_nodes_count,
                   count(K::kInlineNodes))) {
      return Bad("inline nodes out of bounds", i);
    }
    CB_RETURN_IF_ERROR(VerifyTree(K::kInlineNodes, f.inline_nodes_begin,
                                  f.inline_nodes_count));
    for (uint64_t j = f.inline_nodes_begin;
         j < uint64_t{f.inline_nodes_begin} + f.inline_nodes_count; ++j) {
      if (Record<blob::TreeNode>(K::kInlineNodes, j).payload >=
          count(K::kInlineRecords)) {
        return Bad("inline node names no record", j);
      }
    }
  }
  for (uint64_t i = 0; i < count(K::kPublics); ++i) {
    auto p = Record<blob::PublicRecord>(K::kPublics, i);
    if (!str_ok(p.name)) return Bad("public name out of bounds", i);
    if (i > 0 && Address(K::kPublics, i - 1) >= p.address)
      return Bad("publics out of order", i);
  }
  prev_end = 0;
  for (uint64_t i = 0; i < count(K::kCfiInit); ++i) {
    auto c = Record<blob::CfiInitRecord>(K::kCfiInit, i);
    if (!str_ok(c.rules)) return Bad("cfi rules out of bounds", i);
    if (c.size == 0 || c.address + (c.size - 1) < c.address)
      return Bad("bad cfi range", i);
    if (i > 0 && (c.address < prev_end || prev_end == 0))
      return Bad("cfi ranges overlap", i);
    prev_end = c.address + (c.size - 1) + 1;
  }
  for (uint64_t i = 0; i < count(K::kCfiDelta); ++i) {
    auto c = Record<blob::CfiDeltaRecord>(K::kCfiDelta, i);
    if (!str_ok(c.rules)) return Bad("cfi delta rules out of bounds", i);
    if (i > 0 && Address(K::kCfiDelta, i - 1) >= c.address)
      return Bad("cfi deltas out of order", i);
  }
  for (uint32_t t = 0; t < blob::kWinTypeCount; ++t) {
    auto kind = static_cast<K>(static_cast<uint32_t>(K::kWinFrames0) + t);
    for (uint64_t i = 0; i < count(kind); ++i) {
      auto w = Record<blob::WinFrameRecord>(kind, i);
      if (!str_ok(w.program_string))
        return Bad("program string out of bounds", i);
      if (w.size == 0 || w.address + (w.size - 1) < w.address)
        return Bad("bad win range", i);
      if (i > 0 && Address(kind, i - 1) > w.address)
        return Bad("win records out of order", i);
      if (w.parent != blob::kNoParent) {
        if (w.parent >= i) return Bad("win parent after child", i);
        auto p = Record<blob::WinFrameRecord>(kind, w.parent);
        if (w.address < p.address ||
            w.address + (w.size - 1) > p.address + (p.size - 1)) {
          return Bad("win record outside its parent", i);
        }
      }
    }
  }
  return Status();
}

}  // namespace crashbox::symbols
