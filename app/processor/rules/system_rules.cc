// SPDX-License-Identifier: MPL-2.0
// CPU and OS facts, and summaries of the crashing thread's stack
// (SOCORRO.md §2.3 rules 33, 34, 37, 39, 41-44, 48).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "app/base/strings.h"
#include "app/processor/rule.h"

namespace crashbox::processor {
namespace {

using nlohmann::json;

const json& JsonDump(const RuleContext& ctx) {
  static const json kEmpty = json::object();
  auto it = ctx.processed.find("json_dump");
  return it != ctx.processed.end() && it->is_object() ? *it : kEmpty;
}

const json* CrashingFrames(const RuleContext& ctx) {
  const json& jd = JsonDump(ctx);
  if (jd.contains("crashing_thread") && jd["crashing_thread"].is_object() &&
      jd["crashing_thread"].contains("frames") &&
      jd["crashing_thread"]["frames"].is_array()) {
    return &jd["crashing_thread"]["frames"];
  }
  return nullptr;
}

std::string StringOr(const json& obj, const char* key, const char* fallback) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : fallback;
}

void CpuInfo(RuleContext& ctx) {
  const json& jd = JsonDump(ctx);
  json si = jd.contains("system_info") && jd["system_info"].is_object()
                ? jd["system_info"]
                : json::object();
  ctx.processed["cpu_info"] = StringOr(si, "cpu_info", "unknown");
  ctx.processed["cpu_count"] =
      si.contains("cpu_count") && si["cpu_count"].is_number() ? si["cpu_count"]
                                                              : json(0);
  ctx.processed["cpu_arch"] = StringOr(si, "cpu_arch", "unknown");
  if (si.contains("cpu_microcode_version") &&
      !si["cpu_microcode_version"].is_null()) {
    ctx.processed["cpu_microcode_version"] = si["cpu_microcode_version"];
  }
}

void OsInfo(RuleContext& ctx) {
  const json& jd = JsonDump(ctx);
  json si = jd.contains("system_info") && jd["system_info"].is_object()
                ? jd["system_info"]
                : json::object();
  ctx.processed["os_name"] =
      std::string(base::Trim(StringOr(si, "os", "Unknown")));
  ctx.processed["os_version"] =
      std::string(base::Trim(StringOr(si, "os_ver", "")));
}

// Crash reports without a minidump carry these facts as annotations.
void PlatformInfo(RuleContext& ctx) {
  struct Fill {
    const char* field;
    const char* annotation;
    const char* sentinel;
  };
  for (const Fill& f : {Fill{"cpu_arch", "CPUArchitecture", "unknown"},
                        Fill{"cpu_info", "CPUInfo", "unknown"},
                        Fill{"os_name", "OS", "Unknown"},
                        Fill{"os_version", "OSVersion", ""}}) {
    std::string current = ctx.processed.value(f.field, "");
    const std::string* v = RawString(ctx, f.annotation);
    if (v && (current.empty() || current == f.sentinel))
      ctx.processed[f.field] = *v;
  }
}

std::string WindowsPretty(const std::string& version) {
  std::vector<std::string_view> parts = base::Split(version, '.');
  if (parts.size() < 2) return "Windows Unknown";
  std::string mm = std::string(parts[0]) + "." + std::string(parts[1]);
  if (mm == "5.1") return "Windows XP";
  if (mm == "6.1") return "Windows 7";
  if (mm == "6.2") return "Windows 8";
  if (mm == "6.3") return "Windows 8.1";
  if (mm == "10.0") {
    int64_t build = parts.size() > 2 ? base::ParseInt(parts[2]).value_or(0) : 0;
    return build >= 21996 ? "Windows 11" : "Windows 10";
  }
  if (mm == "6.0") return "Windows Vista";
  return "Windows Unknown";
}

void OsPrettyVersion(RuleContext& ctx) {
  std::string os = ctx.processed.value("os_name", "");
  std::string version = ctx.processed.value("os_version", "");
  std::string pretty = os;
  if (os.starts_with("Windows")) {
    pretty = WindowsPretty(version);
  } else if (os == "Mac OS X") {
    std::vector<std::string_view> parts = base::Split(version, '.');
    int64_t major = base::ParseInt(parts[0]).value_or(0);
    if (major >= 11)
      pretty = fmt::format("macOS {}", major);
    else if (parts.size() >= 2)
      pretty = fmt::format("OS X {}.{}", parts[0], parts[1]);
  } else if (os == "Linux") {
    const json& jd = JsonDump(ctx);
    std::string lsb;
    if (jd.contains("lsb_release") && jd["lsb_release"].is_object())
      lsb = StringOr(jd["lsb_release"], "description", "");
    if (lsb.empty()) {
      if (const std::string* d = RawString(ctx, "LinuxLSBDescription"))
        lsb = *d;
    }
    pretty = lsb.empty() ? "Linux" : lsb;
  } else if (os == "Android") {
    pretty = "Android " + version;
  }
  ctx.processed["os_pretty_version"] = pretty;
}

void TopmostFilenames(RuleContext& ctx) {
  json result;
  if (const json* frames = CrashingFrames(ctx)) {
    for (const json& f : *frames) {
      if (f.contains("inlines") && f["inlines"].is_array()) {
        for (const json& in : f["inlines"]) {
          std::string file = StringOr(in, "file", "");
          if (!file.empty()) {
            ctx.processed["topmost_filenames"] = file;
            return;
          }
        }
      }
      std::string file = StringOr(f, "file", "");
      if (!file.empty()) {
        result = file;
        break;
      }
    }
  }
  ctx.processed["topmost_filenames"] = result;
}

std::string Keep(const std::string& s, bool (*ok)(char)) {
  std::string out;
  for (char c : s) {
    if (ok(c)) out.push_back(c);
  }
  return out;
}

// Modules by filename, from json_dump.modules.
std::map<std::string, const json*> ModulesByName(const json& jd) {
  std::map<std::string, const json*> out;
  if (jd.contains("modules") && jd["modules"].is_array()) {
    for (const json& m : jd["modules"]) out[StringOr(m, "filename", "")] = &m;
  }
  return out;
}

void ModulesInStack(RuleContext& ctx) {
  const json& jd = JsonDump(ctx);
  auto by_name = ModulesByName(jd);
  std::set<std::string> entries;
  if (const json* frames = CrashingFrames(ctx)) {
    for (const json& f : *frames) {
      std::string name = StringOr(f, "module", "");
      auto it = by_name.find(name);
      if (name.empty() || it == by_name.end()) continue;
      std::string file = Keep(name, [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
               c == '.' || c == '-';
      });
      std::string id = Keep(StringOr(*it->second, "debug_id", ""), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) != 0;
      });
      entries.insert(file + "/" + id);
    }
  }
  std::string joined;
  for (const std::string& e : entries)
    joined += (joined.empty() ? "" : ";") + e;
  ctx.processed["modules_in_stack"] = joined;
}

