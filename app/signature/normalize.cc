// SPDX-License-Identifier: MPL-2.0
// Frame-level normalization: which field of a frame stands for it
// (SOCORRO.md §3.4 "normalize_frame precedence") and the frame expansion that
// feeds it.
#include "app/signature/normalize.h"

#include <array>
#include <stdexcept>

#include <fmt/format.h>

#include "app/signature/json_util.h"

namespace crashbox::signature {
namespace {

// Rust 1.34 emitted panic helpers without their module path; Socorro puts it
// back (bug 1544246) so sentinels and lists see the full name.
struct RustFix {
  std::string_view path, function, fixed;
};
constexpr std::array<RustFix, 9> kRustFixes{{
    {"src/liballoc/raw_vec.rs", "capacity_overflow",
     "alloc::raw_vec::capacity_overflow"},
    {"src/libcore/option.rs", "expect_failed", "core::option::expect_failed"},
    {"src/libcore/panicking.rs", "panic_bounds_check",
     "core::panicking::panic_bounds_check"},
    {"src/libcore/panicking.rs", "panic_fmt", "core::panicking::panic_fmt"},
    {"src/libcore/panicking.rs", "panic", "core::panicking::panic"},
    {"src/libcore/slice/mod.rs", "slice_index_order_fail",
     "core::slice::slice_index_order_fail"},
    {"src/libstd/panicking.rs", "begin_panic_fmt",
     "std::panicking::begin_panic_fmt"},
    {"src/libstd/panicking.rs", "continue_panic_fmt",
     "std::panicking::continue_panic_fmt"},
    {"src/libstd/panicking.rs", "rust_panic_with_hook",
     "std::panicking::rust_panic_with_hook"},
}};

void FixRustMissingModule(FrameFields& f) {
  std::optional<std::string> path = ParseSourceFile(f.file);
  if (!path) return;
  for (const RustFix& fix : kRustFixes) {
    if (*path == fix.path && f.function == fix.function) {
      f.function = fix.fixed;
      return;
    }
  }
}

// Python hex(int(text, 16)); unparsable text is returned unchanged.
std::string StripLeadingZeros(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  std::string sign;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    if (s.front() == '-') sign = "-";
    s.remove_prefix(1);
  }
  if (s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
    s.remove_prefix(2);
  if (s.empty()) return std::string(text);
  std::string digits;
  for (char c : s) {
    if (c == '_') continue;  // Python accepts digit separators
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::string(text);
    if (digits.empty() && c == '0') continue;
    digits += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (digits.empty()) return "0x0";
  if (s.front() == '_' || s.back() == '_') return std::string(text);
  return sign + "0x" + digits;
}

std::string BaseName(std::string_view file) {
  size_t end = file.find_last_not_of("/\\");
  std::string_view f = end == std::string_view::npos ? std::string_view()
                                                     : file.substr(0, end + 1);
  size_t p =
      f.find('\\') != std::string_view::npos ? f.rfind('\\') : f.rfind('/');
  return std::string(p == std::string_view::npos ? f : f.substr(p + 1));
}

std::string StripBrackets(std::string_view m) {
  size_t b = m.find_first_not_of("[]");
  if (b == std::string_view::npos) return {};
  return std::string(m.substr(b, m.find_last_not_of("[]") - b + 1));
}

FrameFields Fields(const nlohmann::json& frame) {
  FrameFields f;
  if (!frame.is_object()) return f;
  f.module = StrField(frame, "module");
  f.function = StrField(frame, "function");
  f.file = StrField(frame, "file");
  const nlohmann::json* line = Field(frame, "line");
  f.line = line ? PyStr(*line) : "None";
  f.line_truthy = line && Truthy(*line);
  f.module_offset = StrField(frame, "module_offset");
  f.offset = StrField(frame, "offset");
  if (const nlohmann::json* u = Field(frame, "unloaded_modules");
      u && u->is_array() && !u->empty()) {
    f.first_unloaded_module = StrField((*u)[0], "module");
  }
  return f;
}

}  // namespace

std::string NormalizeFrame(const FrameFields& f, const Siglists& lists) {
  if (!f.function.empty()) {
    std::optional<std::string> path = ParseSourceFile(f.file);
    if (path && path->ends_with(".rs"))
      return NormalizeRustFunction(f.function, f.line, lists);
    return NormalizeCppFunction(f.function, f.line, lists);
  }
  // The raw file string is used: a VCS path keeps its ":rev" suffix.
  if (!f.file.empty() && f.line_truthy)
    return fmt::format("{}#{}", BaseName(f.file), f.line);
  // No offsets since bug 1895527: "libfoo.so", not "libfoo.so@0x1234".
  if (!f.module.empty()) return StripBrackets(f.module);
  if (!f.first_unloaded_module.empty())
    return fmt::format("(unloaded {})", f.first_unloaded_module);
  if (!f.offset.empty()) return "@" + StripLeadingZeros(f.offset);
  return {};
}

std::vector<std::string> NormalizeFrames(const nlohmann::json& frames,
                                         bool lower_case_modules,
                                         const Siglists& lists) {
  std::vector<FrameFields> entries;
  if (frames.is_array()) {
    for (const nlohmann::json& frame : frames) {
      if (entries.size() >= kMaxFramesToConsider) break;
      FrameFields real = Fields(frame);
      const nlohmann::json* inlines =
          frame.is_object() ? Field(frame, "inlines") : nullptr;
      if (inlines && inlines->is_array()) {
        for (const nlohmann::json& in : *inlines) {
          if (entries.size() >= kMaxFramesToConsider) break;
          FrameFields f = Fields(in);
          f.module = real.module;
          f.module_offset = real.module_offset;
          f.offset = real.offset;
          f.first_unloaded_module.clear();
          entries.push_back(std::move(f));
        }
      }
      if (entries.size() < kMaxFramesToConsider)
        entries.push_back(std::move(real));
    }
  }
  std::vector<std::string> out;
  out.reserve(entries.size());
  for (FrameFields& f : entries) {
    FixRustMissingModule(f);
    if (lower_case_modules) {
      for (char& c : f.module)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    out.push_back(NormalizeFrame(f, lists));
  }
  return out;
}

}  // namespace crashbox::signature
