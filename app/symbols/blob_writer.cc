// SPDX-License-Identifier: MPL-2.0
// Serializes a SymModel into the blob layout of blob_format.h.
#include <algorithm>
#include <cstring>
#include <limits>
#include <unordered_map>

#include <fmt/format.h>

#include "app/symbols/sym_model_internal.h"

namespace crashbox::symbols::internal {
namespace {

constexpr uint64_t kMaxU32 = std::numeric_limits<uint32_t>::max();

class Writer {
 public:
  // Appends `s` to the pool. `dedupe` shares identical strings (CFI rules and
  // program strings repeat a lot; names rarely do, so they skip the hash).
  blob::StrRef Str(std::string_view s, bool dedupe = false) {
    if (dedupe) {
      auto it = interned_.find(s);
      if (it != interned_.end()) return it->second;
    }
    if (pool_.size() + s.size() > kMaxU32) {
      overflow_ = true;
      return {};
    }
    blob::StrRef ref{static_cast<uint32_t>(pool_.size()), static_cast<uint32_t>(s.size())};
    pool_.append(s);
    if (dedupe) interned_.emplace(s, ref);
    return ref;
  }

  template <typename T>
  void Section(blob::SectionKind kind, const BigArray<T>& records) {
    Section(kind, sizeof(T), records.size(), records.data());
  }
  template <typename T>
  void Section(blob::SectionKind kind, const std::vector<T>& records) {
    Section(kind, sizeof(T), records.size(), records.data());
  }
  void Section(blob::SectionKind kind, size_t record_bytes, size_t count, const void* data) {
    if (count > kMaxU32) overflow_ = true;
    sections_.push_back({static_cast<uint32_t>(kind), static_cast<uint32_t>(record_bytes), 0,
                         static_cast<uint64_t>(count)});
    payloads_.emplace_back(static_cast<const char*>(data), record_bytes * count);
  }

  // Lays the sections out with `lines` (of kind kLines, added by Section as
  // usual) at kLinesOffset and the others after it, in the lines' own
  // mapping when everything fits there.
  Result<BlobBytes> Finish(uint32_t flags, BigArray<blob::LineRecord>* lines) {
    Section(blob::SectionKind::kStrings, 1, pool_.size(), pool_.data());
    if (overflow_) return Status::LimitExceeded("symbol file too large for the blob format");
    uint64_t table_end = sizeof(blob::Header) + sections_.size() * sizeof(blob::SectionEntry);
    uint64_t lines_bytes = lines->size() * sizeof(blob::LineRecord);
    uint64_t lines_start = std::max<uint64_t>(table_end, kLinesOffset);
    uint64_t offset = lines_start + lines_bytes;
    for (size_t i = 0; i < sections_.size(); ++i) {
      if (sections_[i].kind == static_cast<uint32_t>(blob::SectionKind::kLines)) {
        sections_[i].offset = lines_start;
        continue;
      }
      offset = (offset + 7) & ~uint64_t{7};
      sections_[i].offset = offset;
      offset += payloads_[i].size();
    }
    blob::Header h{};
    std::memcpy(h.magic, blob::kMagic, sizeof(h.magic));
    h.version = blob::kBlobVersion;
    h.header_bytes = sizeof(blob::Header);
    h.blob_bytes = offset;
    h.section_count = static_cast<uint32_t>(sections_.size());
    h.flags = flags;
    // In place: the lines are already where they belong and the mapping was
    // fresh (zero) everywhere else, bar dropped records cleared here.
    bool in_place = table_end <= kLinesOffset && lines->head() == kLinesOffset &&
                    offset <= lines->buffer().capacity();
    BlobBytes out;
    if (in_place) {
      lines->ClearDropped();
      out = {std::move(lines->buffer()), offset};
      out.buffer.Shrink(offset);
    } else {
      out = {BigBuffer(offset), offset};
    }
    char* dst = out.buffer.data();
    std::memcpy(dst, &h, sizeof(h));
    std::memcpy(dst + sizeof(h), sections_.data(), sections_.size() * sizeof(blob::SectionEntry));
    for (size_t i = 0; i < sections_.size(); ++i) {
      bool is_lines = sections_[i].kind == static_cast<uint32_t>(blob::SectionKind::kLines);
      if (!payloads_[i].empty() && !(in_place && is_lines)) {
        std::memcpy(dst + sections_[i].offset, payloads_[i].data(), payloads_[i].size());
      }
    }
    return out;
  }

