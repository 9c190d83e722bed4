// SPDX-License-Identifier: MPL-2.0
// Frame-level normalization: which field of a frame stands for it
// (SOCORRO.md §3.4 "normalize_frame precedence") and the frame expansion that
// feeds it.
#include "app/signature/normalize.h"

#include <array>
#include <stdexcept>

#include <fmt/format.h>

#include "app/base/py_unicode.h"
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

// fix_missing_module. The tuple (path, function) is hashed first, so an
// unhashable function fails even when nothing would match.
void FixRustMissingModule(FrameFields& f) {
  const nlohmann::json* function = f.Function();
  if (function && (function->is_array() || function->is_object())) {
    throw PyError(
        fmt::format("unhashable type: '{}'", base::PyTypeName(*function)));
  }
  std::optional<std::string> path =
      Truthy(f.file) ? ParseSourceFile(AsStr(f.file, "split")) : std::nullopt;
  if (!path || !function || !function->is_string()) return;
  for (const RustFix& fix : kRustFixes) {
    if (*path == fix.path && *function == fix.function) {
      f.function_override = std::string(fix.fixed);
      return;
    }
  }
}

// Python hex(int(text, 16)); text Python cannot parse is returned as it is
// (str() of it, for a value that is not a str).
std::string StripLeadingZeros(const nlohmann::json* value) {
  if (!value || !value->is_string()) return PyFormat(value);
  const std::string& text = value->get_ref<const std::string&>();
  std::optional<base::PyIntDigits> n = base::PyParseInt(text, 16);
  if (!n) return text;
  return fmt::format("{}0x{}", n->negative ? "-" : "", n->digits);
}

// file.rstrip("/\\") then the part after the last "\\" (if any) or "/".
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

// One frame_generator entry: `values` supplies function, file and line;
// `frame` the module and offsets.
FrameFields Entry(const nlohmann::json& frame, const nlohmann::json& values,
                  bool with_unloaded) {
  FrameFields f;
  f.module = Get(frame, "module");
  f.function = Get(values, "function");
  f.file = Get(values, "file");
  f.line = Get(values, "line");
  f.module_offset = Get(frame, "module_offset");
  f.offset = Get(frame, "offset");
  if (with_unloaded) f.unloaded_modules = Get(frame, "unloaded_modules");
  return f;
}

}  // namespace

std::string NormalizeFrame(const FrameFields& f, const Siglists& lists) {
  const nlohmann::json* function = f.Function();
  const nlohmann::json* module = f.Module();
  if (Truthy(function)) {
    const std::string& name = AsStr(function, "endswith");
    std::string line = PyFormat(f.line);
    if (Truthy(f.file)) {
      std::optional<std::string> path = ParseSourceFile(AsStr(f.file, "split"));
      if (path && path->ends_with(".rs"))
        return NormalizeRustFunction(name, line, lists);
    }
    return NormalizeCppFunction(name, line, lists);
  }
  // The raw file string is used: a VCS path keeps its ":rev" suffix.
  if (Truthy(f.file) && Truthy(f.line))
    return fmt::format("{}#{}", BaseName(AsStr(f.file, "rstrip")),
                       PyStr(*f.line));
  // No offsets since bug 1895527: "libfoo.so", not "libfoo.so@0x1234".
  if (Truthy(module)) return StripBrackets(AsStr(module, "strip"));
  if (!Truthy(f.module_offset)) {
    if (Truthy(f.unloaded_modules)) {
      const nlohmann::json& list = *f.unloaded_modules;
      if (list.is_object()) {
        // unloaded_modules[0] on a dict: KeyError, which the rule's except
        // clause reports through a method Result does not have.
        throw PyError("'Result' object has no attribute 'note'");
      }
      if (list.is_string())
        throw PyError("'str' object has no attribute 'get'");
      if (!list.is_array()) {
        throw PyError(fmt::format("'{}' object is not subscriptable",
                                  base::PyTypeName(list)));
      }
      const nlohmann::json* name = Get(list[0], "module");
      if (Truthy(name)) return fmt::format("(unloaded {})", PyStr(*name));
    }
    if (Truthy(f.offset)) return "@" + StripLeadingZeros(f.offset);
  }
  return {};
}

std::vector<std::string> NormalizeFrames(const nlohmann::json& thread,
                                         bool lower_case_modules,
                                         const Siglists& lists) {
  // thread_data.get("frames", []): only an absent key gives the default.
  if (!thread.is_object()) {
    throw PyError(fmt::format("'{}' object has no attribute 'get'",
                              base::PyTypeName(thread)));
  }
  auto frames_it = thread.find("frames");
  if (frames_it == thread.end()) return {};
  std::vector<std::string> out;
  // Each entry is normalized as soon as it is produced: the first error
  // Python meets is the one it reports.
  auto add = [&](FrameFields f) {
    FixRustMissingModule(f);
    const nlohmann::json* module = f.Module();
    if (lower_case_modules && Truthy(module))
      f.module_override = base::PyLower(AsStr(module, "lower"));
    out.push_back(NormalizeFrame(f, lists));
  };
  for (const nlohmann::json& frame : IterDicts(&*frames_it)) {
    if (out.size() >= kMaxFramesToConsider) break;
    const nlohmann::json* inlines = Get(frame, "inlines");
    if (Truthy(inlines)) {
      for (const nlohmann::json& in : IterDicts(inlines)) {
        add(Entry(frame, in, /*with_unloaded=*/false));
        if (out.size() >= kMaxFramesToConsider) return out;
      }
    }
    add(Entry(frame, frame, /*with_unloaded=*/true));
  }
  return out;
}

}  // namespace crashbox::signature
