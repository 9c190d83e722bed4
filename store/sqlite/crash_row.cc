// SPDX-License-Identifier: MPL-2.0
#include "store/sqlite/crash_row.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "app/base/iso_time.h"
#include "store/sqlite/schema.h"

namespace crashbox::store::sqlite {
namespace {

// The value at `path`, or null when a step is missing or not an object.
// Walks by hand: nlohmann's pointer lookups throw on absent keys.
const nlohmann::json* Lookup(const nlohmann::json& root,
                             const std::vector<std::string>& path) {
  const nlohmann::json* node = &root;
  for (const std::string& key : path) {
    if (!node->is_object()) return nullptr;
    auto it = node->find(key);
    if (it == node->end()) return nullptr;
    node = &*it;
  }
  return node;
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
    return std::nullopt;
  }
  return v;
}

Value AsText(const nlohmann::json& v, size_t max_bytes) {
  if (v.is_string()) {
    return std::string(
        TruncateUtf8(v.get_ref<const std::string&>(), max_bytes));
  }
  // A number or boolean where text was expected: keep its JSON text, so a
  // search still finds what the crash said. Objects and arrays are not text
  // to search (and dumping one is unbounded work): NULL.
  if (v.is_number() || v.is_boolean()) return v.dump();
  return std::monostate{};
}

Value AsInteger(const nlohmann::json& v) {
  if (v.is_number_integer() && !v.is_number_unsigned()) {
    return v.get<int64_t>();
  }
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return std::monostate{};
    }
    return static_cast<int64_t>(u);
  }
  if (v.is_number_float()) {
    double d = v.get<double>();
    // 2^63 is exact in a double; anything at or past it does not fit.
    if (!std::isfinite(d) || d != std::floor(d) || d < -9.2233720368547758e18 ||
        d >= 9.2233720368547758e18) {
      return std::monostate{};
    }
    return static_cast<int64_t>(d);
  }
  if (v.is_string()) {
    if (auto i = ParseInt(v.get_ref<const std::string&>())) return *i;
  }
  return std::monostate{};
}

Value AsBoolean(const nlohmann::json& v) {
  if (v.is_boolean()) return int64_t{v.get<bool>() ? 1 : 0};
  if (v.is_number_integer()) return int64_t{v.get<int64_t>() != 0 ? 1 : 0};
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s == "1" || s == "true" || s == "True") return int64_t{1};
    if (s == "0" || s == "false" || s == "False") return int64_t{0};
  }
  return std::monostate{};
}

Value AsReal(const nlohmann::json& v) {
  double d = 0;
  if (v.is_number()) {
    d = v.get<double>();
  } else if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
      return std::monostate{};
    }
  } else {
    return std::monostate{};
  }
  if (!std::isfinite(d)) return std::monostate{};
  return d;
}

Value AsBuildId(const nlohmann::json& v) {
  if (v.is_number_integer()) return AsInteger(v);
  if (!v.is_string()) return std::monostate{};
  const std::string& s = v.get_ref<const std::string&>();
  // 18 digits always fit an int64; build ids have 14.
  if (s.empty() || s.size() > 18) return std::monostate{};
  for (char c : s) {
    if (c < '0' || c > '9') return std::monostate{};
  }
  return ParseInt(s).value_or(0);
}

Value AsEpochMicros(const nlohmann::json& v) {
  if (!v.is_string()) return std::monostate{};
  if (auto us = ParseEpochMicros(v.get_ref<const std::string&>())) return *us;
  return std::monostate{};
}

Value ValueOf(const Column& col, const nlohmann::json& v, size_t max_text) {
  switch (col.source) {
    case ColumnSource::kKey:
      return std::monostate{};  // set by the caller
    case ColumnSource::kEpochMicros:
      return AsEpochMicros(v);
    case ColumnSource::kBuildId:
      return AsBuildId(v);
    case ColumnSource::kTopLevel:
      return AsText(v, max_text);
    case ColumnSource::kField:
      break;
  }
  if (col.field != nullptr && col.field->type == report::FieldType::kBoolean) {
    return AsBoolean(v);
  }
  switch (col.type) {
    case ColumnType::kText:
      return AsText(v, max_text);
    case ColumnType::kInteger:
      return AsInteger(v);
    case ColumnType::kReal:
      return AsReal(v);
  }
  return std::monostate{};
}

}  // namespace

std::vector<Value> MakeCrashRow(std::string_view crash_id,
                                const nlohmann::json& processed,
                                size_t max_text_bytes) {
  std::span<const Column> cols = CrashColumns();
  std::vector<Value> row;
  row.reserve(cols.size());
  for (const Column& col : cols) {
    if (col.source == ColumnSource::kKey) {
      row.emplace_back(std::string(crash_id));
      continue;
    }
    const nlohmann::json* v = Lookup(processed, col.path);
    row.push_back(v == nullptr ? Value{} : ValueOf(col, *v, max_text_bytes));
  }
  return row;
}

std::string_view TruncateUtf8(std::string_view s, size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  size_t cut = max_bytes;
  // Back up over continuation bytes (10xxxxxx) to the start of a sequence.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut);
}

std::optional<int64_t> ParseEpochMicros(std::string_view iso) {
  // Only the head matters; the parser copies what it is given.
  std::optional<int64_t> seconds =
      base::ParseIsoTimestampSeconds(iso.substr(0, 40));
  if (!seconds) return std::nullopt;
  int64_t micros = 0;
  if (iso.size() > 20 && iso[19] == '.') {
    int digits = 0;
    for (size_t i = 20; i < iso.size() && iso[i] >= '0' && iso[i] <= '9'; ++i) {
      if (digits < 6) {
        micros = micros * 10 + (iso[i] - '0');
        ++digits;
      }
    }
    for (; digits < 6 && digits > 0; ++digits) micros *= 10;
  }
  return *seconds * kMicrosPerSecond + micros;
}

}  // namespace crashbox::store::sqlite
