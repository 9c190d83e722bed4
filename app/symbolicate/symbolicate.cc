// SPDX-License-Identifier: MPL-2.0
#include "app/symbolicate/symbolicate.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "app/symbolicate/json_writer.h"
#include "app/symbolicate/request_internal.h"
#include "app/symbols/stored/symbol_file.h"

namespace crashbox::symbolicate {
namespace {

using internal::FrameRef;
using internal::Job;
using internal::JsonWriter;
using internal::Module;

// Answer bytes reserved per frame, so that the answer rarely grows: a v5
// frame with a function, file and line takes 150 to 250 (more with inline
// frames), a v4 frame its function and module name. A found_modules entry
// takes its names and a few bytes.
constexpr size_t kReservedBytesPerV5Frame = 256;
constexpr size_t kReservedBytesPerV4Frame = 96;
constexpr size_t kReservedBytesPerModule = 96;

// One module's symbols for a request.
struct Lookup {
  std::shared_ptr<const symbols::SymbolFile> file;  // null: not found
  std::string_view code_file;  // in `file` (INFO CODE_ID); empty: none
};

// Asks the supplier once per distinct module of a request.
class ModuleCache {
 public:
  explicit ModuleCache(symbols::SymbolSupplier& supplier)
      : supplier_(supplier) {}

  const Lookup& Find(const Module& m) {
    static const Lookup kMissing;
    // Nothing to look for (Eliot marks such a module not found).
    if (m.debug_file.empty() || m.debug_id.empty()) return kMissing;
    auto [it, inserted] = lookups_.try_emplace(internal::LookupKey(m));
    if (!inserted) return it->second;
    Result<std::shared_ptr<const symbols::SymbolFile>> found =
        supplier_.Find(symbols::ModuleKey{it->first.first, it->first.second});
    if (found.ok() && found.value() != nullptr) {
      it->second.file = std::move(found).value();
      it->second.code_file = it->second.file->module_info().code_file;
    }
    return it->second;
  }

 private:
  symbols::SymbolSupplier& supplier_;
  std::map<std::pair<std::string, std::string>, Lookup> lookups_;
};

// One found_modules entry: true, false, or never looked up (null).
struct FoundModule {
  std::string key;  // "<debug_file>/<debug_id>"
  std::optional<bool> found;
};

// Writes a request's answer as its jobs are symbolicated. Keys go out in
// sorted order, as nlohmann's std::map-backed objects printed them.
class AnswerWriter {
 public:
  AnswerWriter(symbols::SymbolSupplier& supplier, std::string* out,
               size_t max_inlines)
      : cache_(supplier), w_(out), max_inlines_(max_inlines) {}

  JsonWriter& writer() { return w_; }

  // {"found_modules", "stacks"}, or kLimitExceeded past max_inlines.
  Status WriteV5Result(const Job& job) {
    const std::vector<const Lookup*> lookups = LookUp(job);
    w_.BeginObject();
    w_.PlainKey("found_modules");
    w_.BeginObject();
    for (const FoundModule& m : FoundModules(job, lookups)) {
      w_.Key(m.key);
      if (m.found) {
        w_.Bool(*m.found);
      } else {
        w_.Null();
      }
    }
    w_.EndObject();
    w_.PlainKey("stacks");
    w_.BeginArray();
    for (const std::vector<FrameRef>& stack : job.stacks) {
      w_.BeginArray();
      for (size_t j = 0; j < stack.size(); ++j)
        CB_RETURN_IF_ERROR(WriteFrame(j, stack[j], job, lookups));
      w_.EndArray();
    }
    w_.EndArray();
    w_.EndObject();
    return Status();
  }