 private:
  std::string pool_;
  std::unordered_map<std::string_view, blob::StrRef> interned_;
  std::vector<blob::SectionEntry> sections_;
  std::vector<std::string_view> payloads_;  // views into vectors the caller keeps alive
  bool overflow_ = false;
};

}  // namespace

Result<BlobBytes> WriteBlob(SymModel* model) {
  const SymModel& m = *model;
  Writer w;
  blob::MetaRecord meta = m.stats;
  meta.os = w.Str(m.os);
  meta.arch = w.Str(m.arch);
  meta.debug_id = w.Str(m.debug_id);
  meta.debug_file = w.Str(m.debug_file);
  meta.code_id = w.Str(m.code_id);
  meta.code_file = w.Str(m.code_file);
  std::vector<blob::MetaRecord> metas{meta};

  std::vector<blob::FileRecord> files;
  files.reserve(m.files.size());
  for (const auto& f : m.files) files.push_back({f.id, w.Str(f.name)});
  std::vector<blob::OriginRecord> origins;
  origins.reserve(m.origins.size());
  for (const auto& o : m.origins) origins.push_back({o.id, w.Str(o.name)});

  std::vector<blob::FunctionRecord> functions;
  functions.reserve(m.functions.size());
  for (const auto& f : m.functions) {
    functions.push_back({f.address, f.size, w.Str(f.name), f.parameter_size,
                         f.multiple ? blob::kFuncMultiple : 0u, f.lines_begin, f.lines_count,
                         f.nodes_begin, f.nodes_count});
  }
  std::vector<blob::PublicRecord> publics;
  publics.reserve(m.publics.size());
  for (const auto& p : m.publics) {
    publics.push_back({p.address, w.Str(p.name), p.parameter_size, p.multiple ? blob::kFuncMultiple : 0u});
  }
  std::vector<blob::CfiInitRecord> cfi_init;
  cfi_init.reserve(m.cfi_init.size());
  for (const auto& c : m.cfi_init) cfi_init.push_back({c.address, c.size, w.Str(c.rules, true)});
  std::vector<blob::CfiDeltaRecord> cfi_delta;
  cfi_delta.reserve(m.cfi_delta.size());
  for (const auto& c : m.cfi_delta) cfi_delta.push_back({c.address, w.Str(c.rules, true)});
  std::array<std::vector<blob::WinFrameRecord>, blob::kWinTypeCount> win;
  for (size_t t = 0; t < blob::kWinTypeCount; ++t) {
    for (const auto& f : m.win[t]) {
      win[t].push_back({f.address, f.size, f.parent, f.prolog_size, f.epilog_size, f.parameter_size,
                        f.saved_register_size, f.local_size, f.max_stack_size, f.flags,
                        w.Str(f.program_string, true)});
    }
  }

  using K = blob::SectionKind;
  w.Section(K::kMeta, metas);
  w.Section(K::kFiles, files);
  w.Section(K::kInlineOrigins, origins);
  w.Section(K::kFunctions, functions);
  w.Section(K::kLines, sizeof(blob::LineRecord), m.lines.size(), m.lines.data());
  w.Section(K::kInlineRecords, m.inline_records);
  w.Section(K::kInlineRanges, m.inline_ranges);
  w.Section(K::kInlineNodes, m.inline_nodes);
  w.Section(K::kPublics, publics);
  w.Section(K::kCfiInit, cfi_init);
  w.Section(K::kCfiDelta, cfi_delta);
  for (uint32_t t = 0; t < blob::kWinTypeCount; ++t) {
    w.Section(static_cast<K>(static_cast<uint32_t>(K::kWinFrames0) + t), win[t]);
  }
  return w.Finish(m.flags, &model->lines);
}

}  // namespace crashbox::symbols::internal
