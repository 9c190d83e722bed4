// SPDX-License-Identifier: MPL-2.0
#include "app/symbolicate/request_internal.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>
#include <set>
#include <span>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace crashbox::symbolicate::internal {
namespace {

using Json = nlohmann::json;

// Longest leaf name a symbol directory can hold (NAME_MAX), and the longest
// id the directory supplier accepts.
constexpr size_t kMaxDebugFileBytes = 255;
constexpr size_t kMaxDebugIdBytes = 128;
// Members besides memoryMap and stacks a request may carry ("version", a
// client's own fields) before they count against the value bound.
constexpr uint64_t kSlackValues = 64;

// Why a job is invalid: the text after "job <i> has invalid modules: " or
// "... stacks: ".
struct JobError {
  bool in_modules = false;
  std::string why;
};

uint64_t SatAdd(uint64_t a, uint64_t b) {
  return a > std::numeric_limits<uint64_t>::max() - b
             ? std::numeric_limits<uint64_t>::max()
             : a + b;
}
uint64_t SatMul(uint64_t a, uint64_t b) {
  return b != 0 && a > std::numeric_limits<uint64_t>::max() / b
             ? std::numeric_limits<uint64_t>::max()
             : a * b;
}

// Twice the JSON values (each array, object, string, number, ...) a request
// within `o` can hold ([debug_file, debug_id] is 3, a frame 3, a stack 1):
// a request up to twice too large still gets the precise message.
uint64_t MaxValues(const SymbolicateOptions& o) {
  uint64_t per_job =
      SatAdd(SatAdd(3 + kSlackValues, SatMul(3, o.max_modules_per_job)),
             o.max_stacks_per_job);
  return SatMul(2, SatAdd(SatAdd(2 + kSlackValues, SatMul(o.max_jobs, per_job)),
                          SatMul(3, o.max_frames)));
}

// Whether arrays and objects nest deeper than `max_depth`, counting brackets
// outside strings. Runs before the parser, whose DOM builder keeps a pointer
// per open level: a megabyte of "[" must cost nothing. Malformed text may
// miscount; the parser then rejects it anyway.
bool NestsDeeperThan(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

Result<Json> ParseBody(std::string_view body, const SymbolicateOptions& o) {
  if (NestsDeeperThan(body, o.max_depth)) {
    return Status::InvalidArgument(
        fmt::format("payload nests deeper than {} levels", o.max_depth));
  }
  // Values past the bound are discarded as they are parsed, so the DOM never
  // outgrows what a request within the limits can need, whatever the body.
  const uint64_t max_values = MaxValues(o);
  uint64_t values = 0;
  bool too_many = false;
  Json::parser_callback_t count = [&](int, Json::parse_event_t event, Json&) {
    if (event != Json::parse_event_t::object_start &&
        event != Json::parse_event_t::array_start &&
        event != Json::parse_event_t::value) {
      return true;
    }
    if (++values <= max_values) return true;
    too_many = true;
    return false;
  };
  Json doc;
  try {
    doc = Json::parse(body.begin(), body.end(), count,
                      /*allow_exceptions=*/false);
  } catch (const Json::exception&) {
    doc = Json(Json::value_t::discarded);
  }
  if (doc.is_discarded()) {
    return Status::InvalidArgument("Payload is not valid JSON");
  }
  if (too_many) {
    return Status::InvalidArgument(
        fmt::format("payload has more than {} values", max_values));
  }
  return doc;
}

// Eliot's VALID_DEBUG_FILENAME, [A-Za-z0-9_.+{}@<> -]*, plus crashbox's
// bounds: a name that is a path component of the symbol directories, never
// "." or "..".
bool IsValidDebugFile(const std::string& s) {
  if (s.size() > kMaxDebugFileBytes || s == "." || s == "..") return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    // ASCII only, whatever the locale (std::isalnum's is not fixed).
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') ||
           std::string_view("_.+{}@<> -").find(c) != std::string_view::npos;
  });
}

bool IsValidDebugId(const std::string& s) {
  return s.size() <= kMaxDebugIdBytes &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c));
         });
}

