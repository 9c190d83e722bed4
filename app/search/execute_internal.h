// SPDX-License-Identifier: MPL-2.0
// The executor's parts (execute.h), shared by execute.cc (hits, total,
// response), execute_sql.cc (fields → SQL, filters, SQL functions) and
// execute_aggs.cc (facets, nested aggregations, histograms, cardinality).
// Internal to app/search; tests may include it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/search/execute.h"
#include "app/search/query.h"
#include "store/sqlite/search_index.h"

namespace crashbox::search::internal {

namespace sq = store::sqlite;

// How a field's value reads in SQL and prints in the response.
enum class Kind : uint8_t {
  kNone,    // no column: always NULL
  kText,    // TEXT
  kInt,     // INTEGER
  kReal,    // REAL
  kBool,    // INTEGER 0/1, printed true/false (hits) or "T"/"F" (terms)
  kMicros,  // INTEGER microseconds since the epoch, printed as ISO text
};

struct FieldSql {
  std::string expr = "NULL";  // a column name or an expression over one
  Kind kind = Kind::kNone;
  // The crashes_fts column (== expr) when the field is full-text indexed.
  bool fts = false;
  // expr leads an index of crashes (index lookups, loose scans).
  bool indexed = false;
};

// The SQL reading of `field` (schema.h's column for it, or kNone).
FieldSql SqlFor(const SearchField& field);

// Words and tokens as the match operator compares them (lowercased ASCII):
// text fields split on anything but letters, digits, '_' and non-ASCII
// bytes (Elasticsearch's standard analyzer, approximately); semicolon fields
// split on ';' with empty tokens dropped. Duplicates removed, order kept.
std::vector<std::string> Words(std::string_view text);
std::vector<std::string> SemicolonTokens(std::string_view text);

// Names of the SQL functions RegisterFunctions installs.
inline constexpr std::string_view kRegexpFn = "cb_regexp";  // (value, re)
inline constexpr std::string_view kWordsFn = "cb_words";    // (value, ws)
inline constexpr std::string_view kTokensFn = "cb_tokens";  // (value, ts)
// Installs them on `index` (idempotent).
Status RegisterFunctions(sq::SearchIndex& index);

// One statement's parameters, numbered ?1, ?2... in order of Add().
class SqlParams {
 public:
  // Returns "?N" for `v`.
  std::string Add(sq::Value v);
  const std::vector<sq::Value>& values() const { return values_; }
  // Replaces the value of ?(i + 1).
  void Set(size_t i, sq::Value v) { values_.at(i) = std::move(v); }

 private:
  std::vector<sq::Value> values_;
};

// The WHERE clause of every statement of a request: the date range and the
// filters (each over its visible field), its parameters first in `params`:
// ?1 is the lower date bound, ?2 the upper one.
std::string CompileWhere(const Query& query, Audience audience,
                         SqlParams& params);

// Runs (or, for return_query, only records) the request's statements under
// one deadline.
class Executor {
 public:
  Executor(sq::SearchIndex& index, const RunOptions& options, bool record_only);
  // Runs `sql` with `params` (in record-only mode: notes it and returns no
  // rows) within what is left of the request's time. Errors as Run.
  Result<sq::QueryResult> Query(std::string purpose, std::string sql,
                                const SqlParams& params);
  // As Query, streaming each row to `row` (store's QueryEach); in
  // record-only mode notes the statement and calls nothing.
  Status QueryEach(std::string purpose, std::string sql,
                   const SqlParams& params, const sq::SearchIndex::RowFn& row);
  nlohmann::json Recorded() const { return recorded_; }
  const RunOptions& options() const { return options_; }

 private:
  sq::SearchIndex& index_;
  // Time left, or the timeout error.
  Result<std::chrono::milliseconds> Left() const;
  // kLimitExceeded → the timeout message; SQL errors → kIoError (our bug).
  Status Mapped(const Status& s, const std::string& purpose) const;
  void Record(std::string purpose, const std::string& sql,
              const SqlParams& params);

  RunOptions options_;
  bool record_only_;
  std::chrono::steady_clock::time_point deadline_;
  nlohmann::json recorded_ = nlohmann::json::array();
};

// A value read from the index as the response prints it (hits).
nlohmann::json HitValue(const sq::Value& v, Kind kind);
// A bucket term as the response prints it (terms: bools "T"/"F").
nlohmann::json TermValue(const sq::Value& v, Kind kind);

// Where a request's counts can be read: the crashes table, or (a rollup)
// daily_counts or signature_counts (schema.h) for the whole UTC days of its
// range, hourly_counts for the whole hours of the partial days at either
// edge (not with signature_counts), crashes for the rest. Each part is one
// WHERE, compiled by CompileWhere for that part's date bounds, that runs on
// its table as is.
struct CountSource {
  std::string_view table;
  std::string where;
  SqlParams params;
  bool weighted = false;  // rows carry a `count` column (a rollup table)
};
enum class RollupTable : uint8_t {
  kDaily,      // daily_counts: product, version, os_name, process_type
  kSignature,  // signature_counts: those and signature
};
struct Rollup {
  std::vector<CountSource> parts;  // empty: the request cannot use one
  bool usable() const { return !parts.empty(); }
};
// The rollups of one request, the smaller table first.
struct Rollups {
  Rollup daily;
  Rollup signature;
};
// A key column of `table` (a text column of crashes under its own name).
bool InRollupTable(const FieldSql& f, RollupTable table);
// The rollup of `query` on `table` when every filter names a key column of
// it, the range holds at least one whole day (or, for daily_counts, hour)
// and starts after 1970, and,
// for signature_counts (whose index leads with product and version), one
// filter names a product or a few and one a version or a few; else empty.
Rollup PlanRollup(const Query& query, Audience audience, RollupTable table);
Rollups PlanRollups(const Query& query, Audience audience);

// The whole "facets" object: `_facets`, `_aggs.*` and `_histogram.*`. Sets
// *total to the number of matching crashes when an aggregation counted them
// all (a facet hashed over every row, a grouping, a date histogram), else
// to nullopt.
// Aggregations whose keys are all key columns of a usable rollup, or
// day-based date histograms, read the smallest such rollup.
Result<nlohmann::json> Facets(const Query& query, Audience audience,
                              const std::string& where, const SqlParams& params,
                              const Rollups& rollups, Executor& exec,
                              std::optional<int64_t>* total = nullptr);

Status TooManyBuckets();

}  // namespace crashbox::search::internal
