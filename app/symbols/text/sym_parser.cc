// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/text/sym_parser.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <limits>
#include <unordered_set>

#include <fmt/format.h>

#include "app/symbols/text/range_builders_internal.h"
#include "app/symbols/text/sym_model_internal.h"
#include "app/symbols/text/sym_text_internal.h"

namespace crashbox::symbols {
namespace {

using internal::CSigned;
using internal::CUnsigned;
using internal::ParseCSigned;
using internal::ParseCUnsigned;
using internal::SymModel;
using internal::ValidAfterNumber;

// Breakpad's kMaxErrorsBeforeBailing: more errors than this stop the load.
constexpr uint64_t kMaxErrorsBeforeBailing = 100;
// Breakpad tokenizes INLINE lines into at most this many fields.
constexpr size_t kInlineMaxTokens = 512;
constexpr int64_t kLongMax = std::numeric_limits<int64_t>::max();
constexpr uint64_t kULongMax = std::numeric_limits<uint64_t>::max();

// A hex address/size field as Breakpad validates it (strtoull + checks).
bool HexField(std::string_view token, uint64_t* out) {
  CUnsigned n = ParseCUnsigned(token, 16);
  *out = n.value;
  return ValidAfterNumber(token, n.end) && n.value != kULongMax;
}
// A strtol field with Breakpad's checks: valid end, not LONG_MAX, >= min.
bool LongField(std::string_view token, int base, int64_t min, int64_t* out) {
  CSigned n = ParseCSigned(token, base);
  *out = n.value;
  return ValidAfterNumber(token, n.end) && n.value != kLongMax &&
         n.value >= min;
}

// Hex digit values; -1 for anything else.
constexpr std::array<int8_t, 256> kHexValue = [] {
  std::array<int8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    t[c] = c >= '0' && c <= '9'   ? static_cast<int8_t>(c - '0')
           : c >= 'a' && c <= 'f' ? static_cast<int8_t>(c - 'a' + 10)
           : c >= 'A' && c <= 'F' ? static_cast<int8_t>(c - 'A' + 10)
                                  : int8_t{-1};
  }
  return t;
}();

struct LineData {
  int32_t line;
  int32_t file_id;
};

class Parser {
 public:
  explicit Parser(SymModel* model)
      : m_(*model), cur_inlines_(/*allow_equal=*/true) {
    for (auto& w : win_)
      w = std::make_unique<internal::ContainedTreeBuilder<SymModel::WinFrame>>(
          false);
  }

  void Run(std::string_view text) {
    // Reserving from the text size costs only address space: pages are
    // touched as records arrive. A line record takes at least 8 bytes of text.
    // The rest of a blob is rarely larger than the text; when it is, the
    // writer copies instead of building the blob around the lines.
    m_.spare_bytes = 2 * text.size() + (size_t{64} << 10);
    m_.lines = BigArray<blob::LineRecord>(
        text.size() / 8 + 16, internal::kLinesOffset, m_.spare_bytes);
    // A delta line takes at least 14 bytes of text.
    deltas_ = BigArray<SymModel::CfiDelta>(text.size() / 14 + 16, 0, 0);
    cfi_init_.reserve(text.size() / 256);
    // Room for the usual density of FUNC and FILE records (one per 1-2 KB
    // of text in dump_syms output), so that growing does not copy them and
    // touch twice the memory; the reservations are address space until used.
    funcs_.reserve(text.size() / 256);
    func_ranges_.reserve(text.size() / 256);
    files_.reserve(text.size() / 1024);
    const char* p = text.data();
    const char* end = p + text.size();
    while (p < end) {
      while (p < end && (*p == '\r' || *p == '\n')) ++p;
      if (p == end) break;
      ++m_.stats.text_lines;
      // Most of a .sym text is line records in canonical form; no keyword
      // starts with a digit or lowercase hex letter. (Without a FUNC such a
      // line is an error: HandleLine counts it.)
      if (cur_ != Cur::kNone &&
          kHexValue[static_cast<unsigned char>(*p)] >= 0 &&
          !(*p >= 'A' && *p <= 'F')) {
        if (const char* q = FastLineRecord(p, end)) {
          p = q;
          continue;
        }
      }
      const char* nl = static_cast<const char*>(
          std::memchr(p, '\n', static_cast<size_t>(end - p)));
      if (!nl) nl = end;
      const char* cr = static_cast<const char*>(
          std::memchr(p, '\r', static_cast<size_t>(nl - p)));
      const char* q = cr ? cr : nl;
      std::string_view line(p, static_cast<size_t>(q - p));
      if (!(line.starts_with("STACK CFI ") && FastCfi(line.substr(10))))
        HandleLine(line);
      p = q;
      if (num_errors_ > kMaxErrorsBeforeBailing) {
        m_.flags |= blob::kFlagBailed;
        break;
      }
    }
    Finish();
  }

