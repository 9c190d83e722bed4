// SPDX-License-Identifier: MPL-2.0
// The stack walk of every upload_file_minidump* dump, in process (Socorro
// shells out to minidump-stackwalk), then the crashing thread's facts and the
// stack truncation (SOCORRO.md §2.3 rules 12, 14, 15; §2.5).
#include <algorithm>

#include <fmt/format.h>

#include "app/base/strings.h"
#include "app/minidump/minidump.h"
#include "app/processor/rule.h"
#include "app/report/processed_crash.h"
#include "app/stackwalk/printers/printers.h"

namespace crashbox::processor {
namespace {

using nlohmann::json;

// The dump whose walk fills the processed crash's top level; the others
// (upload_file_minidump_*) go under their own names.
constexpr char kMainDump[] = "upload_file_minidump";

// The walker's json_dump as the processed crash holds it: keys sorted, and
// non-negative integers unsigned, as they were when the processor parsed
// the printed text back (rules and signature rules test for that type).
json ToProcessed(const nlohmann::ordered_json& v) {
  switch (v.type()) {
    case json::value_t::object: {
      json out = json::object();
      for (auto it = v.begin(); it != v.end(); ++it)
        out[it.key()] = ToProcessed(it.value());
      return out;
    }
    case json::value_t::array: {
      json out = json::array();
      out.get_ref<json::array_t&>().reserve(v.size());
      for (const auto& e : v) out.push_back(ToProcessed(e));
      return out;
    }
    case json::value_t::number_integer: {
      int64_t n = v.get<int64_t>();
      return n >= 0 ? json(static_cast<uint64_t>(n)) : json(n);
    }
    default:
      return json(v);
  }
}

// Modules of the walk without symbols that a symbol upload could match, in
// module-list order, their text as json_dump has it.
std::vector<report::MissingModule> MissingModules(
    const stackwalk::ProcessState& state) {
  std::vector<report::MissingModule> out;
  if (state.modules == nullptr) return out;
  const auto& without = state.modules_without_symbols;
  for (const minidump::Module& m : state.modules->modules()) {
    if (std::find(without.begin(), without.end(), &m) == without.end())
      continue;
    if (m.debug_file.empty() || m.debug_id.empty())
      continue;  // nothing a symbol upload could match
    out.push_back({base::Utf8Lossy(m.debug_file), base::Utf8Lossy(m.debug_id),
                   base::Utf8Lossy(stackwalk::BaseName(m.code_file)),
                   base::Utf8Lossy(m.code_id), base::Utf8Lossy(m.version)});
  }
  return out;
}

// Walks one dump into the fields Socorro's MinidumpStackwalkRule produces.
json WalkOne(RuleContext& ctx, const store::Dump& d) {
  json out = json::object();
  report::Set(out, report::kStackwalkVersion, ctx.stackwalk_version);
  if (d.bytes.empty()) {
    report::Set(out, report::kMdswStatusString, "EmptyMinidump");
    report::Set(out, report::kMdswStderr, "Shortcut for 0-bytes minidump.");
    report::Set(out, report::kSuccess, false);
    ctx.notes.push_back(fmt::format(
        "MinidumpStackwalkRule: {} is empty--skipping minidump processing",
        d.name));
    return out;
  }
  auto fail = [&](const std::string& status, const std::string& detail) {
    json jd = json::object();
    jd[report::kJsonDumpStatus.key()] = status;
    report::Set(out, report::kJsonDump, std::move(jd));
    report::Set(out, report::kMdswReturnCode, 1);
    report::Set(out, report::kMdswStatusString, status);
    report::Set(out, report::kMdswStderr, base::Utf8Lossy(detail));
    report::Set(out, report::kSuccess, false);
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
  json jd = ToProcessed(stackwalk::JsonDump(state.value(), *dump.value()));
  for (const stackwalk::ThreadStack& t : state->threads) {
    if (t.stop == stackwalk::ThreadStack::Stop::kDeadline) {
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
  if (d.name == kMainDump) ctx.missing_modules = MissingModules(state.value());
  std::string stderr_text;
  // Notes quote dump text (module names); the json_dump itself is already
  // valid UTF-8 (JsonDump converts every string with the same rule).
  for (const std::string& note : state->notes)
    stderr_text += base::Utf8Lossy(note) + "\n";
  std::string status = report::GetStringIn(jd, report::kJsonDumpStatus, "OK");
  report::Set(out, report::kMdswReturnCode, 0);
  report::Set(out, report::kMdswStatusString, status);
  report::Set(out, report::kMdswStderr, stderr_text);
  report::Set(out, report::kSuccess, status == "OK");
  report::Set(out, report::kJsonDump, std::move(jd));
  return out;
}

void StackwalkDumps(RuleContext& ctx) {
  json additional = json::array();
  for (const store::Dump& d : ctx.dumps) {
    if (!d.name.starts_with(kMainDump)) continue;
    json result = WalkOne(ctx, d);
    if (d.name == kMainDump) {
      for (auto& [k, v] : result.items()) ctx.processed[k] = v;
    } else {
      additional.push_back(d.name);
      ctx.processed[d.name] = std::move(result);
    }
  }
  if (!additional.empty())
    report::Set(ctx.processed, report::kAdditionalMinidumps,
                std::move(additional));
}

// Access violations inside the null page are null-pointer dereferences.
bool IsNullPointerAccess(const std::string& reason, uint64_t address) {
  bool access = reason.starts_with("SIGSEGV") || reason.starts_with("SIGBUS") ||
                reason.starts_with("EXCEPTION_ACCESS_VIOLATION") ||
                reason.starts_with("EXC_BAD_ACCESS");
  return access && address < 0x1000;
}

void CrashingThreadInfo(RuleContext& ctx) {
  const json* jd = report::Find(ctx.processed, report::kJsonDump);
  if (jd == nullptr || !jd->is_object()) return;
  const json* ci = report::Find(ctx.processed, report::kJsonDumpCrashInfo);
  if (ci == nullptr) return;
  auto member = [](const json* obj, const auto& field) {
    const json* v =
        obj != nullptr ? report::FindIn(*obj, field.spec()) : nullptr;
    return v != nullptr ? *v : json();
  };
  json crashing = member(ci, report::kJsonDumpCrashingThreadIndex);
  report::Set(ctx.processed, report::kCrashingThread, crashing);
  if (crashing.is_null())
    ctx.notes.push_back("mdsw did not identify the crashing thread");
  const json* thread =
      report::Find(ctx.processed, report::kJsonDumpCrashingThread);
  json name = thread != nullptr && thread->is_object()
                  ? member(thread, report::kJsonDumpThreadName)
                  : json();
  report::Set(ctx.processed, report::kCrashingThreadName, name);
  std::string reason =
      report::GetString(ctx.processed, report::kJsonDumpCrashType);
  report::Set(ctx.processed, report::kReason, reason);
  json address = member(ci, report::kJsonDumpCrashAddress);
  if (address.is_string()) {
    const std::string& a = address.get_ref<const std::string&>();
    uint64_t value = std::strtoull(a.c_str(), nullptr, 16);
    if (IsNullPointerAccess(reason, value))
      address = a.size() == 18 ? "0x0000000000000000" : "0x00000000";
  }
  report::Set(ctx.processed, report::kAddress, address);
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
  const std::string frames_key = report::kJsonDumpFrames.key();
  if (!thread.is_object() || !thread.contains(frames_key) ||
      !thread[frames_key].is_array())
    return;
  json& frames = thread[frames_key];
  size_t n = frames.size();
  if (n <= 500) return;
  json kept = json::array();
  for (size_t i = 0; i < 250; ++i) kept.push_back(frames[i]);
  kept.push_back(
      json{{report::kFrameTruncated.key(),
            {{"msg", WithThousands(n - 500) + " frames truncated"}}}});
  for (size_t i = n - 249; i < n; ++i) kept.push_back(frames[i]);
  frames = std::move(kept);
  thread[report::kThreadTruncated.key()] = true;
  ctx.notes.push_back(
      fmt::format("TruncateStacksRule: truncated {}.frames: {} {} {}", where, n,
                  arrow, frames.size()));
}

void TruncateStacks(RuleContext& ctx) {
  const std::string threads_key = report::kJsonDumpThreads.key();
  const std::string crashing_key = report::kJsonDumpCrashingThread.key();
  auto visit = [&](json& jd, const std::string& prefix) {
    if (!jd.is_object()) return;
    if (jd.contains(threads_key) && jd[threads_key].is_array()) {
      for (size_t i = 0; i < jd[threads_key].size(); ++i) {
        TruncateThread(ctx, jd[threads_key][i],
                       fmt::format("{}.{}[{}]", prefix, threads_key, i), ">");
      }
    }
    if (jd.contains(crashing_key))
      TruncateThread(ctx, jd[crashing_key], prefix + "." + crashing_key, "->");
  };
  const std::string json_dump_key = report::kJsonDump.key();
  if (json* jd = report::Find(ctx.processed, report::kJsonDump))
    visit(*jd, json_dump_key);
  for (auto& [k, v] : ctx.processed.items()) {
    if (k.starts_with(report::kAdditionalDumpPrefix) && v.is_object() &&
        v.contains(json_dump_key)) {
      visit(v[json_dump_key], k + "." + json_dump_key);
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
