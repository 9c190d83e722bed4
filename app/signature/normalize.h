// SPDX-License-Identifier: MPL-2.0
// Frame normalization (SOCORRO.md §3.4): turns one stack frame into the string
// that stands for it in a signature. Pure functions of their inputs; the
// Siglists are only read (line-number list). Exposed for the rules and tests.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/signature/siglists.h"

namespace crashbox::signature {

// Socorro's MAXIMUM_FRAMES_TO_CONSIDER: inline entries count too.
inline constexpr size_t kMaxFramesToConsider = 40;

// parse_source_file: the path part of a frame's `file`: 4 ':'-separated parts
// (VCS "hg:host/repo:path:rev") → 3rd; 2 parts ("C:\path") → 2nd; else the
// whole string when it starts with '/'; else nullopt (also for "").
std::optional<std::string> ParseSourceFile(std::string_view file);

// drop_prefix_and_return_type: "static void * A<B>::f(int)" → "A<B>::f(int)".
std::string DropPrefixAndReturnType(std::string_view function);

// `<...>` regions → "<T>" with Socorro's exceptions (name omitted, " as ",
// " in ", after "operator", recursive inside IPC::ParamTraits<...>).
std::string CollapseTypes(std::string_view function);
// `(...)` regions removed, except "(anonymous namespace)" and after "operator".
std::string CollapseArguments(std::string_view function);

// `line_text` is Python's str(line): decimal, or "None" when absent; it is
// appended as ":<line_text>" when the function matches the line-number list.
std::string NormalizeCppFunction(std::string_view function,
                                 std::string_view line_text,
                                 const Siglists& lists);
std::string NormalizeRustFunction(std::string_view function,
                                  std::string_view line_text,
                                  const Siglists& lists);

// One entry of Socorro's frame_generator: the frame's (or, for an inline,
// the inline's) values, any JSON type, null when absent. `module` and
// `function` may be replaced (Windows lower-casing, the Rust 1.34 fix).
struct FrameFields {
  const nlohmann::json* module = nullptr;
  const nlohmann::json* function = nullptr;
  const nlohmann::json* file = nullptr;
  const nlohmann::json* line = nullptr;
  const nlohmann::json* module_offset = nullptr;
  const nlohmann::json* offset = nullptr;
  const nlohmann::json* unloaded_modules = nullptr;
  std::optional<nlohmann::json> module_override, function_override;

  const nlohmann::json* Module() const {
    return module_override ? &*module_override : module;
  }
  const nlohmann::json* Function() const {
    return function_override ? &*function_override : function;
  }
};

// normalize_frame: function (Rust or C++) → file#line → module → (unloaded m)
// → @offset → "". Throws PyError where Python would raise for a value's type.
std::string NormalizeFrame(const FrameFields& frame, const Siglists& lists);

// create_frame_list over one thread: expands inline frames (innermost first,
// before their physical frame), stops at kMaxFramesToConsider entries (what
// lies beyond is never read, as in Python's lazy islice), applies the Rust
// 1.34 module fix and Windows module lower-casing, and normalizes each entry.
// `thread` is threads[i] as glom found it. Throws PyError where Python raises.
std::vector<std::string> NormalizeFrames(const nlohmann::json& thread,
                                         bool lower_case_modules,
                                         const Siglists& lists);

}  // namespace crashbox::signature
