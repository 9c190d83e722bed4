// SPDX-License-Identifier: MPL-2.0
// Signature generation over the processed crash (SOCORRO.md §2.3 rules 49-50).
#include <fmt/format.h>

#include "app/processor/rule.h"
#include "app/processor/signature_rule.h"
#include "app/report/processed_crash.h"

namespace crashbox::processor {

using nlohmann::json;

// Socorro's crash data (the signature generator's input, whose keys are its
// own) from a processed crash.
json CrashDataFromProcessed(const json& p) {
  auto get = [&](const auto& field) {
    const json* v = report::Find(p, field);
    return v != nullptr ? *v : json();
  };
  json data = json::object();
  data["hang"] = get(report::kHang);
  json oom = get(report::kOomAllocationSize);
  data["oom_allocation_size"] = oom.is_number() ? oom : json();
  data["js_large_allocation_failure"] = get(report::kJsLargeAllocationFailure);
  data["abort_message"] = get(report::kAbortMessage);
  data["mdsw_status_string"] = get(report::kMdswStatusString);
  data["async_shutdown_timeout"] = get(report::kAsyncShutdownTimeout);
  data["ipc_channel_error"] = get(report::kIpcChannelError);
  data["ipc_message_name"] = get(report::kIpcMessageName);
  const json* additional = report::Find(p, report::kAdditionalMinidumps);
  data["additional_minidumps"] =
      additional != nullptr ? *additional : json::array();
  data["original_signature"] = p.value(report::kSignature.key(), "");
  const json* jd = report::Find(p, report::kJsonDump);
  if (jd != nullptr && jd->is_object()) {
    const json* ci = report::Find(p, report::kJsonDumpCrashInfo);
    const json no_ci = json::object();
    if (ci == nullptr || !ci->is_object()) ci = &no_ci;
    auto in = [](const json& obj, const auto& field) {
      const json* v = report::FindIn(obj, field);
      return v != nullptr ? *v : json();
    };
    data["crashing_thread"] = in(*ci, report::kJsonDumpCrashingThreadIndex);
    data["reason"] = in(*ci, report::kJsonDumpCrashType);
    const json* threads = report::FindIn(*jd, report::kJsonDumpThreads);
    data["threads"] = threads != nullptr ? *threads : json::array();
    const json* si = report::FindIn(*jd, report::kJsonDumpSystemInfo);
    data["os"] = si != nullptr && si->is_object() ? in(*si, report::kJsonDumpOs)
                                                  : json();
  }
  if (const json* v = report::Find(p, report::kJavaException))
    data["java_exception"] = *v;
  if (const json* v = report::Find(p, report::kJavaStackTrace))
    data["java_stack_trace"] = *v;
  return data;
}

namespace {

void GenerateSignature(RuleContext& ctx) {
  if (ctx.signatures == nullptr) return;
  signature::SignatureResult r = ctx.signatures->Run(ctx.processed);
  report::Set(ctx.processed, report::kSignature, r.signature);
  if (r.extra.contains(report::kProtoSignature.key()))
    report::Set(ctx.processed, report::kProtoSignature,
                r.extra[report::kProtoSignature.key()]);
  std::string debug;
  for (const std::string& d : r.debug) debug += (debug.empty() ? "" : "\n") + d;
  report::Set(ctx.processed, report::kSignatureDebug, debug);
  for (std::string& n : r.notes) ctx.notes.push_back(std::move(n));
}

void ShutdownHangCrashingThread(RuleContext& ctx) {
  if (ctx.processed.value(report::kSignature.key(), "")
          .starts_with("shutdownhang"))
    report::Set(ctx.processed, report::kCrashingThread, 0);
}

}  // namespace

std::vector<Rule> SignatureRules() {
  return {{"signature_generator", GenerateSignature},
          {"shutdown_hang_crashing_thread", ShutdownHangCrashingThread}};
}

}  // namespace crashbox::processor
