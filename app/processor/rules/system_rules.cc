// SPDX-License-Identifier: MPL-2.0
// CPU and OS facts, and summaries of the crashing thread's stack
// (SOCORRO.md §2.3 rules 33, 34, 37, 39, 41-44, 48).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "app/base/strings.h"
#include "app/processor/rule.h"
#include "app/report/processed_crash.h"

namespace crashbox::processor {
namespace {

using nlohmann::json;

const json& JsonDump(const RuleContext& ctx) {
  static const json kEmpty = json::object();
  const json* jd = report::Find(ctx.processed, report::kJsonDump);
  return jd != nullptr && jd->is_object() ? *jd : kEmpty;
}

// The member `field.key()` of `obj` when it is an object, else null.
template <typename T>
const json* Member(const json& obj, const report::Field<T>& field) {
  return report::FindIn(obj, field.spec());
}

const json* CrashingFrames(const RuleContext& ctx) {
  const json* thread = Member(JsonDump(ctx), report::kJsonDumpCrashingThread);
  const json* frames =
      thread != nullptr ? Member(*thread, report::kJsonDumpFrames) : nullptr;
  return frames != nullptr && frames->is_array() ? frames : nullptr;
}

template <typename T>
std::string StringOr(const json& obj, const report::Field<T>& field,
                     const char* fallback) {
  return report::GetStringIn(obj, field, fallback);
}

json SystemInfo(const RuleContext& ctx) {
  const json* si = Member(JsonDump(ctx), report::kJsonDumpSystemInfo);
  return si != nullptr && si->is_object() ? *si : json::object();
}

void CpuInfo(RuleContext& ctx) {
  json si = SystemInfo(ctx);
  report::Set(ctx.processed, report::kCpuInfo,
              StringOr(si, report::kJsonDumpCpuInfo, "unknown"));
  const json* count = Member(si, report::kJsonDumpCpuCount);
  report::Set(ctx.processed, report::kCpuCount,
              count != nullptr && count->is_number() ? *count : json(0));
  report::Set(ctx.processed, report::kCpuArch,
              StringOr(si, report::kJsonDumpCpuArch, "unknown"));
  const json* microcode = Member(si, report::kJsonDumpCpuMicrocodeVersion);
  if (microcode != nullptr && !microcode->is_null())
    report::Set(ctx.processed, report::kCpuMicrocodeVersion, *microcode);
}

void OsInfo(RuleContext& ctx) {
  json si = SystemInfo(ctx);
  report::Set(
      ctx.processed, report::kOsName,
      std::string(base::Trim(StringOr(si, report::kJsonDumpOs, "Unknown"))));
  report::Set(
      ctx.processed, report::kOsVersion,
      std::string(base::Trim(StringOr(si, report::kJsonDumpOsVer, ""))));
}

// Crash reports without a minidump carry these facts as annotations.
void PlatformInfo(RuleContext& ctx) {
  struct Fill {
    const report::Field<std::string>& field;
    const char* sentinel;
  };
  for (const Fill& f :
       {Fill{report::kCpuArch, "unknown"}, Fill{report::kCpuInfo, "unknown"},
        Fill{report::kOsName, "Unknown"}, Fill{report::kOsVersion, ""}}) {
    std::string current = ctx.processed.value(f.field.key(), "");
    const std::string* v = RawString(ctx, f.field);
    if (v && (current.empty() || current == f.sentinel))
      report::Set(ctx.processed, f.field, *v);
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
  std::string os = ctx.processed.value(report::kOsName.key(), "");
  std::string version = ctx.processed.value(report::kOsVersion.key(), "");
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
    std::string lsb;
    if (const json* release =
            Member(JsonDump(ctx), report::kJsonDumpLsbRelease))
      lsb = StringOr(*release, report::kJsonDumpLsbDescription, "");
    if (lsb.empty()) {
      if (const std::string* d = RawString(ctx, report::kOsPrettyVersion))
        lsb = *d;
    }
    pretty = lsb.empty() ? "Linux" : lsb;
  } else if (os == "Android") {
    pretty = "Android " + version;
  }
  report::Set(ctx.processed, report::kOsPrettyVersion, pretty);
}

void TopmostFilenames(RuleContext& ctx) {
  json result;
  if (const json* frames = CrashingFrames(ctx)) {
    for (const json& f : *frames) {
      const json* inlines = Member(f, report::kFrameInlines);
      if (inlines != nullptr && inlines->is_array()) {
        for (const json& in : *inlines) {
          std::string file = StringOr(in, report::kInlineFile, "");
          if (!file.empty()) {
            report::Set(ctx.processed, report::kTopmostFilenames, file);
            return;
          }
        }
      }
      std::string file = StringOr(f, report::kFrameFile, "");
      if (!file.empty()) {
        result = file;
        break;
      }
    }
  }
  report::Set(ctx.processed, report::kTopmostFilenames, result);
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
  const json* modules = Member(jd, report::kJsonDumpModules);
  if (modules != nullptr && modules->is_array()) {
    for (const json& m : *modules)
      out[StringOr(m, report::kModuleFilename, "")] = &m;
  }
  return out;
}

void ModulesInStack(RuleContext& ctx) {
  const json& jd = JsonDump(ctx);
  auto by_name = ModulesByName(jd);
  std::set<std::string> entries;
  if (const json* frames = CrashingFrames(ctx)) {
    for (const json& f : *frames) {
      std::string name = StringOr(f, report::kFrameModule, "");
      auto it = by_name.find(name);
      if (name.empty() || it == by_name.end()) continue;
      std::string file = Keep(name, [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
               c == '.' || c == '-';
      });
      std::string id =
          Keep(StringOr(*it->second, report::kModuleDebugId, ""), [](char c) {
            return std::isxdigit(static_cast<unsigned char>(c)) != 0;
          });
      entries.insert(file + "/" + id);
    }
  }
  std::string joined;
  for (const std::string& e : entries)
    joined += (joined.empty() ? "" : ";") + e;
  report::Set(ctx.processed, report::kModulesInStack, joined);
}

void MissingSymbols(RuleContext& ctx) {
  const json& jd = JsonDump(ctx);
  std::set<std::string> entries;
  const json* modules = Member(jd, report::kJsonDumpModules);
  if (modules != nullptr && modules->is_array()) {
    for (const json& m : *modules) {
      if (!m.value(report::kModuleMissingSymbols.key(), false)) continue;
      std::string version = StringOr(m, report::kModuleVersion, "None");
      std::string escaped;
      for (char c : version)
        escaped += c == '/' ? std::string("\\/") : std::string(1, c);
      std::string debug_id = StringOr(m, report::kModuleDebugId, "");
      if (debug_id.empty()) debug_id = std::string(33, '0');
      std::string entry =
          fmt::format("{}/{}/{}", StringOr(m, report::kModuleFilename, ""),
                      escaped, debug_id);
      std::string code_id = StringOr(m, report::kModuleCodeId, "");
      if (!code_id.empty()) entry += "/" + code_id;
      entries.insert(entry);
    }
  }
  std::string joined;
  for (const std::string& e : entries)
    joined += (joined.empty() ? "" : ";") + e;
  report::Set(ctx.processed, report::kMissingSymbols, joined);
}

void ReportType(RuleContext& ctx) {
  bool hang = report::Has(ctx.processed, report::kIpcChannelError) ||
              report::Has(ctx.processed, report::kAsyncShutdownTimeout);
  const json& jd = JsonDump(ctx);
  const json* threads = Member(jd, report::kJsonDumpThreads);
  if (!hang && threads != nullptr && threads->is_array()) {
    size_t index = 0;
    const json* ci = Member(jd, report::kJsonDumpCrashInfo);
    const json* crashing =
        ci != nullptr ? Member(*ci, report::kJsonDumpCrashingThreadIndex)
                      : nullptr;
    if (crashing != nullptr && crashing->is_number_unsigned())
      index = crashing->get<size_t>();
    if (index < threads->size()) {
      for (const json& f : (*threads)[index].value(
               report::kJsonDumpFrames.key(), json::array())) {
        if (StringOr(f, report::kFrameFunction, "").find("RunWatchdog") !=
            std::string::npos)
          hang = true;
      }
    }
  }
  report::Set(ctx.processed, report::kReportType, hang ? "hang" : "crash");
}

void ThreadCount(RuleContext& ctx) {
  const json* count = Member(JsonDump(ctx), report::kJsonDumpThreadCount);
  report::Set(ctx.processed, report::kThreadCount,
              count != nullptr ? *count : json());
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