  void AddError() { ++num_errors_; }

 private:
  void HandleLine(std::string_view line) {
    if (line.starts_with("FILE ")) {
      if (!ParseFile(line.substr(5))) AddError();
    } else if (line.starts_with("STACK ")) {
      if (!ParseStack(line.substr(6))) AddError();
    } else if (line.starts_with("FUNC ")) {
      EndFunction();
      if (!ParseFunc(line.substr(5))) AddError();
    } else if (line.starts_with("PUBLIC ")) {
      EndFunction();  // public symbols end the current function
      if (!ParsePublic(line.substr(7))) AddError();
    } else if (line.starts_with("MODULE ")) {
      ParseModule(line.substr(7));
    } else if (line.starts_with("INFO ")) {
      ParseInfo(line.substr(5));
    } else if (line.starts_with("INLINE ")) {
      if (!ParseInline(line.substr(7))) ++m_.stats.inline_errors;
    } else if (line.starts_with("INLINE_ORIGIN ")) {
      if (!ParseInlineOrigin(line.substr(14))) ++m_.stats.inline_errors;
    } else if (cur_ == Cur::kNone) {
      AddError();  // source line data without a function
    } else if (!ParseLineRecord(line)) {
      AddError();
    }
  }

  // Metadata only: Breakpad ignores MODULE and INFO lines.
  void ParseModule(std::string_view rest) {
    if (!m_.os.empty() || !internal::Tokenize(rest, 4, &tokens_)) return;
    m_.os = tokens_[0];
    m_.arch = tokens_[1];
    m_.debug_id = tokens_[2];
    m_.debug_file = tokens_[3];
  }
  void ParseInfo(std::string_view rest) {
    size_t pos = 0;
    if (internal::NextToken(rest, &pos) != "CODE_ID" || !m_.code_id.empty())
      return;
    m_.code_id = internal::NextToken(rest, &pos);
    m_.code_file = internal::RestAfter(rest, pos);
  }

  bool ParseFile(std::string_view rest) {
    int64_t id = 0;
    if (!internal::Tokenize(rest, 2, &tokens_) ||
        !LongField(tokens_[0], 10, 0, &id))
      return false;
    files_.push_back({static_cast<int32_t>(id), tokens_[1]});
    return true;
  }

  bool ParseInlineOrigin(std::string_view rest) {
    int64_t id = 0;
    if (!internal::Tokenize(rest, 2, &tokens_) ||
        !LongField(tokens_[0], 10, 0, &id))
      return false;
    std::string_view remaining = tokens_[1];
    // Old format "<file_id> <name>" when the first word is a (signed) number.
    bool has_file_id = true;
    for (size_t i = 0;
         i < remaining.size() && remaining[i] != ' ' && has_file_id; ++i) {
      if (remaining[i] == '-' && i == 0) continue;
      has_file_id = std::isdigit(static_cast<unsigned char>(remaining[i])) != 0;
    }
    std::string_view name = remaining;
    if (has_file_id) {
      int64_t file_id = 0;
      if (!internal::Tokenize(remaining, 2, &tokens_) ||
          !LongField(tokens_[0], 10, -1, &file_id)) {
        return false;
      }
      name = tokens_[1];
    }
    origins_.push_back({static_cast<int32_t>(id), name});
    return true;
  }

