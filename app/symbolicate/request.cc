// SPDX-License-Identifier: MPL-2.0
#include "app/symbolicate/request_internal.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <optional>
#include <set>
#include <span>

#include <fmt/format.h>

#include "app/symbolicate/json_tape.h"

namespace crashbox::symbolicate::internal {
namespace {

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
// outside strings: the check crashbox made before parsing, so its message
// wins over "not valid JSON". On JSON text it agrees with the tape's
// handler, which stops the parser at the same bracket; only a body the
// parser refused (or one with bytes after a NUL, where nlohmann's input
// ends) needs the scan. Malformed text may miscount.
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

// The body as a tape, or the first of: too deep, not JSON, too many values
// (a tape never holds more values than a request within the limits can
// need, whatever the body).
Status ParseBody(std::string_view body, const SymbolicateOptions& o,
                 JsonTape* tape) {
  const uint64_t max_values = MaxValues(o);
  const JsonTape::Outcome outcome = tape->Parse(body, o.max_depth, max_values);
  // The parser saw every bracket of the body unless it refused the body or
  // a NUL byte ended its input early.
  const bool partly_read = outcome == JsonTape::Outcome::kInvalid ||
                           body.find('\0') != std::string_view::npos;
  const bool deep = outcome == JsonTape::Outcome::kTooDeep ||
                    (partly_read && NestsDeeperThan(body, o.max_depth));
  if (deep) {
    return Status::InvalidArgument(
        fmt::format("payload nests deeper than {} levels", o.max_depth));
  }
  if (outcome == JsonTape::Outcome::kInvalid) {
    return Status::InvalidArgument("Payload is not valid JSON");
  }
  if (outcome == JsonTape::Outcome::kTooManyValues) {
    return Status::InvalidArgument(
        fmt::format("payload has more than {} values", max_values));
  }
  return Status();
}

// Eliot's VALID_DEBUG_FILENAME, [A-Za-z0-9_.+{}@<> -]*, plus crashbox's
// bounds: a name that is a path component of the symbol directories, never
// "." or "..".
bool IsValidDebugFile(std::string_view s) {
  if (s.size() > kMaxDebugFileBytes || s == "." || s == "..") return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    // ASCII only, whatever the locale (std::isalnum's is not fixed).
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= '0' && c <= '9') ||
           std::string_view("_.+{}@<> -").find(c) != std::string_view::npos;
  });
}

bool IsValidDebugId(std::string_view s) {
  return s.size() <= kMaxDebugIdBytes &&
         std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c));
         });
}

// Eliot's validate_modules.
std::optional<std::string> ReadModules(JsonRef modules,
                                       const SymbolicateOptions& o,
                                       std::vector<Module>* out) {
  if (!modules.is_array()) return "modules must be a list";
  if (modules.size() > o.max_modules_per_job)
    return fmt::format("more than {} modules", o.max_modules_per_job);
  out->reserve(modules.size());
  JsonRef item = modules.First();
  for (size_t i = 0; i < modules.size(); ++i, item = item.Next()) {
    if (!item.is_array() || item.size() != 2) {
      return fmt::format(
          "module index {} does not have a debug_filename and debug_id", i);
    }
    const JsonRef file = item.First(), id = file.Next();
    if (!file.is_string() || !IsValidDebugFile(file.string()))
      return fmt::format("module index {} has an invalid debug_filename", i);
    if (!id.is_string() || !IsValidDebugId(id.string()))
      return fmt::format("module index {} has an invalid debug_id", i);
    out->push_back({std::string(file.string()), std::string(id.string())});
  }
  return std::nullopt;
}

// A JSON integer (not a bool, not a float) as a module index in
// [-1, module_count); nullopt when it is not an integer (`*is_integer` false)
// or out of that range.
std::optional<int64_t> ModuleIndex(JsonRef v, size_t module_count,
                                   bool* is_integer) {
  *is_integer = v.is_integer();
  if (!*is_integer) return std::nullopt;
  if (v.is_unsigned()) {
    uint64_t u = v.unsigned_value();
    if (u < module_count) return static_cast<int64_t>(u);
    return std::nullopt;
  }
  int64_t i = v.integer_value();
  if (i >= -1 && (i < 0 || static_cast<uint64_t>(i) < module_count)) return i;
  return std::nullopt;
}

