// SPDX-License-Identifier: MPL-2.0
// Rules keyed on Firefox-only crash annotations (SOCORRO.md §3.2 rows 6-9,
// §3.7). Off unless SignatureOptions::mozilla_rules.
#include <algorithm>

#include <fmt/format.h>

#include "app/signature/json_util.h"
#include "app/signature/rules/rules.h"

namespace crashbox::signature::rules {

bool ShutdownTimeoutPredicate(const RuleContext& ctx) {
  return TruthyField(ctx.crash, "async_shutdown_timeout");
}

void ShutdownTimeoutAction(const RuleContext& ctx) {
  std::vector<std::string> parts{"AsyncShutdownTimeout"};
  const nlohmann::json& raw = ctx.crash["async_shutdown_timeout"];
  if (!raw.is_string())
    throw std::invalid_argument("the JSON object must be str");
  nlohmann::json data =
      nlohmann::json::parse(raw.get<std::string>(), nullptr, false);
  if (data.is_discarded()) {
    parts.push_back("UNKNOWN");
    ctx.Note("Error parsing AsyncShutdownTimeout: invalid JSON");
  } else {
    if (!data.is_object())
      throw std::invalid_argument("AsyncShutdownTimeout is not an object");
    const nlohmann::json* phase = Field(data, "phase");
    parts.push_back(phase && phase->is_string() ? phase->get<std::string>()
                                                : "(unknown)");
    std::vector<std::string> conditions;
    bool ok = true;
    if (const nlohmann::json* list = Field(data, "conditions");
        list && list->is_array()) {
      for (const nlohmann::json& c : *list) {
        if (!c.is_object()) {
          conditions.push_back(PyStr(c));
        } else if (auto it = c.find("name"); it != c.end()) {
          conditions.push_back(PyStr(*it));
        } else {
          ok = false;
          break;
        }
      }
    }
    if (!ok) {
      parts.push_back("UNKNOWN");
      ctx.Note("Error parsing AsyncShutdownTimeout: 'name'");
    } else {
      std::sort(conditions.begin(), conditions.end());
      parts.push_back(conditions.empty()
                          ? "(none)"
                          : fmt::format("{}", fmt::join(conditions, ",")));
    }
  }
  ctx.Note(fmt::format(
      "Signature replaced with a Shutdown Timeout signature, was: \"{}\"",
      ctx.result.signature));
  ctx.SetSignature(fmt::format("{}", fmt::join(parts, " | ")));
}

bool RunWatchDogPredicate(const RuleContext& ctx) {
  return ctx.result.signature.find("RunWatchdog") != std::string::npos;
}

void RunWatchDogAction(const RuleContext& ctx) {
  // The watchdog kills a stuck shutdown from its own thread; what matters is
  // what the main thread (0) was stuck in.
  SignatureGeneration(ctx, 0);
  ctx.SetSignature(fmt::format("shutdownhang | {}", ctx.result.signature));
}

bool IpcChannelErrorPredicate(const RuleContext& ctx) {
  return TruthyField(ctx.crash, "ipc_channel_error");
}

void IpcChannelErrorAction(const RuleContext& ctx) {
  bool browser = false;
  if (const nlohmann::json* dumps = Field(ctx.crash, "additional_minidumps");
      dumps && dumps->is_array()) {
    browser = std::find(dumps->begin(), dumps->end(),
                        "upload_file_minidump_browser") != dumps->end();
  }
  std::string error = StrField(ctx.crash, "ipc_channel_error");
  ctx.Note("IPC Channel Error stomped on signature");
  ctx.SetSignature(fmt::format("IPCError-{} | {}",
                               browser ? "browser" : "content",
                               Utf8Prefix(error, 100)));
}

bool IpcMessageNamePredicate(const RuleContext& ctx) {
  return TruthyField(ctx.crash, "ipc_message_name");
}

void IpcMessageNameAction(const RuleContext& ctx) {
  ctx.SetSignature(fmt::format("{} | IPC_Message_Name={}", ctx.result.signature,
                               PyStr(ctx.crash["ipc_message_name"])));
}

}  // namespace crashbox::signature::rules