  bool ParseFunc(std::string_view rest) {
    if (!internal::TokenizeWithOptionalM(rest, 5, &tokens_)) return false;
    bool multiple = tokens_[0] == "m";
    size_t t = multiple ? 1 : 0;
    uint64_t address = 0, size = 0;
    int64_t param = 0;
    if (!HexField(tokens_[t], &address) || !HexField(tokens_[t + 1], &size) ||
        !LongField(tokens_[t + 2], 16, 0, &param)) {
      return false;
    }
    auto index = static_cast<uint32_t>(funcs_.size());
    if (func_ranges_.Insert(address, size, index)) {
      funcs_.push_back({address, size, tokens_[t + 3],
                        static_cast<uint32_t>(param), multiple, 0, 0, 0, 0});
      cur_ = Cur::kStored;
      cur_index_ = index;
      cur_lines_begin_ = m_.lines.size();
      lines_spilled_ = false;
    } else {
      ++m_.stats.functions_dropped;
      cur_ = Cur::kOrphan;  // its lines are parsed, then discarded
    }
    return true;
  }

  bool ParsePublic(std::string_view rest) {
    if (!internal::TokenizeWithOptionalM(rest, 4, &tokens_)) return false;
    bool multiple = tokens_[0] == "m";
    size_t t = multiple ? 1 : 0;
    uint64_t address = 0;
    int64_t param = 0;
    if (!HexField(tokens_[t], &address) ||
        !LongField(tokens_[t + 1], 16, 0, &param))
      return false;
    if (address == 0) {
      ++m_.stats.publics_dropped;
      return true;
    }
    if (!public_addresses_.insert(address).second)
      return false;  // AddressMap::Store fails
    publics_.push_back(
        {address, tokens_[t + 2], static_cast<uint32_t>(param), multiple});
    return true;
  }

  bool ParseLineRecord(std::string_view line) {
    uint64_t address = 0, size = 0;
    int64_t number = 0, file = 0;
    if (!internal::Tokenize(line, 4, &tokens_) ||
        !HexField(tokens_[0], &address) || !HexField(tokens_[1], &size) ||
        !LongField(tokens_[2], 10, 0, &number) ||
        !LongField(tokens_[3], 10, 0, &file)) {
      return false;
    }
    StoreLine(address, size, static_cast<int32_t>(number),
              static_cast<int32_t>(file));
    return true;
  }

  // A line record "<hex> <hex> <dec> <dec>" with single spaces, at most 16
  // hex and 18 decimal digits and nothing else up to the end of the line:
  // the fields then read exactly as ParseLineRecord reads them. Returns the
  // end of the line, or null (nothing consumed) for any other shape.
  const char* FastLineRecord(const char* p, const char* end) {
    uint64_t address = 0, size = 0, number = 0, file = 0;
    p = FastHex(p, end, &address);
    if (!p || p == end || *p != ' ') return nullptr;
    p = FastHex(p + 1, end, &size);
    if (!p || p == end || *p != ' ') return nullptr;
    p = FastDec(p + 1, end, &number);
    if (!p || p == end || *p != ' ') return nullptr;
    p = FastDec(p + 1, end, &file);
    if (!p || (p != end && *p != '\n' && *p != '\r')) return nullptr;
    if (address == kULongMax || size == kULongMax)
      return nullptr;  // HexField rejects these
    StoreLine(address, size, static_cast<int32_t>(static_cast<int64_t>(number)),
              static_cast<int32_t>(static_cast<int64_t>(file)));
    return p;
  }
  static const char* FastHex(const char* p, const char* end, uint64_t* out) {
    const char* start = p;
    uint64_t v = 0;
    int8_t d;
    while (p < end && (d = kHexValue[static_cast<unsigned char>(*p)]) >= 0) {
      v = (v << 4) | static_cast<uint64_t>(d);
      ++p;
    }
    if (p == start || p - start > 16) return nullptr;
    *out = v;
    return p;
  }
  static const char* FastDec(const char* p, const char* end, uint64_t* out) {
    const char* start = p;
    uint64_t v = 0;
    while (p < end && static_cast<unsigned char>(*p - '0') < 10) {
      v = v * 10 + static_cast<uint64_t>(*p - '0');
      ++p;
    }
    if (p == start || p - start > 18) return nullptr;
    *out = v;
    return p;
  }

