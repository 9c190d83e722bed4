// SPDX-License-Identifier: MPL-2.0
// Java signatures (SOCORRO.md §3.6): JavaSignatureTool over the text stack
// trace and JavaExceptionSignatureTool over the structured exception.
#include <fmt/format.h>

#include "app/base/py_unicode.h"
#include "app/signature/json_util.h"
#include "app/signature/rules/rules.h"

namespace crashbox::signature::rules {
namespace {

using base::PySplitLines;
using base::PyStrip;

// re.sub(r"@[0-9a-f]{8}", "@<addr>"): object addresses differ per run.
std::string HideAddresses(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '@' && i + 9 <= s.size() &&
        s.substr(i + 1, 8).find_first_not_of("0123456789abcdef") ==
            std::string_view::npos) {
      out += "@<addr>";
      i += 9;
    } else {
      out += s[i++];
    }
  }
  return out;
}

// re.sub(r"\.java\:\d+\)$", ".java)"): line numbers change between builds.
// \d is any Unicode decimal digit, as in Python.
std::string DropJavaLineNumber(std::string_view s) {
  if (!s.ends_with(")")) return std::string(s);
  std::string_view body = s.substr(0, s.size() - 1);
  size_t i = body.size();
  bool any = false;
  while (i > 0) {  // walk back over digits, one code point at a time
    size_t start = i - 1;
    while (start > 0 &&
           (static_cast<unsigned char>(body[start]) & 0xC0) == 0x80)
      --start;
    size_t next = start;
    if (base::PyDecimalValue(base::NextCodePoint(body, &next)) < 0) break;
    i = start;
    any = true;
  }
  if (!any || i == 0 || s[i - 1] != ':') return std::string(s);
  std::string_view head = s.substr(0, i - 1);
  if (!head.ends_with(".java")) return std::string(s);
  return std::string(head) + ")";
}

std::string JoinNonEmpty(std::string_view sep,
                         std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

StackSignature BadFormat(std::string_view tool, std::string_view what,
                         std::string note) {
  return {fmt::format("EMPTY: Java {} not in expected format", what),
          {fmt::format("{}: {}", tool, note)},
          {}};
}

}  // namespace

StackSignature JavaSignature(const nlohmann::json& trace) {
  constexpr std::string_view kTool = "JavaSignatureTool";
  if (!trace.is_string())
    return BadFormat(kTool, "stack trace",
                     "stack trace not in expected format");
  std::vector<std::string_view> lines =
      PySplitLines(trace.get_ref<const std::string&>());
  if (lines.empty())
    return BadFormat(kTool, "stack trace",
                     "stack trace not in expected format");
  for (std::string_view& l : lines) l = PyStrip(l);

  StackSignature out;
  std::string klass, description;
  if (size_t colon = lines[0].find(':'); colon != std::string_view::npos) {
    klass = PyStrip(lines[0].substr(0, colon));
    description = PyStrip(HideAddresses(lines[0].substr(colon + 1)));
  } else {
    klass = lines[0];
    out.notes.push_back(
        "JavaSignatureTool: stack trace line 1 is not in the expected format");
  }
  std::string method;
  if (lines.size() < 2) {
    out.notes.push_back("JavaSignatureTool: stack trace line 2 is missing");
  } else {
    method = DropJavaLineNumber(lines[1]);
    if (method.empty())
      out.notes.push_back("JavaSignatureTool: stack trace line 2 is empty");
  }
  // Socorro keeps a historical missing ": " between description and method
  // unless the description ends with an address (bug 865142).
  if (description.ends_with("<addr>")) {
    out.signature = JoinNonEmpty(": ", {klass, description, method});
  } else {
    out.signature =
        JoinNonEmpty(": ", {klass, JoinNonEmpty(" ", {description, method})});
  }
  if (Utf8Length(out.signature) > kSignatureMaxLength) {
    out.signature = fmt::format("{}: {}", klass, method);
    out.notes.push_back(
        "JavaSignatureTool: dropped Java exception description due to length");
  }
  return out;
}

StackSignature JavaExceptionSignature(const nlohmann::json& exc) {
  constexpr std::string_view kTool = "JavaExceptionSignatureTool";
  const nlohmann::json* values = Field(exc, "exception")
                                     ? Field(*Field(exc, "exception"), "values")
                                     : nullptr;
  const nlohmann::json* first = values && values->is_array() && !values->empty()
                                    ? &(*values)[0]
                                    : nullptr;
  const nlohmann::json* st = first ? Field(*first, "stacktrace") : nullptr;
  // Falsy values count as missing, as Python's `x.get(k) or default` and
  // `if not stacktrace` read them: an empty stacktrace object is not in the
  // expected format, and an empty type is "Unknown".
  if (!st || !st->is_object() || st->empty())
    return BadFormat(kTool, "exception", "value not in expected format");

  std::string type =
      TruthyField(*st, "type") ? PyStr((*st)["type"]) : "Unknown";
  std::string module = TruthyField(*st, "module") ? PyStr((*st)["module"]) : "";
  std::string klass = module.empty() ? type : module + "." + type;

  const nlohmann::json* frames = Field(*st, "frames");
  StackSignature out;
  if (!frames || !frames->is_array() || frames->empty()) {
    out.signature = klass;
    return out;
  }
  const nlohmann::json& f = (*frames)[0];
  std::string where = JoinNonEmpty(
      ".", {TruthyField(f, "module") ? PyStr(f["module"]) : "",
            TruthyField(f, "function") ? PyStr(f["function"]) : ""});
  if (TruthyField(f, "filename")) where += "(" + PyStr(f["filename"]) + ")";
  if (where.empty()) where = "unknown";
  out.signature = fmt::format("{}: at {}", klass, where);
  return out;
}

}  // namespace crashbox::signature::rules