// Eliot's validate_stacks, plus the stack and frame bounds.
std::optional<std::string> ReadStacks(JsonRef stacks, size_t module_count,
                                      const SymbolicateOptions& o, Job* job) {
  if (!stacks.is_array()) return "stacks must be a list of lists";
  if (stacks.size() == 0) return "no stacks specified";
  if (stacks.size() > o.max_stacks_per_job)
    return fmt::format("more than {} stacks", o.max_stacks_per_job);
  job->stacks.resize(stacks.size());
  JsonRef stack = stacks.First();
  for (size_t s = 0; s < stacks.size(); ++s, stack = stack.Next()) {
    if (!stack.is_array()) return fmt::format("stack {} is not a list", s);
    std::vector<FrameRef>& frames = job->stacks[s];
    frames.reserve(std::min(stack.size(), o.max_frames_per_job));
    JsonRef frame = stack.First();
    for (size_t f = 0; f < stack.size(); ++f, frame = frame.Next()) {
      if (++job->frame_count > o.max_frames_per_job)
        return fmt::format("more than {} frames", o.max_frames_per_job);
      if (!frame.is_array() || frame.size() != 2) {
        return fmt::format("stack {} frame {} is not a list of two items", s,
                           f);
      }
      bool is_integer = false;
      const JsonRef index_value = frame.First();
      std::optional<int64_t> index =
          ModuleIndex(index_value, module_count, &is_integer);
      if (!is_integer) {
        return fmt::format("stack {} frame {} has an invalid module_index", s,
                           f);
      }
      if (!index) {
        return fmt::format(
            "stack {} frame {} has a module_index that isn't in modules", s, f);
      }
      const JsonRef offset = index_value.Next();
      FrameRef ref{*index};
      if (offset.is_unsigned()) {
        ref.has_offset = true;
        ref.offset = offset.unsigned_value();
      } else if (offset.is_integer() && offset.integer_value() >= 0) {
        ref.has_offset = true;  // "-0"
        ref.offset = static_cast<uint64_t>(offset.integer_value());
      } else if (!offset.is_integer() || offset.integer_value() != -1) {
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
// is an empty list, as job.get("stacks", []) makes it; `job` is an object or
// nullopt (no members).
std::optional<JobError> ReadJob(std::optional<JsonRef> job,
                                const SymbolicateOptions& o, Job* out) {
  std::optional<JsonRef> modules, stacks;
  if (job) {
    modules = job->Find("memoryMap");
    stacks = job->Find("stacks");
  }
  if (modules) {
    if (auto why = ReadModules(*modules, o, &out->modules))
      return JobError{true, std::move(*why)};
  }
  if (!stacks) return JobError{false, "no stacks specified"};
  if (auto why = ReadStacks(*stacks, out->modules.size(), o, out))
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
Result<std::vector<Job>> ReadV5Jobs(JsonRef doc, const SymbolicateOptions& o) {
  const std::optional<JsonRef> jobs = doc.Find("jobs");  // none: `doc` is one
  if (jobs && !jobs->is_array())
    return Status::InvalidArgument("job 0 is invalid");
  size_t count = jobs ? jobs->size() : 1;
  if (count > o.max_jobs) {
    return Status::InvalidArgument(
        fmt::format("please limit number of jobs in a single request to <= {}",
                    o.max_jobs));
  }
  std::vector<Job> out(count);
  size_t frames = 0;
  JsonRef job = jobs ? jobs->First() : doc;
  for (size_t i = 0; i < count; ++i, job = job.Next()) {
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
Result<Job> ReadV4Job(JsonRef doc, const SymbolicateOptions& o) {
  SymbolicateOptions v4 = o;
  v4.max_frames_per_job = std::min(o.max_frames_per_job, o.max_frames);
  Job job;
  std::optional<JsonRef> members;
  if (doc.is_object()) members = doc;
  if (std::optional<JobError> e = ReadJob(members, v4, &job)) {
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
  JsonTape tape;
  CB_RETURN_IF_ERROR(ParseBody(body, o, &tape));
  CB_ASSIGN_OR_RETURN(std::vector<Job> jobs, ReadV5Jobs(tape.root(), o));
  CB_RETURN_IF_ERROR(CheckLookups(jobs, o));
  return jobs;
}

Result<Job> ReadV4Request(std::string_view body, const SymbolicateOptions& o) {
  JsonTape tape;
  CB_RETURN_IF_ERROR(ParseBody(body, o, &tape));
  CB_ASSIGN_OR_RETURN(Job job, ReadV4Job(tape.root(), o));
  CB_RETURN_IF_ERROR(CheckLookups({&job, 1}, o));
  return job;
}

}  // namespace crashbox::symbolicate::internal