  // Breakpad's RangeMap for the current FUNC's lines. While they arrive in
  // ascending order (the usual case) they go straight to m_.lines; the first
  // one that does not moves them into cur_lines_, which applies the full rule.
  void StoreLine(uint64_t address, uint64_t size, int32_t line, int32_t file) {
    if (cur_ != Cur::kStored) {
      ++m_.stats.lines_dropped;
      return;
    }
    uint64_t high = address + (size - 1);
    if (!lines_spilled_) {
      if (size == 0 || high < address) {
        ++m_.stats.lines_dropped;
        return;
      }
      if (m_.lines.size() == cur_lines_begin_ || address > last_line_high_) {
        m_.lines.push_back({address, size, line, file});
        last_line_high_ = high;
        return;
      }
      for (size_t i = cur_lines_begin_; i < m_.lines.size(); ++i) {
        const blob::LineRecord& l = m_.lines[i];
        cur_lines_.Insert(l.address, l.size, {l.line, l.file_id});
      }
      m_.lines.resize(cur_lines_begin_);
      lines_spilled_ = true;
    }
    if (!cur_lines_.Insert(address, size, {line, file}))
      ++m_.stats.lines_dropped;
  }

  bool ParseInline(std::string_view rest) {
    internal::Tokenize(rest, kInlineMaxTokens, &tokens_);
    bool has_call_file = tokens_.size() % 2 == 0;
    if (tokens_.size() < 5) return false;
    size_t t = 0;
    int64_t level = 0, call_line = 0, call_file = 0, origin = 0;
    if (!LongField(tokens_[t++], 10, 0, &level) ||
        !LongField(tokens_[t++], 10, 0, &call_line)) {
      return false;
    }
    if (has_call_file && !LongField(tokens_[t++], 10, -1, &call_file))
      return false;
    if (!LongField(tokens_[t++], 10, 0, &origin)) return false;
    range_scratch_.clear();
    while (t + 1 < tokens_.size()) {
      blob::RangeRecord r{};
      if (!HexField(tokens_[t++], &r.address) ||
          !HexField(tokens_[t++], &r.size))
        return false;
      range_scratch_.push_back(r);
    }
    if (cur_ == Cur::kNone)
      return false;  // Breakpad would dereference a null FUNC here
    // Function::AppendInline: a level may only go one deeper than the last one.
    if (level > last_inline_level_ + 1) return true;
    last_inline_level_ = level;
    if (cur_ != Cur::kStored) return true;
    auto local = static_cast<uint32_t>(cur_inline_records_.size());
    cur_inline_records_.push_back(
        {static_cast<int32_t>(origin), static_cast<int32_t>(call_line),
         static_cast<int32_t>(call_file),
         has_call_file ? blob::kInlineHasCallFile : 0u,
         static_cast<uint32_t>(cur_inline_ranges_.size()),
         static_cast<uint32_t>(range_scratch_.size())});
    for (const blob::RangeRecord& r : range_scratch_) {
      cur_inline_ranges_.push_back(r);
      if (!cur_inlines_.Insert(r.address, r.size, local))
        ++m_.stats.inlines_dropped;
    }
    return true;
  }

  bool ParseStack(std::string_view rest) {
    size_t pos = 0;
    std::string_view platform = internal::NextToken(rest, &pos);
    std::string_view body = internal::RestAfter(rest, pos);
    if (platform == "CFI") return ParseCfi(body);
    if (platform == "WIN") return ParseWin(body);
    return false;
  }

  bool ParseCfi(std::string_view body) {
    size_t pos = 0;
    std::string_view first = internal::NextToken(body, &pos);
    if (first.empty()) return false;
    if (first == "INIT") {
      std::string_view address = internal::NextToken(body, &pos);
      if (address.empty()) return false;
      std::string_view size = internal::NextToken(body, &pos);
      if (size.empty()) return false;
      std::string_view rules = internal::RestAfter(body, pos);
      if (rules.empty()) return false;
      // Breakpad reads these with unchecked strtoul.
      if (!cfi_init_.Add(ParseCUnsigned(address, 16).value,
                         ParseCUnsigned(size, 16).value, rules)) {
        ++m_.stats.cfi_dropped;
      }
      return true;
    }
    std::string_view rules = internal::RestAfter(body, pos);
    if (rules.empty()) return false;
    uint64_t address = ParseCUnsigned(first, 16).value;
    if (!deltas_.empty() && address < deltas_.back().address)
      deltas_sorted_ = false;
    deltas_.push_back({address, rules});
    return true;
  }