  // {"knownModules", "symbolicatedStacks"}: the v5 work on one job, each
  // frame as Eliot's frame_to_function names it.
  Status WriteV4(const Job& job) {
    const std::vector<const Lookup*> lookups = LookUp(job);
    const std::vector<FoundModule> found = FoundModules(job, lookups);
    w_.BeginObject();
    w_.PlainKey("knownModules");
    w_.BeginArray();
    for (const Module& m : job.modules) {
      std::string key = m.debug_file + "/" + m.debug_id;
      auto it = std::lower_bound(
          found.begin(), found.end(), key,
          [](const FoundModule& f, const std::string& k) { return f.key < k; });
      if (it->found) {
        w_.Bool(*it->found);
      } else {
        w_.Null();
      }
    }
    w_.EndArray();
    w_.PlainKey("symbolicatedStacks");
    w_.BeginArray();
    for (const std::vector<FrameRef>& stack : job.stacks) {
      w_.BeginArray();
      for (const FrameRef& f : stack) {
        const Target t = Resolve(f, job, lookups);
        const symbols::SymbolizedAddress sa = Symbolize(t, f);
        CB_RETURN_IF_ERROR(CountInlines(sa));
        char hex[2 + 16];
        std::string_view what = sa.function_name;
        if (!sa.has_function) what = OffsetText(f, hex);
        w_.String({what, " (in ", t.module, ")"});
      }
      w_.EndArray();
    }
    w_.EndArray();
    w_.EndObject();
    return Status();
  }

 private:
  // Where a frame points.
  struct Target {
    std::string_view module;  // the "module" of the answer
    // The symbols to look the offset up in; null when there are none or the
    // offset is -1.
    const symbols::SymbolFile* symbols = nullptr;
  };

  // Looks up every module a frame with an offset needs, before any frame is
  // written, so that every frame of a found module is named after its code
  // file. Null: never looked up.
  std::vector<const Lookup*> LookUp(const Job& job) {
    std::vector<const Lookup*> lookups(job.modules.size(), nullptr);
    for (const std::vector<FrameRef>& stack : job.stacks) {
      for (const FrameRef& f : stack) {
        if (f.module_index < 0 || !f.has_offset) continue;
        auto i = static_cast<size_t>(f.module_index);
        if (lookups[i] == nullptr) lookups[i] = &cache_.Find(job.modules[i]);
      }
    }
    return lookups;
  }

  // found_modules sorted by key. A debug file and id listed twice are one
  // entry (one module): true or false when any of them was looked up, else
  // null, as the answer's JSON object made it.
  static std::vector<FoundModule> FoundModules(
      const Job& job, const std::vector<const Lookup*>& lookups) {
    std::vector<FoundModule> all;
    all.reserve(job.modules.size());
    for (size_t i = 0; i < job.modules.size(); ++i) {
      std::optional<bool> found;
      if (lookups[i] != nullptr) found = lookups[i]->file != nullptr;
      all.push_back(
          {job.modules[i].debug_file + "/" + job.modules[i].debug_id, found});
    }
    std::stable_sort(all.begin(), all.end(),
                     [](const FoundModule& a, const FoundModule& b) {
                       return a.key < b.key;
                     });
    std::vector<FoundModule> out;
    out.reserve(all.size());
    for (FoundModule& m : all) {
      if (!out.empty() && out.back().key == m.key) {
        if (m.found) out.back().found = m.found;
      } else {
        out.push_back(std::move(m));
      }
    }
    return out;
  }

  // The module name ("<unknown>" for index -1, the symbols' code file when
  // they name one, else the memoryMap debug file) and the symbols.
  static Target Resolve(const FrameRef& f, const Job& job,
                        const std::vector<const Lookup*>& lookups) {
    if (f.module_index < 0) return {"<unknown>"};
    const auto i = static_cast<size_t>(f.module_index);
    const Lookup* l = lookups[i];
    if (l == nullptr || l->file == nullptr) return {job.modules[i].debug_file};
    return {l->code_file.empty() ? job.modules[i].debug_file : l->code_file,
            f.has_offset ? l->file.get() : nullptr};
  }

  // The processor's lookup (stackwalk::FrameSymbolizer::Fill), made only
  // when there is something to look up (a SymbolizedAddress is a hundred
  // bytes to clear).
  static symbols::SymbolizedAddress Symbolize(const Target& t,
                                              const FrameRef& f) {
    return t.symbols != nullptr ? t.symbols->Symbolize(f.offset, true)
                                : symbols::SymbolizedAddress();
  }

  Status CountInlines(const symbols::SymbolizedAddress& sa) {
    if (!sa.has_function || sa.inlines.empty()) return Status();
    inlines_ += sa.inlines.size();
    if (inlines_ > max_inlines_) {
      return Status::LimitExceeded(fmt::format(
          "symbolicated frames have more than {} inline frames", max_inlines_));
    }
    return Status();
  }

