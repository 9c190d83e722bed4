// SPDX-License-Identifier: MPL-2.0
// The Super Search query model: query-string parameters (repeated keys
// allowed) parsed into a typed Query, exactly as Socorro's SuperSearch reads
// them (SOCORRO.md §4.2, §4.3, §4.6; search_common.py, supersearch.py and the
// webapp's models.py). No SQL and no HTTP here: the index compiles a Query,
// the web layer maps a failed Parse to Socorro's 400 body
// (`{"error": "Bad request: BadArgumentError: <message>"}`).
//
// Value syntax `[!][operator]value`: the operators tried, in order, depend on
// the field's data_validation_type; a value with none is a "match" and all of
// a field's match values (one group per negation) are OR-ed in one clause.
//
// What each operator means, for whoever compiles a Query (Socorro's ES
// translation, SOCORRO.md §4.2): kMatch "has one of the terms": on text
// fields (storage_type "text") a case-insensitive match of the value's
// words, on semicolon_tokens fields one of the ';'-separated tokens, on
// keyword, number, bool and enum fields the whole value; kIs the whole value
// exactly; kContains, kStartsWith, kEndsWith case-sensitive on the whole
// value; kRegex the whole value matches (Lucene regexps are anchored; the
// syntax accepted is RE2's); kNull the field is absent (null or missing).
//
// Every error is kInvalidArgument whose message is Socorro's text word for
// word (str() of its BadArgumentError) where Socorro has one; messages never
// name a field the audience may not see. Parse is a pure function of its
// inputs (time comes from ParseOptions::now) and is thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/base/status.h"
#include "app/search/fields.h"

namespace crashbox::search {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

enum class Op : uint8_t {
  kMatch,       // no operator: has one of the terms (values OR-ed)
  kIs,          // =  is exactly
  kContains,    // ~  (case-sensitive)
  kStartsWith,  // ^
  kEndsWith,    // $
  kRegex,       // @  whole-value match (Lucene regexp is anchored); RE2 syntax
  kGt,          // >
  kGe,          // >=
  kLt,          // <
  kLe,          // <=
  kNull,        // __null__  field absent
  kTrue,        // __true__  boolean true
};
// The operator's text ("" for kMatch).
std::string_view OpText(Op op);
bool IsRange(Op op);

// One parsed value: a string (str, enum), int64 (int), double (float), bool
// or a UTC timestamp (datetime).
using Value = std::variant<std::string, int64_t, double, bool, Timestamp>;

// How a clause joins what precedes it in its filter. Socorro folds a field's
// clauses left to right: range clauses with AND, every other with OR
// (negated ones included: `!~a&!~b` is "not a OR not b", as Socorro does).
enum class Join : uint8_t { kAnd, kOr };

struct Clause {
  Op op = Op::kMatch;
  bool negated = false;   // `!` prefix: NOT around the clause
  Join join = Join::kOr;  // ignored on a filter's first clause
  // kMatch: the OR-ed values; kNull/kTrue: none; others: exactly one.
  std::vector<Value> values;
};

// All clauses on one field; different fields are AND-ed.
struct Filter {
  const SearchField* field = nullptr;
  std::vector<Clause> clauses;
};

struct DateBound {
  Timestamp at;
  bool inclusive = true;  // >= / <= rather than > / <
};

enum class AggKind : uint8_t { kTerms, kHistogram, kCardinality };

struct HistogramInterval {
  std::string calendar;  // dates: "day", "1d", "week", "month", "hour", ...
  double width = 1;      // numbers
};

// One aggregation named in `_facets` or in the values of `_aggs.*` and
// `_histogram.*`: a field name, `_histogram.<f>` or `_cardinality.<f>`.
struct Agg {
  AggKind kind = AggKind::kTerms;
  const SearchField* field = nullptr;
  HistogramInterval interval;  // kHistogram only
  // The key in the response's facets: "<f>", "histogram_<f>" or
  // "cardinality_<f>".
  std::string ResultKey() const;
};

// `_aggs.<f1>[.<f2>[.<f3>]]=v...`: terms on f1, per bucket terms on f2 ...,
// and `subs` inside the innermost bucket. Result key: f1.
struct NestedAgg {
  std::vector<const SearchField*> path;  // 1 to 3 fields
  std::vector<Agg> subs;
};

// `_histogram.<f>=v...`: a histogram on f with `subs` in each bucket. Result
// key: "histogram_<f>".
struct HistogramAgg {
  Agg histogram;  // kind kHistogram
  std::vector<Agg> subs;
};

struct SortKey {
  const SearchField* field = nullptr;
  bool descending = false;
};

struct Query {
  std::vector<Filter> filters;  // every field but date
  DateBound date_from;          // > or >=
  DateBound date_to;            // < or <=
  std::vector<const SearchField*> columns;
  std::vector<SortKey> sort;
  int results_number = 100;
  int results_offset = 0;
  int facets_size = 50;  // 0: no aggregation at all (the lists are empty)
  std::vector<Agg> facets;
  std::vector<NestedAgg> aggs;
  std::vector<HistogramAgg> histograms;
  bool return_query = false;
};

// Who asks. kPublic (`/api/SuperSearch/`) silently loses every parameter
// and list value naming a protected field, as Socorro's webapp strips them;
// kUnredacted (`/api/SuperSearchUnredacted/`) keeps them.
enum class Audience : uint8_t { kPublic, kUnredacted };

// Whether `audience` may see `field` at all (filter, column, facet or hit).
bool IsVisible(const SearchField& field, Audience audience);

struct ParseOptions {
  const FieldSet* fields = &FieldSet::Default();
  // "Now" for the default date range: set it from the caller's clock (left
  // at the epoch, every default window ends in 1970).
  Timestamp now{};
  // When set, every product named by a match or `=` value must be known to
  // it, else `Not valid products: <list>` (Socorro's product_details check).
  std::function<bool(std::string_view)> is_known_product;
  // Hostile-input bounds (crashbox's, Socorro has none).
  size_t max_params = 1000;
  size_t max_value_bytes = 10 * 1024;
  // RE2's memory budget for one `@` pattern; a pattern needing more is "too
  // complex".
  int64_t regex_max_mem = 1 << 20;
};

using Params = std::vector<std::pair<std::string, std::string>>;

// Parses query-string parameters. Unknown filter names and unknown `_`
// parameters are ignored, as Socorro ignores them.
Result<Query> Parse(const Params& params, Audience audience,
                    const ParseOptions& options);

// The parsed query as JSON, for `_return_query`, logs and tests: filters
// with their clauses (op text, negated, join, values; timestamps as ISO
// text), the date bounds, columns, sort ("-f" descending), the window, and
// the aggregations by result key.
nlohmann::json QueryToJson(const Query& query);

// Socorro's default `_columns`.
inline constexpr std::string_view kDefaultColumns[] = {
    "uuid", "date", "signature", "product", "version"};
inline constexpr int kMaxResultsNumber = 1000;
inline constexpr int kMaxResultsWindow = 10000;
inline constexpr int kMaxFacetsSize = 10000;
inline constexpr int kDefaultDateRangeDays = 7;
inline constexpr int kMaxDateRangeDays = 365;

// Socorro's datetimeutil.string_to_datetime: "YYYY-MM-DD" (midnight UTC) or
// ISO 8601 date and time with 'T' or ' ', optional seconds, fraction and
// offset ("Z", "+HH:MM", "+HHMM"; none = UTC).
bool ParseDatetime(std::string_view text, Timestamp* out);

}  // namespace crashbox::search
