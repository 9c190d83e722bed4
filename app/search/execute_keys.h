// SPDX-License-Identifier: MPL-2.0
// Aggregation keys (execute_aggs.cc): how a terms field or a histogram
// groups in SQL and which bucket each grouped value falls in (';'-tokens
// split, dates folded into calendar buckets), and the order of terms.
// Internal to app/search.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "app/base/iso_time.h"
#include "app/search/execute_internal.h"
#include "store/sqlite/schema.h"

namespace crashbox::search::internal {

inline int Rank(const sq::Value& v) {
  if (sq::IsNull(v)) return 0;
  if (std::holds_alternative<std::string>(v)) return 2;
  return 1;
}
inline double AsDouble(const sq::Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}
// Ascending term order: numbers by value, text by bytes.
struct ValueLess {
  bool operator()(const sq::Value& a, const sq::Value& b) const {
    int ra = Rank(a), rb = Rank(b);
    if (ra != rb) return ra < rb;
    if (ra == 2) return std::get<std::string>(a) < std::get<std::string>(b);
    if (ra == 1) {
      if (a.index() == b.index() && std::holds_alternative<int64_t>(a)) {
        return std::get<int64_t>(a) < std::get<int64_t>(b);
      }
      return AsDouble(a) < AsDouble(b);
    }
    return false;
  }
};

// SQL floor division by a positive integer (SQLite's '/' truncates).
inline std::string FloorDiv(std::string_view x, std::string_view d) {
  return fmt::format(
      "(CASE WHEN {0} >= 0 THEN {0} / {1} ELSE ({0} + 1) / {1} - 1 END)", x, d);
}

// One grouping of an aggregation: a terms field or a histogram.
struct Key {
  const SearchField* field = nullptr;
  AggKind kind = AggKind::kTerms;
  HistogramInterval interval;
  FieldSql sql;
  bool tokens = false;  // ';'-separated: one bucket per token
  // The unit of a date histogram's SQL key: "minute", "hour" or "day"
  // (day-based keys are folded into weeks, months, quarters, years here).
  std::string date_unit;
  std::string calendar;  // normalized: minute hour day week month quarter year
  bool int_width = false;

  std::string Expr(SqlParams& params) const {
    if (kind != AggKind::kHistogram) return sql.expr;
    if (sql.kind == Kind::kMicros) {
      int64_t unit = date_unit == "minute" ? 60 * sq::kMicrosPerSecond
                     : date_unit == "hour" ? 3600 * sq::kMicrosPerSecond
                                           : sq::kMicrosPerDay;
      return FloorDiv(sql.expr, std::to_string(unit));
    }
    if (int_width) {
      return FloorDiv(sql.expr,
                      params.Add(static_cast<int64_t>(interval.width)));
    }
    std::string w = params.Add(interval.width);
    return fmt::format(
        "(CAST({0} / {1} AS INTEGER) - ({0} < 0 AND CAST({0} / {1} AS INTEGER) "
        "!= {0} / {1}))",
        sql.expr, w);
  }

  // The bucket keys one grouped value falls in (none for NULL).
  std::vector<sq::Value> Keys(const sq::Value& raw) const {
    if (sq::IsNull(raw)) return {};
    if (tokens) {
      std::vector<sq::Value> out;
      if (const auto* s = std::get_if<std::string>(&raw)) {
        for (std::string& t : SemicolonTokens(*s))
          out.emplace_back(std::move(t));
      }
      return out;
    }
    if (kind != AggKind::kHistogram || !std::holds_alternative<int64_t>(raw)) {
      return {raw};
    }
    int64_t k = std::get<int64_t>(raw);
    if (sql.kind == Kind::kMicros) return {DateBucketStart(k)};
    if (int_width) return {k * static_cast<int64_t>(interval.width)};
    return {static_cast<double>(k) * interval.width};
  }

  // The start (microseconds) of the calendar bucket holding SQL key `k`.
  int64_t DateBucketStart(int64_t k) const {
    using namespace std::chrono;
    if (date_unit == "minute") return k * 60 * sq::kMicrosPerSecond;
    if (date_unit == "hour") return k * 3600 * sq::kMicrosPerSecond;
    int64_t day = k;
    if (calendar == "week") {
      // 1970-01-01 was a Thursday; weeks start on Monday (ISO, as ES).
      int64_t w = (day + 3) >= 0 ? (day + 3) / 7 : (day + 3 - 6) / 7;
      day = w * 7 - 3;
    } else if (calendar == "month" || calendar == "quarter" ||
               calendar == "year") {
      year_month_day ymd{sys_days{days{day}}};
      unsigned m = static_cast<unsigned>(ymd.month());
      if (calendar == "quarter") m = (m - 1) / 3 * 3 + 1;
      if (calendar == "year") m = 1;
      day = sys_days{ymd.year() / month{m} / 1}.time_since_epoch().count();
    }
    return day * sq::kMicrosPerDay;
  }

  nlohmann::json Term(const sq::Value& key) const {
    if (kind == AggKind::kHistogram && sql.kind == Kind::kMicros) {
      const auto* us = std::get_if<int64_t>(&key);
      if (us == nullptr) return nullptr;
      int64_t s = *us / sq::kMicrosPerSecond;
      return base::IsoTimestampSeconds(s);
    }
    if (kind == AggKind::kHistogram) return HitValue(key, Kind::kInt);
    return TermValue(key, sql.kind);
  }
};

inline Key MakeKey(const SearchField& f, AggKind kind,
                   const HistogramInterval& interval) {
  Key k;
  k.field = &f;
  k.kind = kind;
  k.interval = interval;
  k.sql = SqlFor(f);
  k.tokens = kind == AggKind::kTerms && f.semicolon_tokens;
  if (kind == AggKind::kHistogram && k.sql.kind == Kind::kMicros) {
    std::string c = interval.calendar.empty() ? "day" : interval.calendar;
    static const std::map<std::string, std::string, std::less<>> kNames = {
        {"1m", "minute"}, {"1h", "hour"},    {"1d", "day"}, {"1w", "week"},
        {"1M", "month"},  {"1q", "quarter"}, {"1y", "year"}};
    if (auto it = kNames.find(c); it != kNames.end()) c = it->second;
    k.calendar = c;
    k.date_unit = (c == "minute" || c == "hour") ? c : "day";
  }
  k.int_width = k.sql.kind != Kind::kReal &&
                interval.width ==
                    static_cast<double>(static_cast<int64_t>(interval.width));
  return k;
}

inline bool IsDateHistogram(const Key& k) {
  return k.kind == AggKind::kHistogram && k.sql.kind == Kind::kMicros &&
         k.sql.expr == sq::kDateColumn;
}

}  // namespace crashbox::search::internal
