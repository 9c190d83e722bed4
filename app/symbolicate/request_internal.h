// SPDX-License-Identifier: MPL-2.0
// Private to app/symbolicate: the request model and the checks of a request
// (request.cc: Eliot's validate_modules / validate_stacks in their order, then
// crashbox's bounds), which symbolicate.cc answers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/base/status.h"
#include "app/symbolicate/symbolicate.h"

namespace crashbox::symbolicate::internal {

struct Module {
  std::string debug_file;  // as given (also the found_modules key)
  std::string debug_id;
};

struct FrameRef {
  int64_t module_index = -1;  // -1: not in a module
  bool has_offset = false;    // false: module_offset -1
  uint64_t offset = 0;
};

struct Job {
  std::vector<Module> modules;
  std::vector<std::vector<FrameRef>> stacks;
  size_t frame_count = 0;
};

// Parses a v5 body and checks all of it, the lookups it will need included:
// its jobs, or kInvalidArgument whose message is the 400 title (see
// symbolicate.h). The parsed JSON is dropped before returning.
Result<std::vector<Job>> ReadV5Request(std::string_view body,
                                       const SymbolicateOptions& o);
// The same for a v4 body: its one job ("job has invalid ..." messages).
Result<Job> ReadV4Request(std::string_view body, const SymbolicateOptions& o);

// What the supplier is asked for a module: its debug file and upper-cased
// (Breakpad form) id.
std::pair<std::string, std::string> LookupKey(const Module& m);

}  // namespace crashbox::symbolicate::internal
