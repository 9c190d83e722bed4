// SPDX-License-Identifier: MPL-2.0
// Versions, process type, dates and times, Java stack traces (SOCORRO.md §2.3
// rules 19, 21, 24, 28).
#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "app/base/strings.h"
#include "app/processor/rule.h"

namespace crashbox::processor {
namespace {

using nlohmann::json;

void MajorVersion(RuleContext& ctx) {
  int64_t major = 0;
  if (const std::string* v = RawString(ctx, "Version")) {
    if (auto n = base::ParseInt(std::string_view(*v).substr(0, v->find('.'))))
      major = *n;
  }
  ctx.processed["major_version"] = major;
}

void ProcessType(RuleContext& ctx) {
  const std::string* t = RawString(ctx, "ProcessType");
  std::string type = t && !t->empty() ? *t : "parent";
  ctx.processed["process_type"] = type == "main" ? "parent" : type;
}

std::string IsoUtc(int64_t epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

// Seconds since the epoch of an ISO timestamp
// "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00".
std::optional<int64_t> ParseIso(const std::string& s) {
  std::tm tm{};
  if (s.size() < 19 ||
      std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm));
}

// int() of the annotation's text, Socorro-style; nullopt when absent.
std::optional<std::string> Annotation(const RuleContext& ctx, const char* key) {
  auto it = ctx.raw.find(key);
  if (it == ctx.raw.end()) return std::nullopt;
  return PyStr(*it);
}

void DatesAndTimes(RuleContext& ctx) {
  std::string submitted = ctx.raw.value("submitted_timestamp", "");
  ctx.processed["submitted_timestamp"] = submitted;
  ctx.processed["date_processed"] = submitted;
  int64_t submitted_epoch = ParseIso(submitted).value_or(0);

  int64_t crash_time = 0;
  if (std::optional<std::string> ct = Annotation(ctx, "CrashTime")) {
    if (auto n = base::ParseInt(base::Trim(ct->substr(0, 10)))) {
      crash_time = *n;
    } else {
      ctx.notes.push_back("non-integer value of \"CrashTime\"");
    }
  } else {
    ctx.notes.push_back("WARNING: raw_crash missing CrashTime");
    crash_time = submitted_epoch;
  }
  if (crash_time == submitted_epoch)
    ctx.notes.push_back("client_crash_date is unknown");
  ctx.processed["crash_time"] = crash_time;
  ctx.processed["client_crash_date"] = IsoUtc(crash_time);

  int64_t startup_time = crash_time;
  if (std::optional<std::string> st = Annotation(ctx, "StartupTime")) {
    if (auto n = base::ParseInt(base::Trim(*st))) {
      startup_time = *n;
    } else {
      ctx.notes.push_back("non-integer value of \"StartupTime\"");
    }
  }
  int64_t install_time = startup_time;
  if (std::optional<std::string> it = Annotation(ctx, "InstallTime")) {
    if (auto n = base::ParseInt(base::Trim(*it))) {
      install_time = *n;
    } else {
      install_time = crash_time;
      ctx.notes.push_back("non-integer value of \"InstallTime\"");
    }
  }
  ctx.processed["install_age"] = crash_time - install_time;
  ctx.processed["uptime"] = std::max<int64_t>(0, crash_time - startup_time);

  json last_crash;
  if (std::optional<std::string> lc =
          Annotation(ctx, "SecondsSinceLastCrash")) {
    auto n = base::ParseInt(base::Trim(*lc));
    if (n && *n >= 0 && *n < (int64_t{1} << 31)) {
      last_crash = *n;
    } else {
      ctx.notes.push_back("non-integer value of \"SecondsSinceLastCrash\"");
    }
  }
  ctx.processed["last_crash"] = last_crash;
}

// Java crashes (Android apps and the like): keep the raw trace (protected) and
// a sanitized one without the exception message, which may hold user data:
// "<exception class>" then "\tat <frame>" lines, up to a Caused by/Suppressed
// section.
void JavaStackTrace(RuleContext& ctx) {
  const std::string* raw = RawString(ctx, "JavaStackTrace");
  if (raw == nullptr) return;
  ctx.processed["java_stack_trace_raw"] = *raw;
  std::vector<std::string_view> lines = base::Split(*raw, '\n');
  std::string_view first = lines.empty() ? "" : base::Trim(lines[0]);
  std::string sanitized(base::Trim(first.substr(0, first.find(':'))));
  size_t frames = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view line = base::Trim(lines[i]);
    if (line.starts_with("Caused by:") || line.starts_with("Suppressed:"))
      break;
    if (!line.starts_with("at ")) continue;
    sanitized += "\n\t";
    sanitized += line;
    ++frames;
  }
  if (sanitized.empty() || frames == 0 ||
      sanitized.find(' ') < sanitized.find('\n')) {
    ctx.processed["java_stack_trace"] = "malformed";
    ctx.notes.push_back("JavaStackTrace: malformed JavaStackTrace");
    return;
  }
  ctx.processed["java_stack_trace"] = std::move(sanitized);
}

}  // namespace

std::vector<Rule> CrashFactRules() {
  return {{"major_version", MajorVersion},
          {"process_type", ProcessType},
          {"dates_and_times", DatesAndTimes},
          {"java_stack_trace", JavaStackTrace}};
}

}  // namespace crashbox::processor
