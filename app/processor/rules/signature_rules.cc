// SPDX-License-Identifier: MPL-2.0
// Signature generation over the processed crash (SOCORRO.md §2.3 rules 49-50).
#include <fmt/format.h>

#include "app/processor/rule.h"
#include "app/processor/signature_rule.h"

namespace crashbox::processor {

using nlohmann::json;

json CrashDataFromProcessed(const json& p) {
  auto get = [&](const char* key) { return p.contains(key) ? p[key] : json(); };
  json data = json::object();
  data["hang"] = get("hang");
  json oom = get("oom_allocation_size");
  data["oom_allocation_size"] = oom.is_number() ? oom : json();
  for (const char* k :
       {"js_large_allocation_failure", "abort_message", "mdsw_status_string",
        "async_shutdown_timeout", "ipc_channel_error", "ipc_message_name"}) {
    data[k] = get(k);
  }
  data["additional_minidumps"] = p.contains("additional_minidumps")
                                     ? p["additional_minidumps"]
                                     : json::array();
  data["original_signature"] = p.value("signature", "");
  if (p.contains("json_dump") && p["json_dump"].is_object()) {
    const json& jd = p["json_dump"];
    const json ci = jd.contains("crash_info") && jd["crash_info"].is_object()
                        ? jd["crash_info"]
                        : json::object();
    data["crashing_thread"] =
        ci.contains("crashing_thread") ? ci["crashing_thread"] : json();
    data["reason"] = ci.contains("type") ? ci["type"] : json();
    data["threads"] = jd.contains("threads") ? jd["threads"] : json::array();
    data["os"] = jd.contains("system_info") && jd["system_info"].is_object() &&
                         jd["system_info"].contains("os")
                     ? jd["system_info"]["os"]
                     : json();
  }
  if (p.contains("java_exception"))
    data["java_exception"] = p["java_exception"];
  if (p.contains("java_stack_trace"))
    data["java_stack_trace"] = p["java_stack_trace"];
  return data;
}

namespace {

void GenerateSignature(RuleContext& ctx) {
  if (ctx.signatures == nullptr) return;
  signature::SignatureResult r = ctx.signatures->Run(ctx.processed);
  ctx.processed["signature"] = r.signature;
  if (r.extra.contains("proto_signature"))
    ctx.processed["proto_signature"] = r.extra["proto_signature"];
  std::string debug;
  for (const std::string& d : r.debug) debug += (debug.empty() ? "" : "\n") + d;
  ctx.processed["signature_debug"] = debug;
  for (std::string& n : r.notes) ctx.notes.push_back(std::move(n));
}

void ShutdownHangCrashingThread(RuleContext& ctx) {
  if (ctx.processed.value("signature", "").starts_with("shutdownhang"))
    ctx.processed["crashing_thread"] = 0;
}

}  // namespace

std::vector<Rule> SignatureRules() {
  return {{"signature_generator", GenerateSignature},
          {"shutdown_hang_crashing_thread", ShutdownHangCrashingThread}};
}

}  // namespace crashbox::processor