// Eliot's validate_modules.
std::optional<std::string> ReadModules(const Json& modules,
                                       const SymbolicateOptions& o,
                                       std::vector<Module>* out) {
  if (!modules.is_array()) return "modules must be a list";
  if (modules.size() > o.max_modules_per_job)
    return fmt::format("more than {} modules", o.max_modules_per_job);
  out->reserve(modules.size());
  for (size_t i = 0; i < modules.size(); ++i) {
    const Json& item = modules[i];
    if (!item.is_array() || item.size() != 2) {
      return fmt::format(
          "module index {} does not have a debug_filename and debug_id", i);
    }
    if (!item[0].is_string() ||
        !IsValidDebugFile(item[0].get_ref<const std::string&>())) {
      return fmt::format("module index {} has an invalid debug_filename", i);
    }
    if (!item[1].is_string() ||
        !IsValidDebugId(item[1].get_ref<const std::string&>())) {
      return fmt::format("module index {} has an invalid debug_id", i);
    }
    out->push_back({item[0].get<std::string>(), item[1].get<std::string>()});
  }
  return std::nullopt;
}

// A JSON integer (not a bool, not a float) as a module index in
// [-1, module_count); nullopt when it is not an integer (`*is_integer` false)
// or out of that range.
std::optional<int64_t> ModuleIndex(const Json& v, size_t module_count,
                                   bool* is_integer) {
  *is_integer = v.is_number_integer();
  if (!*is_integer) return std::nullopt;
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u < module_count) return static_cast<int64_t>(u);
    return std::nullopt;
  }
  int64_t i = v.get<int64_t>();
  if (i >= -1 && (i < 0 || static_cast<uint64_t>(i) < module_count)) return i;
  return std::nullopt;
}

// Eliot's validate_stacks, plus the stack and frame bounds.
std::optional<std::string> ReadStacks(const Json& stacks, size_t module_count,
                                      const SymbolicateOptions& o, Job* job) {
  if (!stacks.is_array()) return "stacks must be a list of lists";
  if (stacks.empty()) return "no stacks specified";
  if (stacks.size() > o.max_stacks_per_job)
    return fmt::format("more than {} stacks", o.max_stacks_per_job);
  job->stacks.resize(stacks.size());
  for (size_t s = 0; s < stacks.size(); ++s) {
    const Json& stack = stacks[s];
    if (!stack.is_array()) return fmt::format("stack {} is not a list", s);
    std::vector<FrameRef>& frames = job->stacks[s];
    frames.reserve(std::min(stack.size(), o.max_frames_per_job));
    for (size_t f = 0; f < stack.size(); ++f) {
      if (++job->frame_count > o.max_frames_per_job)
        return fmt::format("more than {} frames", o.max_frames_per_job);
      const Json& frame = stack[f];
      if (!frame.is_array() || frame.size() != 2) {
        return fmt::format("stack {} frame {} is not a list of two items", s,
                           f);
      }
      bool is_integer = false;
      std::optional<int64_t> index =
          ModuleIndex(frame[0], module_count, &is_integer);
      if (!is_integer) {
        return fmt::format("stack {} frame {} has an invalid module_index", s,
                           f);
      }
      if (!index) {
        return fmt::format(
            "stack {} frame {} has a module_index that isn't in modules", s, f);
      }
      const Json& offset = frame[1];
      FrameRef ref{*index};
      if (offset.is_number_unsigned()) {
        ref.has_offset = true;
        ref.offset = offset.get<uint64_t>();
      } else if (offset.is_number_integer() && offset.get<int64_t>() >= 0) {
        ref.has_offset = true;
        ref.offset = static_cast<uint64_t>(offset.get<int64_t>());
      } else if (!offset.is_number_integer() || offset.get<int64_t>() != -1) {
        // Not an integer, below -1, or past 64 bits (parsed as a float).
        return fmt::format("stack {} frame {} has an invalid module_offset", s,
                           f);
      }
      frames.push_back(ref);
    }
  }
  return std::nullopt;
}

// One job's checks in Eliot's order: modules, then stacks. A missing member
// is an empty list, as job.get("stacks", []) makes it.
std::optional<JobError> ReadJob(const Json& job, const SymbolicateOptions& o,
                                Job* out) {
  static const Json kEmpty = Json::array();
  auto member = [&](const char* name) -> const Json& {
    auto it = job.find(name);
    return it == job.end() ? kEmpty : *it;
  };
  if (auto why = ReadModules(member("memoryMap"), o, &out->modules))
    return JobError{true, std::move(*why)};
  if (auto why = ReadStacks(member("stacks"), out->modules.size(), o, out))
    return JobError{false, std::move(*why)};
  return std::nullopt;
}

