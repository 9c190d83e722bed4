// SPDX-License-Identifier: MPL-2.0
// Leveled logging to stderr, one line per call, formatted with fmt:
//   2026-11-24T21:50:01.123Z INFO  collector: <id>: matched by
//   accept_everything
// Thread-safe. Log once, where a decision is made.
#pragma once

#include <string_view>

#include <fmt/format.h>

namespace crashbox::base {

enum class LogLevel {
  kDebug = 0,
  kInfo = 1,
  kWarning = 2,
  kError = 3,
  kOff = 4
};

void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
// Parses "debug", "info", "warning", "error", "off"; false when unknown.
bool ParseLogLevel(std::string_view text, LogLevel* out);
void LogLine(LogLevel level, std::string_view message);

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> f, Args&&... args) {
  if (level < GetLogLevel()) return;
  LogLine(level, fmt::format(f, std::forward<Args>(args)...));
}

}  // namespace crashbox::base

#define CB_LOG_DEBUG(...) \
  ::crashbox::base::Log(::crashbox::base::LogLevel::kDebug, __VA_ARGS__)
#define CB_LOG_INFO(...) \
  ::crashbox::base::Log(::crashbox::base::LogLevel::kInfo, __VA_ARGS__)
#define CB_LOG_WARNING(...) \
  ::crashbox::base::Log(::crashbox::base::LogLevel::kWarning, __VA_ARGS__)
#define CB_LOG_ERROR(...) \
  ::crashbox::base::Log(::crashbox::base::LogLevel::kError, __VA_ARGS__)
