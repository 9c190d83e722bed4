// SPDX-License-Identifier: MPL-2.0
// ISO 8601 timestamps in UTC as Socorro writes them (Python's isoformat with
// an explicit "+00:00" offset): submitted_timestamp, started_datetime and
// completed_datetime carry microseconds, client_crash_date whole seconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crashbox::base {

// "YYYY-MM-DDTHH:MM:SS.ffffff+00:00".
std::string IsoTimestampMicros(std::chrono::system_clock::time_point t);
// "YYYY-MM-DDTHH:MM:SS+00:00" of seconds since the epoch.
std::string IsoTimestampSeconds(int64_t epoch_seconds);
// Seconds since the epoch of "YYYY-MM-DDTHH:MM:SS[...]" read as UTC (fraction
// and offset ignored); nullopt when the text does not start that way.
std::optional<int64_t> ParseIsoTimestampSeconds(std::string_view s);

}  // namespace crashbox::base
