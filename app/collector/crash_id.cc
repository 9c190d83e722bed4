// SPDX-License-Identifier: MPL-2.0
#include "app/collector/crash_id.h"

#include <ctime>
#include <random>

#include <fmt/format.h>

namespace crashbox::collector {

std::string MakeCrashId(std::chrono::system_clock::time_point now,
                        int throttle_digit) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi = rng(), lo = rng();
  // UUID4: version nibble 4, variant bits 10.
  hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
  lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
  std::string id = fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32,
                               (hi >> 16) & 0xFFFF, hi & 0xFFFF, lo >> 48,
                               lo & 0xFFFFFFFFFFFFull);
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::string tail = fmt::format("{}{:02}{:02}{:02}", throttle_digit,
                                 tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday);
  id.replace(id.size() - 7, 7, tail);
  return id;
}

bool IsValidCrashId(std::string_view id, bool strict) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash) {
      if (c != '-') return false;
    } else if (i >= 30) {
      if (c < '0' || c > '9') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return false;
    }
  }
  return !strict || id[29] == '0' || id[29] == '1';
}

std::string ParseCrashId(std::string_view text) {
  while (!text.empty() && (text.back() == '/' || text.back() == '\n' ||
                           text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  if (size_t slash = text.rfind('/'); slash != std::string_view::npos)
    text = text.substr(slash + 1);
  if (text.starts_with("bp-")) text.remove_prefix(3);
  return IsValidCrashId(text, /*strict=*/false) ? std::string(text)
                                                : std::string();
}

}  // namespace crashbox::collector
