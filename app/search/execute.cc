// SPDX-License-Identifier: MPL-2.0
// Run(): the total, the page of hits and the response (execute.h); the
// aggregations are in execute_aggs.cc, the SQL of filters in
// execute_sql.cc.
#include "app/search/execute.h"

#include <algorithm>
#include <utility>

#include <fmt/format.h>

#include "app/base/iso_time.h"
#include "app/search/execute_internal.h"
#include "store/sqlite/schema.h"

namespace crashbox::search {
namespace internal {
namespace {

using Clock = std::chrono::steady_clock;

nlohmann::json ParamJson(const sq::Value& v) {
  return std::visit(
      [](const auto& x) -> nlohmann::json {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>,
                                     std::monostate>) {
          return nullptr;
        } else {
          return x;
        }
      },
      v);
}

std::string Iso(int64_t micros) {
  return base::IsoTimestampMicros(
      std::chrono::system_clock::time_point(std::chrono::microseconds(micros)));
}

// ORDER BY: the visible `_sort` keys, missing values last either way (as
// Elasticsearch's default `missing: _last`), then crash_id so that pages
// never overlap. No `_sort`: newest first.
std::string OrderBy(const Query& query, Audience audience) {
  std::vector<std::string> keys;
  for (const SortKey& k : query.sort) {
    if (k.field == nullptr || !IsVisible(*k.field, audience)) continue;
    FieldSql f = SqlFor(*k.field);
    if (f.kind == Kind::kNone) continue;  // all NULL: orders nothing
    keys.push_back(
        fmt::format("{} {} NULLS LAST", f.expr, k.descending ? "DESC" : "ASC"));
  }
  if (keys.empty()) keys.push_back(fmt::format("{} DESC", sq::kDateColumn));
  keys.push_back(std::string(sq::kCrashIdColumn));
  return fmt::format("{}", fmt::join(keys, ", "));
}

Result<nlohmann::json> Hits(const Query& query, Audience audience,
                            const std::string& where,
                            const SqlParams& where_params, Executor& exec) {
  nlohmann::json hits = nlohmann::json::array();
  if (query.results_number <= 0) return hits;
  struct Out {
    const SearchField* field;
    FieldSql sql;
    int index;  // in the SELECT list, -1: always null
  };
  std::vector<Out> outs;
  std::vector<std::string> select;
  for (const SearchField* f : query.columns) {
    if (f == nullptr || !IsVisible(*f, audience)) continue;
    Out o{f, SqlFor(*f), -1};
    if (o.sql.kind != Kind::kNone) {
      o.index = static_cast<int>(select.size());
      select.push_back(o.sql.expr);
    }
    outs.push_back(std::move(o));
  }
  if (select.empty()) select.push_back("1");
  SqlParams params = where_params;
  std::string sql = fmt::format(
      "SELECT {} FROM {} WHERE {} ORDER BY {} LIMIT {} OFFSET {}",
      fmt::join(select, ", "), sq::kCrashesTable, where,
      OrderBy(query, audience), params.Add(int64_t{query.results_number}),
      params.Add(int64_t{query.results_offset}));
  CB_ASSIGN_OR_RETURN(sq::QueryResult r, exec.Query("hits", sql, params));
  for (const std::vector<sq::Value>& row : r.rows) {
    nlohmann::json hit = nlohmann::json::object();
    for (const Out& o : outs) {
      hit[o.field->name] = o.index < 0 ? nlohmann::json(nullptr)
                                       : HitValue(row[o.index], o.sql.kind);
    }
    hits.push_back(std::move(hit));
  }
  return hits;
}

// `query` without anything naming a field `audience` may not see: what Parse
// gives that audience, so that a Query built elsewhere (or a Parse bug)
// cannot leak a protected field through a hit, a bucket, a count or
// return_query's echo.
Query VisibleQuery(const Query& query, Audience audience) {
  auto seen = [&](const SearchField* f) {
    return f != nullptr && IsVisible(*f, audience);
  };
  auto aggs_seen = [&](std::vector<Agg>& aggs) {
    std::erase_if(aggs, [&](const Agg& a) { return !seen(a.field); });
  };
  Query q = query;
  std::erase_if(q.filters, [&](const Filter& f) { return !seen(f.field); });
  std::erase_if(q.columns, [&](const SearchField* f) { return !seen(f); });
  std::erase_if(q.sort, [&](const SortKey& k) { return !seen(k.field); });
  aggs_seen(q.facets);
  std::erase_if(q.aggs, [&](const NestedAgg& a) {
    return a.path.empty() || !std::all_of(a.path.begin(), a.path.end(), seen);
  });
  for (NestedAgg& a : q.aggs) aggs_seen(a.subs);
  std::erase_if(q.histograms, [&](const HistogramAgg& h) {
    return !seen(h.histogram.field);
  });
  for (HistogramAgg& h : q.histograms) aggs_seen(h.subs);
  return q;
}

}  // namespace

Executor::Executor(sq::SearchIndex& index, const RunOptions& options,
                   bool record_only)
    : index_(index),
      options_(options),
      record_only_(record_only),
      deadline_(Clock::now() + options.time_limit) {}

void Executor::Record(std::string purpose, const std::string& sql,
                      const SqlParams& params) {
  nlohmann::json ps = nlohmann::json::array();
  for (const sq::Value& v : params.values()) ps.push_back(ParamJson(v));
  recorded_.push_back(
      {{"purpose", std::move(purpose)}, {"sql", sql}, {"params", ps}});
}

Result<std::chrono::milliseconds> Executor::Left() const {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline_ - Clock::now());
  if (left.count() <= 0) {
    return Status::InvalidArgument(std::string(kTimeoutMessage));
  }
  return left;
}

