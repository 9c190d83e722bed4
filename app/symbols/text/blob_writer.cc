// SPDX-License-Identifier: MPL-2.0
// Serializes a SymModel into the blob layout of blob_format.h.
//
// Every section's place is decided before anything is written: record counts
// come from the model and the string pool goes last, so records and strings
// are written straight into the blob. Usually that is the line array's own
// mapping (the lines are already at kLinesOffset), which saves the copies and
// the fresh 4 KiB pages intermediate arrays would cost (see
// big_buffer.h).
#include <algorithm>
#include <array>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "app/symbols/text/sym_model_internal.h"

namespace crashbox::symbols::internal {
namespace {

using K = blob::SectionKind;
constexpr uint64_t kMaxU32 = std::numeric_limits<uint32_t>::max();

uint64_t Align8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }

// The section table in blob order. The lines go at kLinesOffset (or right
// after the table, were it ever longer); the others follow them in table
// order, each 8-aligned; the string pool is the last section.
struct Layout {
  std::vector<blob::SectionEntry> sections;
  uint64_t table_end = 0;
  uint64_t pool_offset = 0;
  uint64_t pool_max = 0;  // every string once, before sharing: an upper bound

  explicit Layout(const SymModel& m) {
    auto add = [&](K kind, size_t record_bytes, size_t count) {
      sections.push_back({static_cast<uint32_t>(kind),
                          static_cast<uint32_t>(record_bytes), 0, count});
    };
    add(K::kMeta, sizeof(blob::MetaRecord), 1);
    add(K::kFiles, sizeof(blob::FileRecord), m.files.size());
    add(K::kInlineOrigins, sizeof(blob::OriginRecord), m.origins.size());
    add(K::kFunctions, sizeof(blob::FunctionRecord), m.functions.size());
    add(K::kLines, sizeof(blob::LineRecord), m.lines.size());
    add(K::kInlineRecords, sizeof(blob::InlineRecord), m.inline_records.size());
    add(K::kInlineRanges, sizeof(blob::RangeRecord), m.inline_ranges.size());
    add(K::kInlineNodes, sizeof(blob::TreeNode), m.inline_nodes.size());
    add(K::kPublics, sizeof(blob::PublicRecord), m.publics.size());
    add(K::kCfiInit, sizeof(blob::CfiInitRecord), m.cfi_init.size());
    add(K::kCfiDelta, sizeof(blob::CfiDeltaRecord), m.cfi_delta.size());
    for (uint32_t t = 0; t < blob::kWinTypeCount; ++t) {
      add(static_cast<K>(static_cast<uint32_t>(K::kWinFrames0) + t),
          sizeof(blob::WinFrameRecord), m.win[t].size());
    }
    add(K::kStrings, 1, 0);  // count set by the writer
    table_end =
        sizeof(blob::Header) + sections.size() * sizeof(blob::SectionEntry);

    uint64_t lines_start = std::max<uint64_t>(table_end, kLinesOffset);
    uint64_t offset = lines_start + m.lines.size() * sizeof(blob::LineRecord);
    for (blob::SectionEntry& s : sections) {
      if (s.kind == static_cast<uint32_t>(K::kLines)) {
        s.offset = lines_start;
      } else {
        offset = Align8(offset);
        s.offset = offset;
        offset += s.record_bytes * s.count;
      }
    }
    pool_offset = sections.back().offset;

    pool_max = m.os.size() + m.arch.size() + m.debug_id.size() +
               m.debug_file.size() + m.code_id.size() + m.code_file.size();
    for (const auto& f : m.files) pool_max += f.name.size();
    for (const auto& o : m.origins) pool_max += o.name.size();
    for (const auto& f : m.functions) pool_max += f.name.size();
    for (const auto& p : m.publics) pool_max += p.name.size();
    for (const auto& c : m.cfi_init) pool_max += c.rules.size();
    for (const auto& c : m.cfi_delta) pool_max += c.rules.size();
    for (const auto& type : m.win) {
      for (const auto& w : type) pool_max += w.program_string.size();
    }
  }

  bool TooLarge() const {
    for (const blob::SectionEntry& s : sections) {
      if (s.count > kMaxU32) return true;
    }
    return false;
  }
  uint64_t offset_of(K kind) const {
    for (const blob::SectionEntry& s : sections) {
      if (s.kind == static_cast<uint32_t>(kind)) return s.offset;
    }
    return 0;
  }
};

class Writer {
 public:
  Writer(char* base, uint64_t pool_offset)
      : base_(base), pool_(base + pool_offset) {}

  // Appends `s` to the pool. `share` stores identical strings once (CFI
  // rules and program strings repeat a lot; names rarely do, so they skip
  // the hash).
  blob::StrRef Str(std::string_view s, bool share = false) {
    if (share) {
      auto it = shared_.find(s);
      if (it != shared_.end()) return it->second;
    }
    if (pool_size_ + s.size() > kMaxU32) {
      overflow_ = true;
      return {};
    }
    blob::StrRef ref{static_cast<uint32_t>(pool_size_),
                     static_cast<uint32_t>(s.size())};
    if (!s.empty()) std::memcpy(pool_ + pool_size_, s.data(), s.size());
    pool_size_ += s.size();
    if (share) shared_.emplace(s, ref);
    return ref;
  }

  // Writes record i of the section at `offset`.
  template <typename T>
  void Put(uint64_t offset, size_t i, const T& record) {
    std::memcpy(base_ + offset + i * sizeof(T), &record, sizeof(T));
  }

  uint64_t pool_size() const { return pool_size_; }
  bool overflow() const { return overflow_; }

