// SPDX-License-Identifier: MPL-2.0
// A parsed Query as JSON (query.h: QueryToJson).
#include <variant>

#include "app/base/iso_time.h"
#include "app/search/query.h"

namespace crashbox::search {
namespace {

nlohmann::json ValueJson(const Value& v) {
  return std::visit(
      [](const auto& x) -> nlohmann::json {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, Timestamp>) {
          return base::IsoTimestampMicros(x);
        } else {
          return x;
        }
      },
      v);
}

nlohmann::json BoundJson(const DateBound& b) {
  return {{"at", base::IsoTimestampMicros(b.at)}, {"inclusive", b.inclusive}};
}

nlohmann::json AggJson(const Agg& a) {
  nlohmann::json j = {{"key", a.ResultKey()}, {"field", a.field->name}};
  if (a.kind == AggKind::kHistogram) {
    if (a.field->query_type == "date") {
      j["interval"] = a.interval.calendar;
    } else {
      j["interval"] = a.interval.width;
    }
  }
  return j;
}

nlohmann::json AggsJson(const std::vector<Agg>& aggs) {
  nlohmann::json out = nlohmann::json::array();
  for (const Agg& a : aggs) out.push_back(AggJson(a));
  return out;
}

}  // namespace

nlohmann::json QueryToJson(const Query& q) {
  nlohmann::json filters = nlohmann::json::array();
  for (const Filter& f : q.filters) {
    nlohmann::json clauses = nlohmann::json::array();
    for (const Clause& c : f.clauses) {
      nlohmann::json values = nlohmann::json::array();
      for (const Value& v : c.values) values.push_back(ValueJson(v));
      clauses.push_back({{"op", OpText(c.op)},
                         {"negated", c.negated},
                         {"join", c.join == Join::kAnd ? "and" : "or"},
                         {"values", values}});
    }
    filters.push_back({{"field", f.field->name}, {"clauses", clauses}});
  }
  nlohmann::json columns = nlohmann::json::array();
  for (const SearchField* f : q.columns) columns.push_back(f->name);
  nlohmann::json sort = nlohmann::json::array();
  for (const SortKey& s : q.sort) {
    sort.push_back((s.descending ? "-" : "") + s.field->name);
  }
  nlohmann::json aggs = nlohmann::json::array();
  for (const NestedAgg& a : q.aggs) {
    nlohmann::json path = nlohmann::json::array();
    for (const SearchField* f : a.path) path.push_back(f->name);
    aggs.push_back({{"path", path}, {"subs", AggsJson(a.subs)}});
  }
  nlohmann::json histograms = nlohmann::json::array();
  for (const HistogramAgg& h : q.histograms) {
    nlohmann::json j = AggJson(h.histogram);
    j["subs"] = AggsJson(h.subs);
    histograms.push_back(std::move(j));
  }
  return {{"filters", filters},
          {"date",
           {{"from", BoundJson(q.date_from)}, {"to", BoundJson(q.date_to)}}},
          {"columns", columns},
          {"sort", sort},
          {"results_number", q.results_number},
          {"results_offset", q.results_offset},
          {"facets_size", q.facets_size},
          {"facets", AggsJson(q.facets)},
          {"aggs", aggs},
          {"histograms", histograms},
          {"return_query", q.return_query}};
}

}  // namespace crashbox::search