Status Executor::Mapped(const Status& s, const std::string& purpose) const {
  if (s.code() == Status::Code::kLimitExceeded) {
    return Status::InvalidArgument(std::string(kTimeoutMessage));
  }
  // A statement the executor wrote that SQLite refuses is a bug here, not
  // the caller's bad argument: say so rather than blame the query.
  if (s.code() == Status::Code::kInvalidArgument) {
    return Status::IoError(fmt::format("search: {}: {}", purpose, s.message()));
  }
  return s;
}

Result<sq::QueryResult> Executor::Query(std::string purpose, std::string sql,
                                        const SqlParams& params) {
  if (record_only_) {
    Record(std::move(purpose), sql, params);
    return sq::QueryResult{};
  }
  CB_ASSIGN_OR_RETURN(std::chrono::milliseconds left, Left());
  sq::QueryOptions qo;
  qo.time_limit = left;
  qo.max_rows = options_.max_group_rows;
  Result<sq::QueryResult> r = index_.Query(sql, params.values(), qo);
  if (!r.ok()) return Mapped(r.status(), purpose);
  if (r->truncated) return TooManyBuckets();
  return r;
}

Status Executor::QueryEach(std::string purpose, std::string sql,
                           const SqlParams& params,
                           const sq::SearchIndex::RowFn& row) {
  if (record_only_) {
    Record(std::move(purpose), sql, params);
    return {};
  }
  CB_ASSIGN_OR_RETURN(std::chrono::milliseconds left, Left());
  sq::QueryOptions qo;
  qo.time_limit = left;
  Status s = index_.QueryEach(sql, params.values(), qo, row);
  // kNotFound is the callback's own "stop" (execute_aggs.cc), passed back.
  if (s.ok() || s.code() == Status::Code::kNotFound) return s;
  return Mapped(s, purpose);
}

nlohmann::json HitValue(const sq::Value& v, Kind kind) {
  if (sq::IsNull(v)) return nullptr;
  if (kind == Kind::kBool) {
    if (const auto* i = std::get_if<int64_t>(&v)) return *i != 0;
  }
  if (kind == Kind::kMicros) {
    if (const auto* i = std::get_if<int64_t>(&v)) return Iso(*i);
  }
  return ParamJson(v);
}

nlohmann::json TermValue(const sq::Value& v, Kind kind) {
  if (kind == Kind::kBool) {
    if (const auto* i = std::get_if<int64_t>(&v)) return *i != 0 ? "T" : "F";
  }
  return HitValue(v, kind);
}

Status TooManyBuckets() {
  return Status::InvalidArgument(fmt::format(
      "Trying to create too many buckets. Must be less than or equal to: "
      "[{}].",
      kMaxBuckets));
}

}  // namespace internal

Result<nlohmann::json> Run(const Query& asked, Audience audience,
                           store::sqlite::SearchIndex& index,
                           const RunOptions& options) {
  using namespace internal;
  const Query query = VisibleQuery(asked, audience);
  // SQLite parses at most ~100 nested parentheses and 1,000-deep
  // expressions; a field's clauses fold into nested ones, its values into a
  // chain. Refuse clearly rather than fail in SQLite.
  for (const Filter& f : query.filters) {
    size_t values = 0;
    for (const Clause& c : f.clauses) values += c.values.size();
    if (f.clauses.size() > kMaxClausesPerField || values > kMaxValuesPerField) {
      return Status::InvalidArgument(fmt::format(
          "too many conditions on {}: {} operators and {} values, at most {} "
          "and {}",
          f.field->name, f.clauses.size(), values, kMaxClausesPerField,
          kMaxValuesPerField));
    }
  }
  CB_RETURN_IF_ERROR(RegisterFunctions(index));
  Executor exec(index, options, query.return_query);
  SqlParams where_params;
  std::string where = CompileWhere(query, audience, where_params);

  const Rollups rollups = PlanRollups(query, audience);

  // Aggregations first: one that reads every matching crash (the default
  // signature facet does) gives the total, which then costs no scan.
  std::optional<int64_t> counted;
  CB_ASSIGN_OR_RETURN(
      nlohmann::json facets,
      Facets(query, audience, where, where_params, rollups, exec, &counted));
  CB_ASSIGN_OR_RETURN(nlohmann::json hits,
                      Hits(query, audience, where, where_params, exec));
  int64_t total = counted.value_or(0);
  if (!counted) {
    std::vector<CountSource> sources =
        rollups.daily.usable() ? rollups.daily.parts : rollups.signature.parts;
    if (sources.empty()) {
      sources.push_back({sq::kCrashesTable, where, where_params, false});
    }
    for (const CountSource& src : sources) {
      CB_ASSIGN_OR_RETURN(
          sq::QueryResult count,
          exec.Query(sources.size() > 1 ? fmt::format("total [{}]", src.table)
                                        : std::string("total"),
                     fmt::format("SELECT {} FROM {} WHERE {}",
                                 src.weighted ? "sum(count)" : "count(*)",
                                 src.table, src.where),
                     src.params));
      // sum() of no rows is NULL.
      if (!count.rows.empty()) {
        if (const auto* n = std::get_if<int64_t>(&count.rows[0][0])) {
          total += *n;
        }
      }
    }
  }
  if (query.return_query) {
    nlohmann::json q = QueryToJson(query);
    q["sql"] = exec.Recorded();
    return nlohmann::json{{"query", std::move(q)},
                          {"indices", nlohmann::json::array()}};
  }
  return nlohmann::json{{"hits", std::move(hits)},
                        {"total", total},
                        {"facets", std::move(facets)},
                        {"errors", nlohmann::json::array()}};
}

}  // namespace crashbox::search
