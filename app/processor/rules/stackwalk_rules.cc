// SPDX-License-Identifier: MPL-2.0
// The stack walk of every upload_file_minidump* dump, in process (Socorro
// shells out to minidump-stackwalk), then the crashing thread's facts and the
// stack truncation (SOCORRO.md §2.3 rules 12, 14, 15; §2.5).
#include <fmt/format.h>

#include "app/base/strings.h"
#include "app/minidump/minidump.h"
#include "app/processor/rule.h"
#include "app/stackwalk/printers/printers.h"

namespace crashbox::processor {
namespace {

using nlohmann::json;

// Walks one dump into the fields Socorro's MinidumpStackwalkRule produces.
json WalkOne(RuleContext& ctx, const store::Dump& d) {
  json out = json::object();
  out["stackwalk_version"] = ctx.stackwalk_version;
  if (d.bytes.empty()) {
    out["mdsw_status_string"] = "EmptyMinidump";
    out["mdsw_stderr"] = "Shortcut for 0-bytes minidump.";
    out["success"] = false;
    ctx.notes.push_back(fmt::format(
        "MinidumpStackwalkRule: {} is empty--skipping minidump processing",
        d.name));
    return out;
  }
  auto fail = [&](const std::string& status, const std::string& detail) {
    out["json_dump"] = json{{"status", status}};
    out["mdsw_return_code"] = 1;
    out["mdsw_status_string"] = status;
    out["mdsw_stderr"] = base::Utf8Lossy(detail);
    out["success"] = false;
    ctx.notes.push_back(fmt::format(
        "MinidumpStackwalkRule: minidump-stackwalk: failed: 1: {}", status));
    return out;
  };
  auto dump = minidump::Minidump::Open(d.bytes);
  if (!dump.ok()) return fail("ERROR_MINIDUMP_HEADER", dump.status().message());
  stackwalk::WalkOptions options = ctx.walk;
  auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
      ctx.deadline - std::chrono::steady_clock::now());
  if (ctx.deadline != std::chrono::steady_clock::time_point::max()) {
    options.deadline = std::max(std::chrono::milliseconds(1), remaining);
  }
  auto state = stackwalk::WalkDump(*dump.value(), ctx.symbols, options);
  if (!state.ok())
    return fail("ERROR_NO_THREAD_LIST", state.status().message());
  json jd = json::parse(stackwalk::PrintJsonDump(state.value(), *dump.value()),
                        nullptr, false);
  if (!jd.is_object())
    return fail("unknown error", "stack walker produced invalid JSON");
  for (const std::string& note : state->notes) {
    if (note.find("deadline") != std::string::npos) {
      ctx.notes.push_back(
          fmt::format("MinidumpStackwalkRule: {}: stack walk stopped at the "
                      "processing deadline",
                      d.name));
    }
  }
  if (!state->modules_without_symbols.empty()) {
    std::string names;
    for (const minidump::Module* m : state->modules_without_symbols) {
      names += (names.empty() ? "" : ", ") +
               base::Utf8Lossy(stackwalk::BaseName(m->code_file));
    }
    ctx.notes.push_back(
        fmt::format("MinidumpStackwalkRule: {}: no symbols for {} (frames "
                    "there are offsets, "
                    "found by scanning)",
                    d.name, names));
  }
  std::string stderr_text;
  // Notes quote dump text (module names); the json_dump itself is already
  // valid UTF-8 (PrintJsonDump converts every string with the same rule).
  for (const std::string& note : state->notes)
    stderr_text += base::Utf8Lossy(note) + "\n";
  out["mdsw_return_code"] = 0;
  out["mdsw_status_string"] = jd.value("status", "OK");
  out["mdsw_stderr"] = stderr_text;
  out["success"] = out["mdsw_status_string"] == "OK";
  out["json_dump"] = std::move(jd);
  return out;
}

void StackwalkDumps(RuleContext& ctx) {
  json additional = json::array();
  for (const store::Dump& d : ctx.dumps) {
    if (!d.name.starts_with("upload_file_minidump")) continue;
    json result = WalkOne(ctx, d);
    if (d.name == "upload_file_minidump") {
      for (auto& [k, v] : result.items()) ctx.processed[k] = v;
    } else {
      additional.push_back(d.name);
      ctx.processed[d.name] = std::move(result);
    }
  }
  if (!additional.empty())
    ctx.processed["additional_minidumps"] = std::move(additional);
}

// Access violations inside the null page are null-pointer dereferences.
bool IsNullPointerAccess(const std::string& reason, uint64_t address) {
  bool access = reason.starts_with("SIGSEGV") || reason.starts_with("SIGBUS") ||
                reason.starts_with("EXCEPTION_ACCESS_VIOLATION") ||
                reason.starts_with("EXC_BAD_ACCESS");
  return access && address < 0x1000;
}

void CrashingThreadInfo(RuleContext& ctx) {
  auto jd = ctx.processed.find("json_dump");
  if (jd == ctx.processed.end() || !jd->is_object() ||
      !jd->contains("crash_info"))
    return;
  const json& ci = (*jd)["crash_info"];
  json crashing = ci.value("crashing_thread", json());
  ctx.processed["crashing_thread"] = crashing;
  if (crashing.is_null())
    ctx.notes.push_back("mdsw did not identify the crashing thread");
  json name;
  if (jd->contains("crashing_thread") && (*jd)["crashing_thread"].is_object()) {
    name = (*jd)["crashing_thread"].value("thread_name", json());
  }
  ctx.processed["crashing_thread_name"] = name;
  std::string reason = ci.contains("type") && ci["type"].is_string()
                           ? ci["type"].get<std::string>()
                           : "";
  ctx.processed["reason"] = reason;
  json address = ci.value("address", json());
  if (address.is_string()) {
    const std::string& a = address.get_ref<const std::string&>();
    uint64_t value = std::strtoull(a.c_str(), nullptr, 16);
    if (IsNullPointerAccess(reason, value))
      address = a.size() == 18 ? "0x0000000000000000" : "0x00000000";
  }
  ctx.processed["address"] = address;
}

std::string WithThousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// Keeps the first 250 and last 249 frames of threads longer than 500.
void TruncateThread(RuleContext& ctx, json& thread, const std::string& where,
                    const char* arrow) {
  if (!thread.is_object() || !thread.contains("frames") ||
      !thread["frames"].is_array())
    return;
  json& frames = thread["frames"];
  size_t n = frames.size();
  if (n <= 500) return;
  json kept = json::array();
  for (size_t i = 0; i < 250; ++i) kept.push_back(frames[i]);
  kept.push_back(json{
      {"truncated", {{"msg", WithThousands(n - 500) + " frames truncated"}}}});
  for (size_t i = n - 249; i < n; ++i) kept.push_back(frames[i]);
  frames = std::move(kept);
  thread["truncated"] = true;
  ctx.notes.push_back(
      fmt::format("TruncateStacksRule: truncated {}.frames: {} {} {}", where, n,
                  arrow, frames.size()));
}

void TruncateStacks(RuleContext& ctx) {
  auto visit = [&](json& jd, const std::string& prefix) {
    if (!jd.is_object()) return;
    if (jd.contains("threads") && jd["threads"].is_array()) {
      for (size_t i = 0; i < jd["threads"].size(); ++i) {
        TruncateThread(ctx, jd["threads"][i],
                       fmt::format("{}.threads[{}]", prefix, i), ">");
      }
    }
    if (jd.contains("crashing_thread"))
      TruncateThread(ctx, jd["crashing_thread"], prefix + ".crashing_thread",
                     "->");
  };
  if (ctx.processed.contains("json_dump"))
    visit(ctx.processed["json_dump"], "json_dump");
  for (auto& [k, v] : ctx.processed.items()) {
    if (k.starts_with("upload_file_minidump_") && v.is_object() &&
        v.contains("json_dump")) {
      visit(v["json_dump"], k + ".json_dump");
    }
  }
}

}  // namespace

std::vector<Rule> StackwalkRules() {
  return {{"minidump_stackwalk", StackwalkDumps},
          {"crashing_thread_info", CrashingThreadInfo},
          {"truncate_stacks", TruncateStacks}};
}

}  // namespace crashbox::processor