 private:
  char* base_;
  char* pool_;
  uint64_t pool_size_ = 0;
  std::unordered_map<std::string_view, blob::StrRef> shared_;
  bool overflow_ = false;
};

void WriteSections(const SymModel& m, const Layout& layout, Writer& w) {
  blob::MetaRecord meta = m.stats;
  meta.os = w.Str(m.os);
  meta.arch = w.Str(m.arch);
  meta.debug_id = w.Str(m.debug_id);
  meta.debug_file = w.Str(m.debug_file);
  meta.code_id = w.Str(m.code_id);
  meta.code_file = w.Str(m.code_file);
  w.Put(layout.offset_of(K::kMeta), 0, meta);

  uint64_t at = layout.offset_of(K::kFiles);
  for (size_t i = 0; i < m.files.size(); ++i) {
    w.Put(at, i, blob::FileRecord{m.files[i].id, w.Str(m.files[i].name)});
  }
  at = layout.offset_of(K::kInlineOrigins);
  for (size_t i = 0; i < m.origins.size(); ++i) {
    w.Put(at, i, blob::OriginRecord{m.origins[i].id, w.Str(m.origins[i].name)});
  }
  at = layout.offset_of(K::kFunctions);
  for (size_t i = 0; i < m.functions.size(); ++i) {
    const SymModel::Function& f = m.functions[i];
    w.Put(at, i,
          blob::FunctionRecord{
              f.address, f.size, w.Str(f.name), f.parameter_size,
              f.multiple ? blob::kFuncMultiple : 0u, f.lines_begin,
              f.lines_count, f.nodes_begin, f.nodes_count});
  }
  auto copy_all = [&](K kind, const auto& records) {
    if (!records.empty()) {
      at = layout.offset_of(kind);
      for (size_t i = 0; i < records.size(); ++i) w.Put(at, i, records[i]);
    }
  };
  copy_all(K::kInlineRecords, m.inline_records);
  copy_all(K::kInlineRanges, m.inline_ranges);
  copy_all(K::kInlineNodes, m.inline_nodes);
  at = layout.offset_of(K::kPublics);
  for (size_t i = 0; i < m.publics.size(); ++i) {
    const SymModel::Public& p = m.publics[i];
    w.Put(at, i,
          blob::PublicRecord{p.address, w.Str(p.name), p.parameter_size,
                             p.multiple ? blob::kFuncMultiple : 0u});
  }
  at = layout.offset_of(K::kCfiInit);
  for (size_t i = 0; i < m.cfi_init.size(); ++i) {
    const SymModel::CfiInit& c = m.cfi_init[i];
    w.Put(at, i, blob::CfiInitRecord{c.address, c.size, w.Str(c.rules, true)});
  }
  at = layout.offset_of(K::kCfiDelta);
  for (size_t i = 0; i < m.cfi_delta.size(); ++i) {
    w.Put(at, i,
          blob::CfiDeltaRecord{m.cfi_delta[i].address,
                               w.Str(m.cfi_delta[i].rules, true)});
  }
  for (uint32_t t = 0; t < blob::kWinTypeCount; ++t) {
    at = layout.offset_of(
        static_cast<K>(static_cast<uint32_t>(K::kWinFrames0) + t));
    for (size_t i = 0; i < m.win[t].size(); ++i) {
      const SymModel::WinFrame& f = m.win[t][i];
      w.Put(at, i,
            blob::WinFrameRecord{
                f.address, f.size, f.parent, f.prolog_size, f.epilog_size,
                f.parameter_size, f.saved_register_size, f.local_size,
                f.max_stack_size, f.flags, w.Str(f.program_string, true)});
    }
  }
}

}  // namespace

Result<BlobBytes> WriteBlob(SymModel* model) {
  const SymModel& m = *model;
  Layout layout(m);
  if (layout.TooLarge())
    return Status::LimitExceeded("symbol file too large for the blob format");
  uint64_t max_bytes = layout.pool_offset + layout.pool_max;

  // In place when the lines already sit at their offset and everything fits
  // the mapping, which is fresh (zero) past the lines bar dropped records.
  BigArray<blob::LineRecord>& lines = model->lines;
  uint64_t lines_start = layout.offset_of(K::kLines);
  bool in_place =
      lines.head() == lines_start && max_bytes <= lines.buffer().capacity();
  BlobBytes out;
  if (in_place) {
    lines.ClearDropped();
    out.buffer = std::move(lines.buffer());
  } else {
    out.buffer = BigBuffer(max_bytes);
    if (!lines.empty()) {
      std::memcpy(out.buffer.data() + lines_start, lines.data(),
                  lines.size() * sizeof(blob::LineRecord));
    }
  }
  char* base = out.buffer.data();
  Writer w(base, layout.pool_offset);
  WriteSections(m, layout, w);
  if (w.overflow())
    return Status::LimitExceeded("symbol file too large for the blob format");
  layout.sections.back().count = w.pool_size();
  out.size = layout.pool_offset + w.pool_size();

  blob::Header h{};
  std::memcpy(h.magic, blob::kMagic, sizeof(h.magic));
  h.version = blob::kBlobVersion;
  h.header_bytes = sizeof(blob::Header);
  h.blob_bytes = out.size;
  h.section_count = static_cast<uint32_t>(layout.sections.size());
  h.flags = m.flags;
  std::memcpy(base, &h, sizeof(h));
  std::memcpy(base + sizeof(h), layout.sections.data(),
              layout.sections.size() * sizeof(blob::SectionEntry));
  out.buffer.Shrink(out.size);
  return out;
}

}  // namespace crashbox::symbols::internal
