// SPDX-License-Identifier: MPL-2.0
// A processed crash as one row of the crashes table (schema.h): the value of
// each CrashColumns() entry, converted to its column's type. Internal to
// store/sqlite; a pure function, tested through SearchIndex.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/sqlite/value.h"

namespace crashbox::store::sqlite {

// One value per CrashColumns() entry, in order; crash_id for the key.
// Absent values, and values that do not convert to the column's type, are
// NULL; text longer than max_text_bytes is cut at a UTF-8 boundary.
std::vector<Value> MakeCrashRow(std::string_view crash_id,
                                const nlohmann::json& processed,
                                size_t max_text_bytes);

// `s` cut to at most max_bytes, never inside a UTF-8 sequence.
std::string_view TruncateUtf8(std::string_view s, size_t max_bytes);

// Microseconds since the epoch of "YYYY-MM-DDTHH:MM:SS[.ffffff][offset]"
// read as UTC (the offset is ignored: Socorro writes +00:00).
std::optional<int64_t> ParseEpochMicros(std::string_view iso);

}  // namespace crashbox::store::sqlite