  // "STACK CFI INIT <hex> <hex> <rules>" or "STACK CFI <hex> <rules>" with
  // single spaces and at most 16 digits per number: read as ParseCfi reads
  // them. False (nothing done) for any other shape.
  bool FastCfi(std::string_view body) {
    const char* p = body.data();
    const char* end = p + body.size();
    uint64_t address = 0, size = 0;
    if (body.starts_with("INIT ")) {
      p = FastHex(p + 5, end, &address);
      if (!p || p == end || *p != ' ') return false;
      p = FastHex(p + 1, end, &size);
      if (!p || p == end || *p != ' ' || p + 1 == end) return false;
      if (!cfi_init_.Add(
              address, size,
              std::string_view(p + 1, static_cast<size_t>(end - p - 1)))) {
        ++m_.stats.cfi_dropped;
      }
      return true;
    }
    p = FastHex(p, end, &address);
    if (!p || p == end || *p != ' ' || p + 1 == end) return false;
    if (!deltas_.empty() && address < deltas_.back().address)
      deltas_sorted_ = false;
    deltas_.push_back(
        {address, std::string_view(p + 1, static_cast<size_t>(end - p - 1))});
    return true;
  }

  bool ParseWin(std::string_view body) {
    if (!internal::Tokenize(body, 11, &tokens_)) return false;
    // WindowsFrameInfo::ParseFromString: unchecked strtol/strtoul, narrowed.
    auto type = static_cast<int32_t>(ParseCSigned(tokens_[0], 16).value);
    if (type < 0 || type >= static_cast<int32_t>(blob::kWinTypeCount))
      return false;
    auto u32 = [this](size_t i) {
      return static_cast<uint32_t>(ParseCUnsigned(tokens_[i], 16).value);
    };
    SymModel::WinFrame w;
    uint64_t rva = ParseCUnsigned(tokens_[1], 16).value;
    uint64_t code_size = ParseCUnsigned(tokens_[2], 16).value;
    w.prolog_size = u32(3);
    w.epilog_size = u32(4);
    w.parameter_size = u32(5);
    w.saved_register_size = u32(6);
    w.local_size = u32(7);
    w.max_stack_size = u32(8);
    if (u32(9) != 0) {
      w.flags |= blob::kWinHasProgramString;
      w.program_string = tokens_[10];
    } else if (u32(10) != 0) {
      w.flags |= blob::kWinAllocatesBasePointer;
    }
    if (!win_[static_cast<size_t>(type)]->Insert(rva, code_size, w))
      ++m_.stats.win_dropped;
    return true;
  }

  // Moves the current function's lines and inlines into the model.
  void EndFunction() {
    if (cur_ == Cur::kStored) {
      SymModel::Function& f = funcs_[cur_index_];
      if (lines_spilled_) {
        for (const auto& e : cur_lines_.Take()) {
          m_.lines.push_back(
              {e.base, e.high - e.base + 1, e.payload.line, e.payload.file_id});
        }
        lines_spilled_ = false;
      }
      f.lines_begin = static_cast<uint32_t>(cur_lines_begin_);
      f.lines_count = static_cast<uint32_t>(m_.lines.size() - cur_lines_begin_);
      auto record_base = static_cast<uint32_t>(m_.inline_records.size());
      auto range_base = static_cast<uint32_t>(m_.inline_ranges.size());
      for (blob::InlineRecord r : cur_inline_records_) {
        r.ranges_begin += range_base;
        m_.inline_records.push_back(r);
      }
      m_.inline_ranges.insert(m_.inline_ranges.end(),
                              cur_inline_ranges_.begin(),
                              cur_inline_ranges_.end());
      f.nodes_begin = static_cast<uint32_t>(m_.inline_nodes.size());
      cur_inlines_.Flatten(
          [&](uint64_t base, uint64_t size, uint32_t parent, uint32_t local) {
            m_.inline_nodes.push_back({base, size,
                                       parent == ~0u ? blob::kNoParent : parent,
                                       record_base + local});
          });
      f.nodes_count =
          static_cast<uint32_t>(m_.inline_nodes.size() - f.nodes_begin);
    }
    cur_ = Cur::kNone;
    cur_lines_.Take();
    cur_inlines_.Clear();
    cur_inline_records_.clear();
    cur_inline_ranges_.clear();
    last_inline_level_ = 0;
  }

