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

// One frame as Socorro reads it; absent JSON values are empty strings.
struct FrameFields {
  std::string module;
  std::string function;
  std::string file;
  std::string line;          // str(line); "None" when absent/null
  bool line_truthy = false;  // Python truthiness of the JSON value
  std::string module_offset;
  std::string offset;
  std::string first_unloaded_module;  // unloaded_modules[0].module
};

// normalize_frame: function (Rust or C++) → file#line → module → (unloaded m)
// → @offset → "".
std::string NormalizeFrame(const FrameFields& frame, const Siglists& lists);

// Expands inline frames (innermost first, before their physical frame), caps at
// kMaxFramesToConsider, applies the Rust 1.34 module fix and Windows module
// lower-casing, and normalizes each entry. `frames` is threads[i].frames; a
// non-array yields an empty list. Throws nlohmann::json exceptions on
// wrongly-typed fields (the rule reports them as "Rule failed").
std::vector<std::string> NormalizeFrames(const nlohmann::json& frames,
                                         bool lower_case_modules,
                                         const Siglists& lists);

}  // namespace crashbox::signature