  // "0x<hex>", or "-0x1" for offset -1, in `buf`.
  static std::string_view OffsetText(const FrameRef& f, char (&buf)[18]) {
    if (!f.has_offset) return "-0x1";
    buf[0] = '0';
    buf[1] = 'x';
    char* end = std::to_chars(buf + 2, buf + sizeof(buf), f.offset, 16).ptr;
    return std::string_view(buf, static_cast<size_t>(end - buf));
  }

  // Keys in sorted order: file, frame, function, function_offset, inlines,
  // line, module, module_offset. "file" only when known, "line" only with a
  // file and only when non-zero (Eliot).
  Status WriteFrame(size_t index, const FrameRef& f, const Job& job,
                    const std::vector<const Lookup*>& lookups) {
    const Target t = Resolve(f, job, lookups);
    const symbols::SymbolizedAddress sa = Symbolize(t, f);
    CB_RETURN_IF_ERROR(CountInlines(sa));
    const bool has_file = sa.has_function && !sa.source_file.empty();
    w_.BeginObject();
    if (has_file) {
      w_.PlainKey("file");
      w_.String(sa.source_file);
    }
    w_.PlainKey("frame");
    w_.Unsigned(index);
    if (sa.has_function) {
      w_.PlainKey("function");
      w_.String(sa.function_name);
      w_.PlainKey("function_offset");
      w_.HexString(f.offset - sa.function_base);
      if (!sa.inlines.empty()) {
        w_.PlainKey("inlines");
        w_.BeginArray();
        for (const symbols::InlineFrame& in : sa.inlines) {
          const bool in_file = !in.source_file.empty();
          w_.BeginObject();
          if (in_file) {
            w_.PlainKey("file");
            w_.String(in.source_file);
          }
          w_.PlainKey("function");
          w_.String(in.function_name);
          if (in_file && in.source_line != 0) {
            w_.PlainKey("line");
            w_.Integer(in.source_line);
          }
          w_.EndObject();
        }
        w_.EndArray();
      }
      if (has_file && sa.source_line != 0) {
        w_.PlainKey("line");
        w_.Integer(sa.source_line);
      }
    }
    w_.PlainKey("module");
    w_.String(t.module);
    w_.PlainKey("module_offset");
    if (f.has_offset) {
      w_.HexString(f.offset);
    } else {
      w_.String("-0x1");
    }
    w_.EndObject();
    return Status();
  }

  ModuleCache cache_;
  JsonWriter w_;
  const size_t max_inlines_;
  size_t inlines_ = 0;  // in the whole answer so far
};

size_t ReservedBytes(const Job& job, size_t per_frame) {
  return job.frame_count * per_frame +
         job.modules.size() * kReservedBytesPerModule + 64;
}

}  // namespace

Result<std::string> SymbolicateV5(std::string_view body,
                                  symbols::SymbolSupplier& supplier,
                                  const SymbolicateOptions& options) {
  // The request's JSON is gone before the answer is written.
  CB_ASSIGN_OR_RETURN(std::vector<Job> jobs,
                      internal::ReadV5Request(body, options));
  std::string out;
  size_t reserved = 32;
  for (const Job& job : jobs)
    reserved += ReservedBytes(job, kReservedBytesPerV5Frame);
  out.reserve(reserved);
  AnswerWriter answer(supplier, &out, options.max_inlines);
  JsonWriter& w = answer.writer();
  w.BeginObject();
  w.PlainKey("results");
  w.BeginArray();
  for (const Job& job : jobs) CB_RETURN_IF_ERROR(answer.WriteV5Result(job));
  w.EndArray();
  w.EndObject();
  w.Finish();
  return out;
}

Result<std::string> SymbolicateV4(std::string_view body,
                                  symbols::SymbolSupplier& supplier,
                                  const SymbolicateOptions& options) {
  CB_ASSIGN_OR_RETURN(Job job, internal::ReadV4Request(body, options));
  std::string out;
  out.reserve(ReservedBytes(job, kReservedBytesPerV4Frame));
  AnswerWriter answer(supplier, &out, options.max_inlines);
  CB_RETURN_IF_ERROR(answer.WriteV4(job));
  answer.writer().Finish();
  return out;
}

}  // namespace crashbox::symbolicate