  template <typename T>
  static void SortKeepFirst(std::vector<T>* v) {
    std::stable_sort(v->begin(), v->end(),
                     [](const T& a, const T& b) { return a.id < b.id; });
    v->erase(std::unique(v->begin(), v->end(),
                         [](const T& a, const T& b) { return a.id == b.id; }),
             v->end());
  }

  void Finish() {
    EndFunction();
    SortKeepFirst(&files_);
    m_.files = std::move(files_);
    SortKeepFirst(&origins_);
    m_.origins = std::move(origins_);
    std::vector<internal::ExclusiveRangeBuilder<uint32_t>::Entry> func_order =
        func_ranges_.Take();
    m_.functions.reserve(func_order.size());
    for (const auto& e : func_order) m_.functions.push_back(funcs_[e.payload]);
    std::sort(
        publics_.begin(), publics_.end(),
        [](const auto& a, const auto& b) { return a.address < b.address; });
    m_.publics = std::move(publics_);
    for (const auto& e : cfi_init_.Take(&m_.stats.cfi_dropped)) {
      m_.cfi_init.push_back({e.base, e.high - e.base + 1, e.payload});
    }
    if (!deltas_sorted_) SortDeltas();
    size_t kept = 0;
    for (const SymModel::CfiDelta& d : deltas_) {
      if (kept > 0 && deltas_[kept - 1].address == d.address) {
        deltas_[kept - 1] = d;
      } else {
        deltas_[kept++] = d;
      }
    }
    deltas_.resize(kept);
    m_.cfi_delta = std::move(deltas_);
    for (size_t type = 0; type < blob::kWinTypeCount; ++type) {
      win_[type]->Flatten([&](uint64_t base, uint64_t size, uint32_t parent,
                              SymModel::WinFrame w) {
        w.address = base;
        w.size = size;
        w.parent = parent == ~0u ? blob::kNoParent : parent;
        m_.win[type].push_back(w);
      });
    }
    m_.stats.parse_errors = num_errors_;
    if (num_errors_ > 0) m_.flags |= blob::kFlagCorrupt;
  }

  // Orders the deltas by address, keeping file order among equal addresses
  // (the dedup below then keeps the later one, as Breakpad's map does).
  // dump_syms writes each INIT's deltas in order, so the deltas are a few
  // ascending runs: merging neighbouring runs until one is left sorts them in
  // O(n log runs), stably, as std::merge takes the first range's element
  // first among equals.
  void SortDeltas() {
    std::vector<size_t> bounds{0};  // run i is [bounds[i], bounds[i + 1])
    for (size_t i = 1; i < deltas_.size(); ++i) {
      if (deltas_[i].address < deltas_[i - 1].address) bounds.push_back(i);
    }
    bounds.push_back(deltas_.size());
    BigArray<SymModel::CfiDelta> other(deltas_.size(), 0, 0);
    SymModel::CfiDelta* src = deltas_.data();
    SymModel::CfiDelta* dst = other.data();
    auto by_address = [](const SymModel::CfiDelta& a,
                         const SymModel::CfiDelta& b) {
      return a.address < b.address;
    };
    while (bounds.size() > 2) {
      std::vector<size_t> merged{0};
      for (size_t k = 0; k + 1 < bounds.size(); k += 2) {
        size_t end = k + 2 < bounds.size() ? bounds[k + 2] : bounds[k + 1];
        std::merge(src + bounds[k], src + bounds[k + 1], src + bounds[k + 1],
                   src + end, dst + bounds[k], by_address);
        merged.push_back(end);
      }
      std::swap(src, dst);
      bounds = std::move(merged);
    }
    if (src != deltas_.data())
      std::memcpy(deltas_.data(), src,
                  deltas_.size() * sizeof(SymModel::CfiDelta));
  }

