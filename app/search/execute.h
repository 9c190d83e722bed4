// SPDX-License-Identifier: MPL-2.0
// The Super Search executor: runs a parsed Query (query.h) on the search
// index (store/sqlite) and builds Socorro's response body (SOCORRO.md §4.4):
//
//   {"hits": [{<column>: value, ...}], "total": N,
//    "facets": {"<f>": [{"term": t, "count": n, "facets": {...}}],
//               "histogram_<f>": [...], "cardinality_<f>": {"value": n}},
//    "errors": []}
//
// - hits: the query's columns in order, keyed by field name; null when the
//   crash has no value or crashbox stores none for the field (Socorro-only
//   fields such as `addons` are always null). `date` and other time columns
//   print as the processor writes date_processed
//   ("2024-05-07T12:00:00.123456+00:00"); booleans as true/false.
// - Order: the `_sort` keys (missing values last, as Elasticsearch), then
//   crash_id ascending to break ties; with no `_sort`, newest first
//   (date descending, then crash_id).
// - facets: one key per requested aggregation, every bucket list sorted by
//   count descending then term ascending (terms), or by key ascending
//   (histograms, empty buckets omitted). Terms of bool fields are "T"/"F";
//   date histogram terms are "YYYY-MM-DDTHH:MM:SS+00:00" (the bucket's start,
//   UTC; weeks start on Monday as in Elasticsearch).
// - With query.return_query nothing runs; the body is
//   {"query": QueryToJson(query) + {"sql": [{"purpose": "total"|"hits"|
//    "facet <key>"|..., "sql": "...", "params": [...]}]}, "indices": []}:
//   the statements Run would execute, in order, with their bound values
//   (a text facet with over 100,000 distinct terms adds a GROUP BY fallback
//   that is not listed). There is no "total" statement when an aggregation
//   reads every matching crash anyway (the default signature facet does):
//   the total is counted there.
//
// Matching (query.h's contract) is done in SQL with every value bound as a
// parameter; column names come only from store/sqlite/schema.h.
// docs/decisions.md ("Super Search execution") says how each operator is
// rendered and why.
//
// Thread-safety: Run uses `index` from the calling thread only (SearchIndex
// is single-threaded); concurrent Runs need one SearchIndex each.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/base/status.h"
#include "app/search/query.h"
#include "store/sqlite/search_index.h"

namespace crashbox::search {

struct RunOptions {
  // Per request, over all its statements. Past it the request fails with
  // kTimeoutMessage.
  std::chrono::milliseconds time_limit{10'000};
  // Distinct key tuples one aggregation may group before the request is
  // refused as too large (a memory bound: a grouping by several
  // high-cardinality fields at once).
  size_t max_group_rows = 500'000;
};

// The kInvalidArgument message when the time limit is hit (Socorro's prefix;
// its ES backend's full text was not found, see docs/decisions.md).
inline constexpr std::string_view kTimeoutMessage =
    "Search query timed out. Try a smaller date range or fewer filters.";
// Conditions on one field (crashbox's bounds: SQL nests a field's clauses).
inline constexpr size_t kMaxClausesPerField = 64;
inline constexpr size_t kMaxValuesPerField = 500;
// Elasticsearch's search.max_buckets (10,000), over one response.
inline constexpr size_t kMaxBuckets = 10'000;

// Runs `query` for `audience`. Defense in depth: fields `audience` may not see
// (IsVisible) are never filtered on, returned, sorted or aggregated, even if
// `query` carries them (Parse already strips them).
// Errors: kInvalidArgument with Socorro's message word for word (the web
// layer answers {"error": "Bad request: BadArgumentError: <message>"}):
// kTimeoutMessage past options.time_limit; "too many conditions on <f>:
// ..." past kMaxClausesPerField or kMaxValuesPerField; "Trying to create too
// many buckets. Must be less than or equal to: [10000]." past kMaxBuckets or
// options.max_group_rows. kUnavailable, kCorrupt and kIoError from the
// index, unchanged.
Result<nlohmann::json> Run(const Query& query, Audience audience,
                           store::sqlite::SearchIndex& index,
                           const RunOptions& options = {});

}  // namespace crashbox::search
