// SPDX-License-Identifier: MPL-2.0
// Versions, process type, dates and times, Java stack traces (SOCORRO.md §2.3
// rules 19, 21, 24, 28).
#include <fmt/format.h>

#include "app/base/iso_time.h"
#include "app/base/strings.h"
#include "app/processor/rule.h"
#include "app/report/processed_crash.h"

namespace crashbox::processor {
namespace {

using nlohmann::json;

void MajorVersion(RuleContext& ctx) {
  int64_t major = 0;
  if (const std::string* v = RawString(ctx, report::kMajorVersion)) {
    if (auto n = base::ParseInt(std::string_view(*v).substr(0, v->find('.'))))
      major = *n;
  }
  report::Set(ctx.processed, report::kMajorVersion, major);
}

void ProcessType(RuleContext& ctx) {
  const std::string* t = RawString(ctx, report::kProcessType);
  std::string type = t && !t->empty() ? *t : "parent";
  report::Set(ctx.processed, report::kProcessType,
              type == "main" ? "parent" : type);
}

// str() of the annotation `field` is computed from; nullopt when absent.
template <typename T>
std::optional<std::string> Annotation(const RuleContext& ctx,
                                      const report::Field<T>& field) {
  auto it = ctx.raw.find(std::string(field.annotation()));
  if (it == ctx.raw.end()) return std::nullopt;
  return PyStr(*it);
}

void DatesAndTimes(RuleContext& ctx) {
  std::string submitted =
      ctx.raw.value(std::string(report::kSubmittedTimestamp.annotation()), "");
  report::Set(ctx.processed, report::kSubmittedTimestamp, submitted);
  report::Set(ctx.processed, report::kDateProcessed, submitted);
  int64_t submitted_epoch =
      base::ParseIsoTimestampSeconds(submitted).value_or(0);

  int64_t crash_time = 0;
  if (std::optional<std::string> ct = Annotation(ctx, report::kCrashTime)) {
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
  report::Set(ctx.processed, report::kCrashTime, crash_time);
  report::Set(ctx.processed, report::kClientCrashDate,
              base::IsoTimestampSeconds(crash_time));

  int64_t startup_time = crash_time;
  if (std::optional<std::string> st = Annotation(ctx, report::kUptime)) {
    if (auto n = base::ParseInt(base::Trim(*st))) {
      startup_time = *n;
    } else {
      ctx.notes.push_back("non-integer value of \"StartupTime\"");
    }
  }
  int64_t install_time = startup_time;
  if (std::optional<std::string> it = Annotation(ctx, report::kInstallAge)) {
    if (auto n = base::ParseInt(base::Trim(*it))) {
      install_time = *n;
    } else {
      install_time = crash_time;
      ctx.notes.push_back("non-integer value of \"InstallTime\"");
    }
  }
  report::Set(ctx.processed, report::kInstallAge, crash_time - install_time);
  report::Set(ctx.processed, report::kUptime,
              std::max<int64_t>(0, crash_time - startup_time));

  json last_crash;
  if (std::optional<std::string> lc = Annotation(ctx, report::kLastCrash)) {
    auto n = base::ParseInt(base::Trim(*lc));
    if (n && *n >= 0 && *n < (int64_t{1} << 31)) {
      last_crash = *n;
    } else {
      ctx.notes.push_back("non-integer value of \"SecondsSinceLastCrash\"");
    }
  }
  report::Set(ctx.processed, report::kLastCrash, last_crash);
}

// Java crashes (Android apps and the like): keep the raw trace (protected) and
// a sanitized one without the exception message, which may hold user data:
// "<exception class>" then "\tat <frame>" lines, up to a Caused by/Suppressed
// section.
void JavaStackTrace(RuleContext& ctx) {
  const std::string* raw = RawString(ctx, report::kJavaStackTraceRaw);
  if (raw == nullptr) return;
  report::Set(ctx.processed, report::kJavaStackTraceRaw, *raw);
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
    report::Set(ctx.processed, report::kJavaStackTrace, "malformed");
    ctx.notes.push_back("JavaStackTrace: malformed JavaStackTrace");
    return;
  }
  report::Set(ctx.processed, report::kJavaStackTrace, std::move(sanitized));
}

}  // namespace

std::vector<Rule> CrashFactRules() {
  return {{"major_version", MajorVersion},
          {"process_type", ProcessType},
          {"dates_and_times", DatesAndTimes},
          {"java_stack_trace", JavaStackTrace}};
}

}  // namespace crashbox::processor