void MissingSymbols(RuleContext& ctx) {
  const json& jd = JsonDump(ctx);
  std::set<std::string> entries;
  if (jd.contains("modules") && jd["modules"].is_array()) {
    for (const json& m : jd["modules"]) {
      if (!m.value("missing_symbols", false)) continue;
      std::string version = m.contains("version") && m["version"].is_string()
                                ? m["version"].get<std::string>()
                                : "None";
      std::string escaped;
      for (char c : version)
        escaped += c == '/' ? std::string("\\/") : std::string(1, c);
      std::string debug_id = StringOr(m, "debug_id", "");
      if (debug_id.empty()) debug_id = std::string(33, '0');
      std::string entry = fmt::format("{}/{}/{}", StringOr(m, "filename", ""),
                                      escaped, debug_id);
      std::string code_id = StringOr(m, "code_id", "");
      if (!code_id.empty()) entry += "/" + code_id;
      entries.insert(entry);
    }
  }
  std::string joined;
  for (const std::string& e : entries)
    joined += (joined.empty() ? "" : ";") + e;
  ctx.processed["missing_symbols"] = joined;
}

void ReportType(RuleContext& ctx) {
  bool hang = ctx.processed.contains("ipc_channel_error") ||
              ctx.processed.contains("async_shutdown_timeout");
  const json& jd = JsonDump(ctx);
  if (!hang && jd.contains("threads") && jd["threads"].is_array()) {
    size_t index = 0;
    if (jd.contains("crash_info") && jd["crash_info"].is_object() &&
        jd["crash_info"].contains("crashing_thread") &&
        jd["crash_info"]["crashing_thread"].is_number_unsigned()) {
      index = jd["crash_info"]["crashing_thread"].get<size_t>();
    }
    if (index < jd["threads"].size()) {
      for (const json& f :
           jd["threads"][index].value("frames", json::array())) {
        if (StringOr(f, "function", "").find("RunWatchdog") !=
            std::string::npos)
          hang = true;
      }
    }
  }
  ctx.processed["report_type"] = hang ? "hang" : "crash";
}

void ThreadCount(RuleContext& ctx) {
  const json& jd = JsonDump(ctx);
  ctx.processed["thread_count"] =
      jd.contains("thread_count") ? jd["thread_count"] : json();
}

}  // namespace

std::vector<Rule> SystemAndStackRules() {
  return {{"report_type", ReportType},
          {"cpu_info", CpuInfo},
          {"os_info", OsInfo},
          {"platform_info", PlatformInfo},
          {"os_pretty_version", OsPrettyVersion},
          {"topmost_filenames", TopmostFilenames},
          {"modules_in_stack", ModulesInStack},
          {"missing_symbols", MissingSymbols},
          {"thread_count", ThreadCount}};
}

}  // namespace crashbox::processor
