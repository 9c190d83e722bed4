// SPDX-License-Identifier: MPL-2.0
// Rules keyed on Firefox-only crash annotations (SOCORRO.md §3.2 rows 6-9,
// §3.7). Off unless SignatureOptions::mozilla_rules.
#include <algorithm>

#include <fmt/format.h>

#include "app/base/py_json.h"
#include "app/base/py_unicode.h"
#include "app/signature/json_util.h"
#include "app/signature/rules/rules.h"

namespace crashbox::signature::rules {

bool ShutdownTimeoutPredicate(const RuleContext& ctx) {
  return TruthyField(ctx.crash, "async_shutdown_timeout");
}

void ShutdownTimeoutAction(const RuleContext& ctx) {
  std::vector<std::string> parts{"AsyncShutdownTimeout"};
  const nlohmann::json& raw = *Field(ctx.crash, "async_shutdown_timeout");
  if (!raw.is_string()) {
    throw PyError(
        fmt::format("the JSON object must be str, bytes or bytearray, not {}",
                    base::PyTypeName(raw)));
  }
  // json.loads: Python's JSON (NaN, big integers, lone surrogates); its
  // ValueError is reported, its RecursionError fails the rule.
  Result<nlohmann::json> loaded =
      base::PyJsonLoads(raw.get_ref<const std::string&>(), {.exact = true});
  if (!loaded.ok() && loaded.status().code() == Status::Code::kLimitExceeded) {
    throw PyError(loaded.status().message());
  }
  auto unknown = [&](std::string_view why) {
    parts.push_back("UNKNOWN");
    ctx.Note(fmt::format("Error parsing AsyncShutdownTimeout: {}", why));
  };
  if (!loaded.ok()) {
    unknown(loaded.status().message());
  } else {
    const nlohmann::json& data = *loaded;
    const nlohmann::json* phase = Get(data, "phase");
    parts.push_back(phase && phase->is_string() ? phase->get<std::string>()
                                                : "(unknown)");
    // [str(c["name"]) if isinstance(c, dict) else str(c) for c in
    //  data.get("conditions") or []]
    std::vector<std::string> conditions;
    bool missing_name = false;
    const nlohmann::json* list = Field(data, "conditions");
    auto add = [&](const nlohmann::json& c) {
      if (!c.is_object()) {
        conditions.push_back(PyStr(c));
      } else if (auto it = c.find("name"); it != c.end()) {
        conditions.push_back(PyStr(*it));
      } else {
        missing_name = true;
      }
    };
    if (Truthy(list)) {
      if (list->is_array()) {
        for (const nlohmann::json& c : *list) {
          add(c);
          if (missing_name) break;
        }
      } else if (list->is_string()) {
        // Iterating a str gives its characters.
        std::string_view text = list->get_ref<const std::string&>();
        for (size_t i = 0; i < text.size();) {
          size_t at = i;
          base::NextCodePoint(text, &i);
          conditions.emplace_back(text.substr(at, i - at));
        }
      } else if (list->is_object()) {
        for (const auto& [key, value] : list->items())
          conditions.push_back(key);
      } else {
        throw PyError(fmt::format("'{}' object is not iterable",
                                  base::PyTypeName(*list)));
      }
    }
    if (missing_name) {
      unknown("'name'");
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
  // (crash_data.get("additional_minidumps") or []): `in` on what is there.
  const nlohmann::json* dumps = Field(ctx.crash, "additional_minidumps");
  bool browser =
      Truthy(dumps) && PyContains(dumps, "upload_file_minidump_browser");
  // value[:100], formatted: a slice of a str or a list; other types cannot
  // be sliced.
  const nlohmann::json& error = *Field(ctx.crash, "ipc_channel_error");
  std::string text;
  if (error.is_string()) {
    text = Utf8Prefix(error.get_ref<const std::string&>(), 100);
  } else if (error.is_array()) {
    nlohmann::json head = nlohmann::json::array();
    for (size_t i = 0; i < error.size() && i < 100; ++i)
      head.push_back(error[i]);
    text = PyStr(head);
  } else {
    throw PyError(fmt::format("'{}' object is not subscriptable",
                              base::PyTypeName(error)));
  }
  ctx.Note("IPC Channel Error stomped on signature");
  ctx.SetSignature(
      fmt::format("IPCError-{} | {}", browser ? "browser" : "content", text));
}

bool IpcMessageNamePredicate(const RuleContext& ctx) {
  return TruthyField(ctx.crash, "ipc_message_name");
}

void IpcMessageNameAction(const RuleContext& ctx) {
  ctx.SetSignature(fmt::format("{} | IPC_Message_Name={}", ctx.result.signature,
                               PyStr(ctx.crash["ipc_message_name"])));
}

}  // namespace crashbox::signature::rules
