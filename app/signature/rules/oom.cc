// SPDX-License-Identifier: MPL-2.0
// Out-of-memory and abort-message rules (SOCORRO.md §3.2 rows 4-5, §3.7).
#include <array>

#include <fmt/format.h>

#include "app/signature/json_util.h"
#include "app/signature/rules/rules.h"

namespace crashbox::signature::rules {
namespace {

// Functions that only run when an allocation failed. Mostly Gecko's, plus
// Rust's pre-1.28 alloc::oom; harmless for other products.
constexpr std::array<std::string_view, 5> kOomFragments{
    "NS_ABORT_OOM", "mozalloc_handle_oom", "CrashAtUnhandlableOOM",
    "AutoEnterOOMUnsafeRegion", "alloc::oom::oom"};
// Windows says "out of memory" through the last error and the exception code.
constexpr std::array<std::string_view, 2> kOomLastErrors{
    "ERROR_COMMITMENT_LIMIT", "ERROR_NOT_ENOUGH_MEMORY"};
constexpr std::array<std::string_view, 2> kOomReasons{
    "STATUS_FATAL_MEMORY_EXHAUSTION", "STATUS_NO_MEMORY"};

bool IsJsLargeAllocationReport(const RuleContext& ctx) {
  return PyEquals(Field(ctx.crash, "js_large_allocation_failure"), "Reporting");
}

// `v in [...]`: equality, so any type is allowed.
template <size_t N>
bool OneOf(const nlohmann::json* v,
           const std::array<std::string_view, N>& set) {
  for (std::string_view s : set) {
    if (PyEquals(v, s)) return true;
  }
  return false;
}

}  // namespace

bool OomPredicate(const RuleContext& ctx) {
  if (TruthyField(ctx.crash, "oom_allocation_size")) return true;
  // Without a signature there is nothing to mark (Socorro returns early).
  if (ctx.result.signature.empty()) return false;
  for (std::string_view f : kOomFragments) {
    if (ctx.result.signature.find(f) != std::string::npos) return true;
  }
  const nlohmann::json& thread = ThreadAt(ctx.crash, CrashingThread(ctx.crash));
  if (Truthy(thread) && OneOf(Get(thread, "last_error_value"), kOomLastErrors))
    return true;
  return OneOf(Field(ctx.crash, "reason"), kOomReasons) ||
         IsJsLargeAllocationReport(ctx);
}

void OomAction(const RuleContext& ctx) {
  if (IsJsLargeAllocationReport(ctx)) {
    ctx.SetSignature(fmt::format("OOM | large | {}", ctx.result.signature));
    return;
  }
  // int(): None, lists and dicts (TypeError) are "unknown"; text that is not
  // a number (ValueError) fails the rule, as Socorro catches only TypeError.
  const nlohmann::json* v = Field(ctx.crash, "oom_allocation_size");
  std::optional<nlohmann::json> size = PyInt(v, /*value_errors=*/true);
  if (!size) {
    ctx.SetSignature(fmt::format("OOM | unknown | {}", ctx.result.signature));
  } else if (base::PyIntCompare(*size, kOomSmallMaxBytes) <= 0) {
    // Small allocations fail anywhere once memory is exhausted; the stack
    // says nothing, so they all group together.
    ctx.SetSignature("OOM | small");
  } else {
    ctx.SetSignature(fmt::format("OOM | large | {}", ctx.result.signature));
  }
}

// drop_bad_characters, strip, and at most 80 characters.
std::string PrintableAbortText(std::string_view text);

bool AbortPredicate(const RuleContext& ctx) {
  return TruthyField(ctx.crash, "abort_message");
}

std::optional<std::string> CleanAbortMessage(std::string_view msg) {
  // Gecko's "###!!! ABORT: file foo.cpp, line 12" carries nothing but a
  // location that changes every build.
  if (msg.find("###!!! ABORT: file ") != std::string_view::npos)
    return std::nullopt;
  if (size_t p = msg.find("###!!! ABORT:"); p != std::string_view::npos) {
    msg = msg.substr(p + 13);
  }
  if (size_t p = msg.find(": file "); p != std::string_view::npos)
    msg = msg.substr(0, p);
  std::string text(msg);
  if (text.find("unable to find a usable font") != std::string::npos) {
    // The parenthesised part is localized (bug 1385966).
    size_t open = text.find('(');
    size_t close = text.rfind(')');
    if (open != std::string::npos && close != std::string::npos) {
      // Python's s[:open] + s[close+1:] also when close < open.
      text = text.substr(0, open) + text.substr(close + 1);
    }
  }
  return PrintableAbortText(text);
}

std::string PrintableAbortText(std::string_view text) {
  std::string printable;
  for (char c : text) {
    if (c >= 32 && c <= 126) printable += c;
  }
  size_t b = printable.find_first_not_of(" ");
  printable =
      b == std::string::npos
          ? ""
          : printable.substr(b, printable.find_last_not_of(" ") - b + 1);
  if (printable.size() > 80) printable = printable.substr(0, 77) + "...";
  return printable;
}

// The abort message when it is not a str: Python's `in` tests and
// drop_bad_characters still run on a list or dict (its items or keys), and a
// number fails the rule.
std::optional<std::string> CleanOddAbortMessage(const nlohmann::json& msg) {
  if (PyContains(&msg, "###!!! ABORT: file ")) return std::nullopt;
  for (std::string_view marker : {"###!!! ABORT:", ": file "}) {
    if (PyContains(&msg, marker)) {
      throw PyError(fmt::format("'{}' object has no attribute 'split'",
                                base::PyTypeName(msg)));
    }
  }
  if (PyContains(&msg, "unable to find a usable font")) {
    throw PyError(fmt::format("'{}' object has no attribute 'find'",
                              base::PyTypeName(msg)));
  }
  std::string text;  // the items that are one printable ASCII character
  auto keep = [&](const std::string& item) {
    if (item.size() == 1 && item[0] >= 32 && item[0] <= 126) text += item;
  };
  if (msg.is_array()) {
    for (const nlohmann::json& item : msg)
      if (item.is_string()) keep(item.get_ref<const std::string&>());
  } else {
    for (const auto& [key, value] : msg.items()) keep(key);
  }
  return PrintableAbortText(text);
}

void AbortAction(const RuleContext& ctx) {
  const nlohmann::json& raw = *Field(ctx.crash, "abort_message");
  std::optional<std::string> clean =
      raw.is_string() ? CleanAbortMessage(raw.get_ref<const std::string&>())
                      : CleanOddAbortMessage(raw);
  if (!clean) {
    ctx.SetSignature(fmt::format("Abort | {}", ctx.result.signature));
  } else {
    ctx.SetSignature(
        fmt::format("Abort | {} | {}", *clean, ctx.result.signature));
  }
}

}  // namespace crashbox::signature::rules