// Every supplier lookup a request will make is known once it is read: each
// may be a download from a symbol server, so they are bounded up front.
Status CheckLookups(std::span<const Job> jobs, const SymbolicateOptions& o) {
  std::set<std::pair<std::string, std::string>> keys;
  for (const Job& job : jobs) {
    std::vector<bool> seen(job.modules.size());
    for (const std::vector<FrameRef>& stack : job.stacks) {
      for (const FrameRef& f : stack) {
        if (f.module_index < 0 || !f.has_offset) continue;
        auto i = static_cast<size_t>(f.module_index);
        const Module& m = job.modules[i];
        if (seen[i] || m.debug_file.empty() || m.debug_id.empty()) continue;
        seen[i] = true;
        keys.insert(LookupKey(m));
        if (keys.size() > o.max_lookups) {
          return Status::InvalidArgument(fmt::format(
              "please limit number of modules looked up in a single request "
              "to <= {}",
              o.max_lookups));
        }
      }
    }
  }
  return Status();
}

// The jobs of a v5 body (a body without "jobs" is one job), read and checked
// whole before any lookup.
Result<std::vector<Job>> ReadV5Jobs(const Json& doc,
                                    const SymbolicateOptions& o) {
  const Json* jobs = nullptr;  // null: `doc` is the one job
  if (doc.is_object()) {
    if (auto it = doc.find("jobs"); it != doc.end()) jobs = &*it;
  }
  if (jobs != nullptr && !jobs->is_array())
    return Status::InvalidArgument("job 0 is invalid");
  size_t count = jobs != nullptr ? jobs->size() : 1;
  if (count > o.max_jobs) {
    return Status::InvalidArgument(
        fmt::format("please limit number of jobs in a single request to <= {}",
                    o.max_jobs));
  }
  std::vector<Job> out(count);
  size_t frames = 0;
  for (size_t i = 0; i < count; ++i) {
    const Json& job = jobs != nullptr ? (*jobs)[i] : doc;
    if (!job.is_object())
      return Status::InvalidArgument(fmt::format("job {} is invalid", i));
    if (std::optional<JobError> e = ReadJob(job, o, &out[i])) {
      return Status::InvalidArgument(
          fmt::format("job {} has invalid {}: {}", i,
                      e->in_modules ? "modules" : "stacks", e->why));
    }
    frames += out[i].frame_count;
    if (frames > o.max_frames) {
      return Status::InvalidArgument(fmt::format(
          "please limit number of frames in a single request to <= {}",
          o.max_frames));
    }
  }
  return out;
}

// The v4 body's one job (a non-object body reads as an empty job).
Result<Job> ReadV4Job(const Json& doc, const SymbolicateOptions& o) {
  SymbolicateOptions v4 = o;
  v4.max_frames_per_job = std::min(o.max_frames_per_job, o.max_frames);
  static const Json kNoMembers = Json::object();
  Job job;
  if (std::optional<JobError> e =
          ReadJob(doc.is_object() ? doc : kNoMembers, v4, &job)) {
    return Status::InvalidArgument(
        fmt::format("job has invalid {}: {}",
                    e->in_modules ? "modules" : "stacks", e->why));
  }
  return job;
}

}  // namespace

std::pair<std::string, std::string> LookupKey(const Module& m) {
  std::string id = m.debug_id;
  for (char& c : id)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return {m.debug_file, std::move(id)};
}

Result<std::vector<Job>> ReadV5Request(std::string_view body,
                                       const SymbolicateOptions& o) {
  CB_ASSIGN_OR_RETURN(Json doc, ParseBody(body, o));
  CB_ASSIGN_OR_RETURN(std::vector<Job> jobs, ReadV5Jobs(doc, o));
  CB_RETURN_IF_ERROR(CheckLookups(jobs, o));
  return jobs;
}

Result<Job> ReadV4Request(std::string_view body, const SymbolicateOptions& o) {
  CB_ASSIGN_OR_RETURN(Json doc, ParseBody(body, o));
  CB_ASSIGN_OR_RETURN(Job job, ReadV4Job(doc, o));
  CB_RETURN_IF_ERROR(CheckLookups({&job, 1}, o));
  return job;
}

}  // namespace crashbox::symbolicate::internal
