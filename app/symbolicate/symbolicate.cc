// SPDX-License-Identifier: MPL-2.0
#include "app/symbolicate/symbolicate.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "app/base/strings.h"
#include "app/symbolicate/request_internal.h"
#include "app/symbols/stored/symbol_file.h"

namespace crashbox::symbolicate {
namespace {

using internal::FrameRef;
using internal::Job;
using internal::Module;
using Json = nlohmann::json;

// Symbol text as a JSON string: dump() refuses invalid UTF-8.
std::string Text(std::string_view s) {
  return base::IsValidUtf8(s) ? std::string(s) : base::Utf8Lossy(s);
}

std::string Hex(uint64_t v) { return fmt::format("{:#x}", v); }

// A JSON object built from members given in key order: nlohmann's object is
// a std::map, and appending at its end skips the key comparisons (map nodes
// are most of what an answer costs).
class SortedObject {
 public:
  SortedObject()
      : json_(Json::value_t::object), map_(json_.get_ref<Json::object_t&>()) {}
  void Add(const char* key, Json value) {
    map_.emplace_hint(map_.end(), key, std::move(value));
  }
  Json Take() { return std::move(json_); }

 private:
  Json json_;
  Json::object_t& map_;
};

Json ArrayOfSize(size_t n) {
  Json a = Json::array();
  a.get_ref<Json::array_t&>().reserve(n);
  return a;
}

// One module's symbols for a request.
struct Lookup {
  std::shared_ptr<const symbols::SymbolFile> file;  // null: not found
  std::string code_file;  // from INFO CODE_ID; empty: use the debug file
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
      it->second.code_file = Text(it->second.file->module_info().code_file);
    }
    return it->second;
  }

 private:
  symbols::SymbolSupplier& supplier_;
  std::map<std::pair<std::string, std::string>, Lookup> lookups_;
};

class JobSymbolicator {
 public:
  JobSymbolicator(ModuleCache& cache, size_t max_inlines, size_t* inlines)
      : cache_(cache), max_inlines_(max_inlines), inlines_(*inlines) {}

  // {"stacks", "found_modules"}, or kLimitExceeded past max_inlines.
  Result<Json> Run(const Job& job) {
    // Look up every module a frame with an offset needs first, so that
    // every frame of a found module is named after its code file.
    std::vector<const Lookup*> lookups(job.modules.size(), nullptr);
    for (const std::vector<FrameRef>& stack : job.stacks) {
      for (const FrameRef& f : stack) {
        if (f.module_index < 0 || !f.has_offset) continue;
        auto i = static_cast<size_t>(f.module_index);
        if (lookups[i] == nullptr) lookups[i] = &cache_.Find(job.modules[i]);
      }
    }
    Json stacks = ArrayOfSize(job.stacks.size());
    for (const std::vector<FrameRef>& stack : job.stacks) {
      Json frames = ArrayOfSize(stack.size());
      for (size_t j = 0; j < stack.size(); ++j) {
        const FrameRef& f = stack[j];
        const Module* m = nullptr;
        const Lookup* l = nullptr;
        if (f.module_index >= 0) {
          m = &job.modules[static_cast<size_t>(f.module_index)];
          l = lookups[static_cast<size_t>(f.module_index)];
        }
        CB_ASSIGN_OR_RETURN(Json frame, Frame(j, f, m, l));
        frames.push_back(std::move(frame));
      }
      stacks.push_back(std::move(frames));
    }
    // A debug file and id listed twice share one answer (Eliot's dict keeps
    // whichever entry came last, even one never looked up).
    Json found = Json::object();
    for (size_t i = 0; i < job.modules.size(); ++i) {
      Json& v =
          found[job.modules[i].debug_file + "/" + job.modules[i].debug_id];
      if (lookups[i] != nullptr) v = lookups[i]->file != nullptr;
    }
    Json out = Json::object();
    out["stacks"] = std::move(stacks);
    out["found_modules"] = std::move(found);
    return out;
  }