  enum class Cur { kNone, kStored, kOrphan };

  SymModel& m_;
  uint64_t num_errors_ = 0;
  std::vector<std::string_view> tokens_;
  Cur cur_ = Cur::kNone;
  uint32_t cur_index_ = 0;
  int64_t last_inline_level_ = 0;
  internal::ExclusiveRangeBuilder<LineData>
      cur_lines_;               // only after lines_spilled_
  size_t cur_lines_begin_ = 0;  // the current FUNC's first line in m_.lines
  uint64_t last_line_high_ =
      0;  // highest address of its last line, until spilled
  bool lines_spilled_ = false;
  internal::ContainedTreeBuilder<uint32_t> cur_inlines_;
  std::vector<blob::InlineRecord> cur_inline_records_;
  std::vector<blob::RangeRecord> cur_inline_ranges_;
  std::vector<blob::RangeRecord> range_scratch_;
  std::vector<SymModel::Named> files_, origins_;
  std::vector<SymModel::Function> funcs_;  // in file order
  internal::ExclusiveRangeBuilder<uint32_t> func_ranges_;
  std::vector<SymModel::Public> publics_;
  std::unordered_set<uint64_t> public_addresses_;
  internal::DeferredRangeBuilder<std::string_view> cfi_init_;
  BigArray<SymModel::CfiDelta> deltas_;  // in file order until Finish
  bool deltas_sorted_ = true;
  std::array<
      std::unique_ptr<internal::ContainedTreeBuilder<SymModel::WinFrame>>,
      blob::kWinTypeCount>
      win_;
};

}  // namespace

namespace internal {

Result<BlobBytes> ConvertSymText(ByteView bytes, const ParseOptions& options) {
  if (bytes.size() > options.max_text_bytes) {
    return Status::LimitExceeded(
        fmt::format("symbol text of {} bytes exceeds the limit of {}",
                    bytes.size(), options.max_text_bytes));
  }
  std::string_view text = AsChars(bytes);
  // Breakpad NUL-terminates the buffer, ignores trailing NULs and turns
  // embedded ones into '_' (one parse error).
  while (!text.empty() && text.back() == '\0') text.remove_suffix(1);
  std::string sanitized;
  bool had_nul = false;
  if (!text.empty() && std::memchr(text.data(), '\0', text.size()) != nullptr) {
    sanitized.assign(text);
    std::replace(sanitized.begin(), sanitized.end(), '\0', '_');
    text = sanitized;
    had_nul = true;
  }
  internal::SymModel model;
  Parser parser(&model);
  if (had_nul) parser.AddError();
  parser.Run(text);
  return internal::WriteBlob(&model);
}

}  // namespace internal

Result<std::string> ParseSymText(ByteView bytes, const ParseOptions& options) {
  CB_ASSIGN_OR_RETURN(internal::BlobBytes blob,
                      internal::ConvertSymText(bytes, options));
  return std::string(blob.buffer.data(), blob.size);
}

struct SymBlob::Impl {
  internal::BlobBytes blob;
};
SymBlob::SymBlob(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SymBlob::~SymBlob() = default;
SymBlob::SymBlob(SymBlob&&) noexcept = default;
SymBlob& SymBlob::operator=(SymBlob&&) noexcept = default;
ByteView SymBlob::bytes() const { return impl_->blob.bytes(); }

Result<SymBlob> ParseSymTextToBlob(ByteView bytes,
                                   const ParseOptions& options) {
  CB_ASSIGN_OR_RETURN(internal::BlobBytes blob,
                      internal::ConvertSymText(bytes, options));
  return SymBlob(
      std::make_unique<SymBlob::Impl>(SymBlob::Impl{std::move(blob)}));
}

}  // namespace crashbox::symbols
