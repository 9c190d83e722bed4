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
  const nlohmann::json* v = Field(ctx.crash, "js_large_allocation_failure");
  return v && *v == "Reporting";
}

template <size_t N>
bool OneOf(const nlohmann::json* v,
           const std::array<std::string_view, N>& set) {
  if (!v || !v->is_string()) return false;
  for (std::string_view s : set) {
    if (v->get_ref<const std::string&>() == s) return true;
  }
  return false;
}

}  // namespace

bool OomPredicate(const RuleContext& ctx) {
  if (TruthyField(ctx.crash, "oom_allocation_size")) return true;
  for (std::string_view f : kOomFragments) {
    if (ctx.result.signature.find(f) != std::string::npos) return true;
  }
  if (const nlohmann::json* t =
          ThreadAt(ctx.crash, CrashingThread(ctx.crash))) {
    if (OneOf(Field(*t, "last_error_value"), kOomLastErrors)) return true;
  }
  return OneOf(Field(ctx.crash, "reason"), kOomReasons) ||
         IsJsLargeAllocationReport(ctx);
}

void OomAction(const RuleContext& ctx) {
  if (IsJsLargeAllocationReport(ctx)) {
    ctx.SetSignature(fmt::format("OOM | large | {}", ctx.result.signature));
    return;
  }
  const nlohmann::json* v = Field(ctx.crash, "oom_allocation_size");
  std::optional<long long> size = v ? PyInt(*v) : std::nullopt;
  if (!size) {
    ctx.SetSignature(fmt::format("OOM | unknown | {}", ctx.result.signature));
  } else if (*size <= kOomSmallMaxBytes) {
    // Small allocations fail anywhere once memory is exhausted; the stack
    // says nothing, so they all group together.
    ctx.SetSignature("OOM | small");
  } else {
    ctx.SetSignature(fmt::format("OOM | large | {}", ctx.result.signature));
  }
}

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

void AbortAction(const RuleContext& ctx) {
  std::string message = StrField(ctx.crash, "abort_message");
  std::optional<std::string> clean = CleanAbortMessage(message);
  if (!clean) {
    ctx.SetSignature(fmt::format("Abort | {}", ctx.result.signature));
  } else {
    ctx.SetSignature(
        fmt::format("Abort | {} | {}", *clean, ctx.result.signature));
  }
}

}  // namespace crashbox::signature::rules
