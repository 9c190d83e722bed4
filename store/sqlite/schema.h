// SPDX-License-Identifier: MPL-2.0
// The search index's schema (var/search.sqlite), owned here. Code that writes
// SQL over the index (app/search) reads names from this header, never from
// string literals of its own.
//
// Tables (schema version kSchemaVersion, PRAGMA user_version):
//
// crashes: one row per crash. `id INTEGER PRIMARY KEY` is the FTS rowid (an
//   explicit alias, so VACUUM never renumbers it); `crash_id TEXT NOT NULL
//   UNIQUE` is the key callers use. Then one typed column per non-array
//   field of report::AllFields() whose type is string, integer, number or
//   boolean: TEXT, INTEGER, REAL, INTEGER 0/1. Column name = field name with
//   each '.' replaced by "__" (`json_dump.system_info.os` →
//   `json_dump__system_info__os`). Exceptions:
//   - `uuid` and `crash_id` are the one column crash_id;
//   - `date_processed` and `submitted_timestamp` are INTEGER microseconds
//     since the epoch, UTC (Socorro's ISO text, read back exactly with
//     base::IsoTimestampMicros);
//   - `build_id` (INTEGER) is added: `build` when it is all digits (Super
//     Search's build_id is a number);
//   - FTS columns that the field table lacks (`email`, `moz_crash_reason`)
//     are TEXT columns read from the processed crash's top level.
//   Columns of fields added to the table later are added at open (NULL in
//   older rows); a field whose type changes needs a schema version (the
//   column keeps its declared type, whose affinity would convert values).
//   NULL is "absent or of the wrong type". Text is cut at a UTF-8 boundary
//   to max_text_bytes (SearchIndexOptions). Rows are replaced, never
//   updated: a trigger refuses UPDATE, so aggregates stay exact.
//   Indexes (version 3): (product, date_processed, version, os_name,
//   process_type, signature), (os_name, date_processed, product, version,
//   process_type, signature), (date_processed, product, version, os_name,
//   process_type, signature), (signature, date_processed): each leads with
//   a common filter, then the date every search bounds, and covers the
//   columns Super Search groups by most, so those queries read one date
//   range of the index and never the table (version 1 had the first three
//   without their trailing columns; version 2 had version before the date
//   in the first).
//
// crashes_fts: FTS5, trigram tokenizer (case-insensitive), detail=column,
//   external content (content=crashes, content_rowid=id) over FtsColumns():
//   the index stores trigrams only, the text stays in crashes. Triggers on
//   crashes keep it current. Use it as a candidate filter that FTS5
//   rechecks against the text itself:
//     SELECT rowid FROM crashes_fts WHERE url GLOB ?   -- '*foo*'
//   GLOB is case-sensitive (Super Search's ~ ^ $), LIKE is not; patterns of
//   fewer than 3 characters still work but scan. Escape values with
//   GlobLiteral().
//
// signature_counts(date_processed, product, version, os_name, process_type,
//   signature, count) (version 4): a rollup as daily_counts is, with the
//   signature among its keys, for signature facets and Top Crashers. Indexed
//   by (product, version, date_processed, os_name, process_type, signature,
//   count): the executor reads it only for requests that name products and
//   versions.
//   (Versions 1-3 had (product, version, day, signature, platform,
//   process_type, count) with absent values as ''.)
//
// daily_counts(date_processed, product, version, os_name, process_type,
//   count): crashes per UTC day and key, NULLs kept (rows matched with IS).
//   The columns are crashes' own, date_processed holding the day's start
//   (DayOf() * kMicrosPerDay): a WHERE written for crashes that names only
//   these columns, with date bounds on day starts, runs unchanged on it and
//   sum(count) gives what count(*) gives on crashes for those whole days.
//   Kept by triggers on crashes (insert adds 1, delete subtracts 1 and drops
//   rows that reach 0; crashes without date_processed are not counted);
//   indexed by all its key columns, date first, then the count (since
//   version 4, so that reads never touch the table).
//
// hourly_counts (version 4): daily_counts by the hour (date_processed holds
//   the hour's start), same keys, triggers and index. The executor reads it
//   for the whole hours of a range's partial days.
//
// signature_first(signature, first_date, first_build): per signature the
//   earliest date_processed (microseconds) and the lowest build_id ever
//   indexed, each lowered independently (Socorro's signatures table). Only
//   ever lowered, as in Socorro: removing or reprocessing a crash does not
//   raise them; Clear() and a reindex recompute them. It also holds every
//   signature ever indexed ('' for none), which Super Search reads as the
//   list of distinct signatures to test a pattern against.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/report/fields.h"

namespace crashbox::store::sqlite {

inline constexpr int kSchemaVersion = 4;

inline constexpr std::string_view kCrashesTable = "crashes";
inline constexpr std::string_view kFtsTable = "crashes_fts";
inline constexpr std::string_view kCountsTable = "signature_counts";
inline constexpr std::string_view kFirstSeenTable = "signature_first";
inline constexpr std::string_view kDailyCountsTable = "daily_counts";
inline constexpr std::string_view kHourlyCountsTable = "hourly_counts";

// The columns every search statement names.
inline constexpr std::string_view kCrashIdColumn = "crash_id";
inline constexpr std::string_view kDateColumn = "date_processed";
inline constexpr std::string_view kSignatureColumn = "signature";

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerHour = 3'600 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

enum class ColumnType : uint8_t { kText, kInteger, kReal };

// How a column's value is read from the processed crash.
enum class ColumnSource : uint8_t {
  kKey,          // crash_id: the caller's id, not read from the crash
  kField,        // a field of the table, converted to its type
  kEpochMicros,  // an ISO 8601 field, as microseconds since the epoch
  kBuildId,      // `build` when all digits, as an integer
  kTopLevel,     // a top-level string the field table lacks (FTS extras)
};

struct Column {
  std::string name;  // SQL name
  ColumnType type;
  ColumnSource source;
  // The field it is read from (null for kKey and kTopLevel).
  const report::FieldSpec* field = nullptr;
  // Object keys from the processed crash's root to the value.
  std::vector<std::string> path;
};

// Every column of `crashes` except `id`, crash_id first, then the fields in
// table order, then the extras. Built once; the same for the process's life.
std::span<const Column> CrashColumns();
// The column named `name` (its SQL name), or null.
const Column* FindColumn(std::string_view name);
// The column a field of the table is stored in ("uuid" → crash_id), or null
// for fields that have none (arrays, objects, fields inside arrays).
const Column* ColumnForField(std::string_view field_name);
// Field name → SQL name: '.' becomes "__".
std::string ColumnNameOf(std::string_view field_name);
std::string_view ColumnTypeName(ColumnType type);  // "TEXT", "INTEGER", "REAL"

// True when `column` is the first column of an index of crashes (a lookup,
// a range or a loose scan of its distinct values is cheap).
bool LeadsIndex(std::string_view column);

// The columns of crashes_fts, in order (each also a column of crashes).
std::span<const std::string_view> FtsColumns();

// Day number (days since 1970-01-01 UTC) of a time in microseconds; floors,
// so times before the epoch fall on negative days.
inline int64_t DayOf(int64_t epoch_micros) {
  int64_t d = epoch_micros / kMicrosPerDay;
  return (epoch_micros % kMicrosPerDay < 0) ? d - 1 : d;
}

// `text` with GLOB's special characters (* ? [) made literal, for building
// patterns such as "*" + GlobLiteral(v) + "*" (contains).
std::string GlobLiteral(std::string_view text);

}  // namespace crashbox::store::sqlite