 private:
  // Keys in sorted order: file, frame, function, function_offset, inlines,
  // line, module, module_offset. "file" only when known, "line" only with a
  // file and only when non-zero (Eliot).
  Result<Json> Frame(size_t index, const FrameRef& f, const Module* m,
                     const Lookup* l) {
    const bool found = m != nullptr && l != nullptr && l->file != nullptr;
    symbols::SymbolizedAddress sa;
    // The processor's lookup (stackwalk::FrameSymbolizer::Fill).
    if (found && f.has_offset) sa = l->file->Symbolize(f.offset, true);
    const bool has_file = sa.has_function && !sa.source_file.empty();
    SortedObject out;
    if (has_file) out.Add("file", Text(sa.source_file));
    out.Add("frame", index);
    if (sa.has_function) {
      out.Add("function", Text(sa.function_name));
      out.Add("function_offset", Hex(f.offset - sa.function_base));
      if (!sa.inlines.empty()) {
        inlines_ += sa.inlines.size();
        if (inlines_ > max_inlines_) {
          return Status::LimitExceeded(
              fmt::format("symbolicated frames have more than {} inline frames",
                          max_inlines_));
        }
        out.Add("inlines", Inlines(sa.inlines));
      }
      if (has_file && sa.source_line != 0) out.Add("line", sa.source_line);
    }
    if (m == nullptr) {
      out.Add("module", "<unknown>");
    } else {
      out.Add("module",
              found && !l->code_file.empty() ? l->code_file : m->debug_file);
    }
    out.Add("module_offset", f.has_offset ? Hex(f.offset) : "-0x1");
    return out.Take();
  }

  static Json Inlines(const std::vector<symbols::InlineFrame>& inlines) {
    Json out = ArrayOfSize(inlines.size());
    for (const symbols::InlineFrame& in : inlines) {
      SortedObject o;
      const bool has_file = !in.source_file.empty();
      if (has_file) o.Add("file", Text(in.source_file));
      o.Add("function", Text(in.function_name));
      if (has_file && in.source_line != 0) o.Add("line", in.source_line);
      out.push_back(o.Take());
    }
    return out;
  }

  ModuleCache& cache_;
  const size_t max_inlines_;
  size_t& inlines_;
};

}  // namespace

Result<Json> SymbolicateV5(std::string_view body,
                           symbols::SymbolSupplier& supplier,
                           const SymbolicateOptions& options) {
  // The request's JSON is gone before the answer is built.
  CB_ASSIGN_OR_RETURN(std::vector<Job> jobs,
                      internal::ReadV5Request(body, options));
  ModuleCache cache(supplier);
  size_t inlines = 0;
  JobSymbolicator symbolicator(cache, options.max_inlines, &inlines);
  Json results = ArrayOfSize(jobs.size());
  for (const Job& job : jobs) {
    CB_ASSIGN_OR_RETURN(Json result, symbolicator.Run(job));
    results.push_back(std::move(result));
  }
  Json out = Json::object();
  out["results"] = std::move(results);
  return out;
}

Result<Json> SymbolicateV4(std::string_view body,
                           symbols::SymbolSupplier& supplier,
                           const SymbolicateOptions& options) {
  CB_ASSIGN_OR_RETURN(Job job, internal::ReadV4Request(body, options));
  ModuleCache cache(supplier);
  size_t inlines = 0;
  JobSymbolicator symbolicator(cache, options.max_inlines, &inlines);
  CB_ASSIGN_OR_RETURN(Json v5, symbolicator.Run(job));
  // Eliot's frame_to_function: the function, else the hex offset.
  Json stacks = Json::array();
  for (const Json& stack : v5["stacks"]) {
    Json names = Json::array();
    for (const Json& frame : stack) {
      const Json& what = frame.contains("function") ? frame["function"]
                                                    : frame["module_offset"];
      names.push_back(fmt::format("{} (in {})", what.get<std::string>(),
                                  frame["module"].get<std::string>()));
    }
    stacks.push_back(std::move(names));
  }
  Json known = Json::array();
  const Json& found = v5["found_modules"];
  for (const Module& m : job.modules) {
    auto it = found.find(m.debug_file + "/" + m.debug_id);
    known.push_back(it != found.end() ? *it : Json());
  }
  Json out = Json::object();
  out["symbolicatedStacks"] = std::move(stacks);
  out["knownModules"] = std::move(known);
  return out;
}

}  // namespace crashbox::symbolicate
