// SPDX-License-Identifier: MPL-2.0
#include "app/base/iso_time.h"

#include <cstdio>
#include <ctime>

#include <fmt/format.h>

namespace crashbox::base {
namespace {

std::tm UtcTm(int64_t epoch_seconds) {
  std::time_t secs = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

}  // namespace

std::string IsoTimestampMicros(std::chrono::system_clock::time_point t) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                t.time_since_epoch())
                .count();
  std::tm tm = UtcTm(us / 1000000);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}+00:00",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, us % 1000000);
}

std::string IsoTimestampSeconds(int64_t epoch_seconds) {
  std::tm tm = UtcTm(epoch_seconds);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+00:00",
                     tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

std::optional<int64_t> ParseIsoTimestampSeconds(std::string_view s) {
  std::tm tm{};
  std::string text(s);
  if (text.size() < 19 ||
      std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year,
                  &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec) != 6) {
    return std::nullopt;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace crashbox::base
