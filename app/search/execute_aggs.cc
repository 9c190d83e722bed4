// SPDX-License-Identifier: MPL-2.0
// Facets (execute_internal.h: Facets): terms, nested `_aggs.*`, histograms
// and cardinality. Each aggregation is one statement over the request's
// WHERE (plus one per sub-aggregation) whose rows are grouped here in hash
// maps; execute_keys.h says how a key groups and which bucket a value
// falls in.
#include <algorithm>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>

#include "app/base/iso_time.h"
#include "app/search/execute_internal.h"
#include "app/search/execute_keys.h"
#include "store/sqlite/schema.h"

namespace crashbox::search::internal {
namespace {

using nlohmann::json;

struct Node {
  int64_t count = 0;
  std::map<sq::Value, Node, ValueLess> children;
};

// Adds `n` crashes with the grouped values `row[0..levels)` under `node`,
// one path per combination of bucket keys (tokens give several).
void Insert(Node& node, const std::vector<Key>& levels,
            const std::vector<sq::Value>& row, size_t level, int64_t n) {
  if (level == levels.size()) return;
  for (sq::Value& k : levels[level].Keys(row[level])) {
    Node& child = node.children[std::move(k)];
    child.count += n;
    Insert(child, levels, row, level + 1, n);
  }
}

// A key a rollup on `table` can group by: one of its key columns, or the
// date by day or by a calendar unit made of days.
bool InRollup(const Key& k, RollupTable table) {
  if (k.tokens) return false;
  if (k.kind == AggKind::kTerms) return InRollupTable(k.sql, table);
  return IsDateHistogram(k) && k.date_unit == "day";
}

class Aggregator {
 public:
  Aggregator(const Query& q, Audience a, const std::string& where,
             const SqlParams& params, const Rollups& rollups, Executor& exec)
      : q_(q),
        audience_(a),
        where_(where),
        params_(params),
        rollups_(rollups),
        exec_(exec) {}

  // The number of matching crashes, when an aggregation read them all.
  std::optional<int64_t> total() const { return total_; }

  Result<json> Run() {
    json out = json::object();
    if (q_.facets_size <= 0) return out;
    for (const NestedAgg& n : q_.aggs) {
      std::vector<Key> levels;
      bool visible = !n.path.empty();
      for (const SearchField* f : n.path) {
        visible = visible && Visible(f);
        if (visible) levels.push_back(MakeKey(*f, AggKind::kTerms, {}));
      }
      if (!visible) continue;
      CB_ASSIGN_OR_RETURN(out[n.path[0]->name],
                          Buckets(levels, n.subs, n.path[0]->name));
    }
    for (const HistogramAgg& h : q_.histograms) {
      if (!Visible(h.histogram.field)) continue;
      std::string key = h.histogram.ResultKey();
      CB_ASSIGN_OR_RETURN(
          out[key], Buckets({MakeKey(*h.histogram.field, AggKind::kHistogram,
                                     h.histogram.interval)},
                            h.subs, key));
    }
    for (const Agg& a : q_.facets) {
      // Elasticsearch keeps the last aggregation of a name: `_aggs.<f>` and
      // `_histogram.<f>` are added after `_facets`, so a facet of the same
      // key is never computed.
      if (!Visible(a.field) || out.contains(a.ResultKey())) continue;
      if (a.kind == AggKind::kCardinality) {
        CB_ASSIGN_OR_RETURN(out[a.ResultKey()], Cardinality(a));
      } else {
        CB_ASSIGN_OR_RETURN(out[a.ResultKey()],
                            Buckets({MakeKey(*a.field, a.kind, a.interval)}, {},
                                    a.ResultKey()));
      }
    }
    return out;
  }

 private:
  void SawTotal(int64_t n) {
    if (!total_) total_ = n;
  }

  bool Visible(const SearchField* f) const {
    return f != nullptr && IsVisible(*f, audience_);
  }

  // SELECT <keys> [, count(*)] ... GROUP BY every key.
  // The distinct tuples of <keys> among matching crashes [with how many
  // crashes have each, appended]: SQLite streams the key values and a hash
  // map groups them (GROUP BY would sort every matching crash first). With
  // `rollup`, each of its parts is streamed into the same map, rollup
  // rows adding their count. TooManyBuckets past options.max_group_rows
  // tuples.
  Result<sq::QueryResult> Group(const std::string& purpose,
                                const std::vector<Key>& keys, bool with_count,
                                const Rollup* rollup = nullptr) {
    std::vector<CountSource> crashes;
    const std::vector<CountSource>* sources = nullptr;
    if (rollup != nullptr) {
      sources = &rollup->parts;
    } else {
      crashes.push_back({sq::kCrashesTable, where_, params_, false});
      sources = &crashes;
    }
    // Tuples encoded as bytes: a tag per value, then its bytes (text with
    // its length first), so that equal tuples are equal strings.
    std::unordered_map<std::string, int64_t> counts;
    std::string enc;
    const size_t max_rows = exec_.options().max_group_rows;
    bool too_many = false;
    for (const CountSource& src : *sources) {
      SqlParams params = src.params;
      std::vector<std::string> select;
      for (const Key& k : keys) select.push_back(k.Expr(params));
      if (src.weighted) select.emplace_back("count");
      std::string sql =
          fmt::format("SELECT {} FROM {} WHERE {}", fmt::join(select, ", "),
                      src.table, src.where);
      Status s = exec_.QueryEach(
          sources->size() > 1 ? fmt::format("{} [{}]", purpose, src.table)
                              : purpose,
          sql, params, [&](std::span<const sq::SqlArg> row) -> Status {
            std::span<const sq::SqlArg> cols = row;
            int64_t weight = 1;
            if (src.weighted) {
              cols = row.first(row.size() - 1);
              const auto* n = std::get_if<int64_t>(&row.back());
              weight = n != nullptr ? *n : 0;
            }
            enc.clear();
            for (const sq::SqlArg& c : cols) {
              if (const auto* i = std::get_if<int64_t>(&c)) {
                enc += 'i';
                enc.append(reinterpret_cast<const char*>(i), sizeof *i);
              } else if (const auto* d = std::get_if<double>(&c)) {
                enc += 'd';
                enc.append(reinterpret_cast<const char*>(d), sizeof *d);
              } else if (const auto* t = std::get_if<std::string_view>(&c)) {
                uint32_t n = static_cast<uint32_t>(t->size());
                enc += 's';
                enc.append(reinterpret_cast<const char*>(&n), sizeof n);
                enc.append(*t);
              } else {
                enc += 'n';
              }
            }
            auto [it, fresh] = counts.try_emplace(enc, 0);
            it->second += weight;
            if (fresh && counts.size() > max_rows) {
              too_many = true;
              return Status::NotFound("too many groups");
            }
            return {};
          });
      if (too_many) return TooManyBuckets();
      CB_RETURN_IF_ERROR(s);
    }
    sq::QueryResult out;
    out.rows.reserve(counts.size());
    for (const auto& [e, n] : counts) {
      std::vector<sq::Value>& row = out.rows.emplace_back();
      size_t i = 0;
      while (i < e.size()) {
        char tag = e[i++];
        if (tag == 'i') {
          int64_t v;
          std::memcpy(&v, e.data() + i, sizeof v);
          i += sizeof v;
          row.emplace_back(v);
        } else if (tag == 'd') {
          double v;
          std::memcpy(&v, e.data() + i, sizeof v);
          i += sizeof v;
          row.emplace_back(v);
        } else if (tag == 's') {
          uint32_t len;
          std::memcpy(&len, e.data() + i, sizeof len);
          i += sizeof len;
          row.emplace_back(e.substr(i, len));
          i += len;
        } else {
          row.emplace_back(std::monostate{});
        }
      }
      if (with_count) row.emplace_back(n);
    }
    return out;
  }

  Result<json> Cardinality(const Agg& a) {
    FieldSql f = SqlFor(*a.field);
    std::string purpose = "facet " + a.ResultKey();
    if (f.kind == Kind::kNone) return json{{"value", 0}};
    if (!a.field->semicolon_tokens) {
      CB_ASSIGN_OR_RETURN(
          sq::QueryResult r,
          exec_.Query(purpose,
                      fmt::format("SELECT count(DISTINCT {}) FROM {} WHERE {}",
                                  f.expr, sq::kCrashesTable, where_),
                      params_));
      int64_t n = r.rows.empty() ? 0 : std::get<int64_t>(r.rows[0][0]);
      return json{{"value", n}};
    }
    Key k = MakeKey(*a.field, AggKind::kTerms, {});
    CB_ASSIGN_OR_RETURN(sq::QueryResult r, Group(purpose, {k}, false));
    std::set<sq::Value, ValueLess> distinct;
    for (const auto& row : r.rows) {
      for (sq::Value& v : k.Keys(row[0])) distinct.insert(std::move(v));
    }
    return json{{"value", static_cast<int64_t>(distinct.size())}};
  }

  // The children of `node` as a bucket list, in the order and number the
  // key's kind asks for.
  std::vector<std::pair<const sq::Value*, const Node*>> Pick(const Node& node,
                                                             const Key& key) {
    std::vector<std::pair<const sq::Value*, const Node*>> picked;
    for (const auto& [k, child] : node.children) picked.push_back({&k, &child});
    if (key.kind == AggKind::kTerms) {
      std::stable_sort(picked.begin(), picked.end(), [](auto& a, auto& b) {
        return a.second->count > b.second->count;  // ties: key asc (map order)
      });
      if (picked.size() > static_cast<size_t>(q_.facets_size)) {
        picked.resize(static_cast<size_t>(q_.facets_size));
      }
    }
    return picked;
  }

  // Buckets of `levels` (outermost first) with `subs` inside the innermost.
  Result<json> Buckets(const std::vector<Key>& levels,
                       const std::vector<Agg>& subs, const std::string& name) {
    for (const Key& k : levels) {
      if (k.sql.kind == Kind::kNone) return json::array();  // always NULL
    }
    std::string purpose = "facet " + name;
    Node root;
    // Every level and sub-aggregation from one rollup, or none.
    const Rollup* rollup = nullptr;
    for (RollupTable table : {RollupTable::kDaily, RollupTable::kSignature}) {
      const Rollup& r =
          table == RollupTable::kDaily ? rollups_.daily : rollups_.signature;
      bool fits = r.usable() &&
                  std::all_of(levels.begin(), levels.end(),
                              [&](const Key& k) { return InRollup(k, table); });
      for (const Agg& sub : subs) {
        fits = fits && sub.kind != AggKind::kCardinality &&
               InRollup(MakeKey(*sub.field, sub.kind, sub.interval), table);
      }
      if (fits) {
        rollup = &r;
        break;
      }
    }
    // One grouping per sub-aggregation, by the levels plus its own key. The
    // first that counts crashes (not a cardinality) also gives the levels'
    // counts: its rows, NULL tuples kept, partition the matching crashes.
    std::vector<Node> sub_roots(subs.size());
    std::vector<bool> sub_visible(subs.size());
    bool counted = false;
    for (size_t i = 0; i < subs.size(); ++i) {
      const Agg& s = subs[i];
      sub_visible[i] = Visible(s.field);
      if (!sub_visible[i]) continue;
      std::string sub_purpose = purpose + " / " + s.ResultKey();
      std::vector<Key> keys = levels;
      if (s.kind == AggKind::kCardinality) {
        keys.push_back(MakeKey(*s.field, AggKind::kTerms, {}));
        // Distinct (levels, value) pairs; counted per bucket below.
        CB_ASSIGN_OR_RETURN(sq::QueryResult r, Group(sub_purpose, keys, false));
        for (const auto& row : r.rows) Insert(sub_roots[i], keys, row, 0, 1);
        continue;
      }
      keys.push_back(MakeKey(*s.field, s.kind, s.interval));
      if (keys.back().sql.kind == Kind::kNone) continue;
      CB_ASSIGN_OR_RETURN(sq::QueryResult r,
                          Group(sub_purpose, keys, true, rollup));
      int64_t sum = 0;
      for (const auto& row : r.rows) {
        int64_t n = std::get<int64_t>(row.back());
        Insert(sub_roots[i], keys, row, 0, n);
        if (!counted) Insert(root, levels, row, 0, n);
        sum += n;
      }
      if (!counted) SawTotal(sum);
      counted = true;
    }
    bool simple = rollup == nullptr && levels.size() == 1 &&
                  !levels[0].tokens && levels[0].kind == AggKind::kTerms;
    if (!counted && rollup == nullptr && levels.size() == 1 &&
        IsDateHistogram(levels[0])) {
      CB_ASSIGN_OR_RETURN(counted, CountPerBucket(purpose, levels[0], root));
      // Every crash of the range has a date, in exactly one bucket.
      if (counted) {
        int64_t sum = 0;
        for (const auto& [k, child] : root.children) sum += child.count;
        SawTotal(sum);
      }
    }
    if (!counted && simple && levels[0].sql.kind == Kind::kText) {
      CB_ASSIGN_OR_RETURN(counted, HashTerms(purpose, levels[0], root));
    }
    if (counted) {
      // done
    } else if (simple) {
      // One plain terms level: let SQL rank and cut.
      SqlParams params = params_;
      std::string tail = fmt::format(" ORDER BY count(*) DESC, 1 LIMIT {}",
                                     params.Add(int64_t{q_.facets_size}));
      CB_ASSIGN_OR_RETURN(sq::QueryResult r,
                          GroupNotNull(purpose, levels[0], tail, params));
      for (const auto& row : r.rows) {
        Insert(root, levels, row, 0, std::get<int64_t>(row[1]));
      }
    } else {
      CB_ASSIGN_OR_RETURN(sq::QueryResult r,
                          Group(purpose, levels, true, rollup));
      int64_t sum = 0;  // NULL tuples included: every matching crash
      for (const auto& row : r.rows) {
        sum += std::get<int64_t>(row.back());
        Insert(root, levels, row, 0, std::get<int64_t>(row.back()));
      }
      SawTotal(sum);
    }
    std::vector<const Node*> sub_nodes;
    for (const Node& n : sub_roots) sub_nodes.push_back(&n);
    return Emit(root, levels, 0, subs, sub_visible, sub_nodes);
  }

  // A date histogram without sub-aggregations as one count per bucket, each
  // a short range of the date index, rather than grouping every crash of
  // the range by a computed key (which reads and sorts them all: 390 ms for
  // 30 days of 1M crashes, against ~130 ms this way). False, and nothing
  // done, past kMaxRangeBuckets SQL keys (minutes over long ranges).
  Result<bool> CountPerBucket(const std::string& purpose, const Key& key,
                              Node& root) {
    constexpr int64_t kMaxRangeBuckets = 400;
    auto micros = [](const DateBound& b) {
      return static_cast<int64_t>(b.at.time_since_epoch().count());
    };
    const int64_t from = micros(q_.date_from), to = micros(q_.date_to);
    if (to < from) return true;
    const int64_t unit = key.date_unit == "minute" ? 60 * sq::kMicrosPerSecond
                         : key.date_unit == "hour" ? 3600 * sq::kMicrosPerSecond
                                                   : sq::kMicrosPerDay;
    auto floor_div = [](int64_t a, int64_t b) {
      return a >= 0 ? a / b : -((-a + b - 1) / b);
    };
    const int64_t k0 = floor_div(from, unit), k1 = floor_div(to, unit);
    if (k1 - k0 > kMaxRangeBuckets) return false;
    std::vector<int64_t> starts;
    for (int64_t k = k0; k <= k1; ++k) {
      int64_t start = key.DateBucketStart(k);
      if (starts.empty() || starts.back() != start) starts.push_back(start);
    }
    for (size_t i = 0; i < starts.size(); ++i) {
      // ?1 and ?2 keep the query's operators: the first and last buckets
      // keep its bounds, inner edges are rewritten to mean [start, next).
      SqlParams params = params_;
      if (i > 0) {
        params.Set(0, q_.date_from.inclusive ? starts[i] : starts[i] - 1);
      }
      if (i + 1 < starts.size()) {
        params.Set(1, q_.date_to.inclusive ? starts[i + 1] - 1 : starts[i + 1]);
      }
      CB_ASSIGN_OR_RETURN(
          sq::QueryResult r,
          exec_.Query(fmt::format("{} [{}]", purpose, i),
                      fmt::format("SELECT count(*) FROM {} WHERE {}",
                                  sq::kCrashesTable, where_),
                      params));
      int64_t n = r.rows.empty() ? 0 : std::get<int64_t>(r.rows[0][0]);
      if (n > 0) root.children[starts[i]].count = n;  // min_doc_count 1
    }
    return true;
  }

  // A plain text terms facet counted in a hash map while SQLite streams the
  // values, instead of GROUP BY, which sorts every matching crash by the
  // term first (217 ms → ~60 ms for 233k crashes). False, and nothing done,
  // when the field has more than kMaxHashTerms distinct values (a crash id
  // facet): SQL's grouping spills to disk, the map would not.
  Result<bool> HashTerms(const std::string& purpose, const Key& key,
                         Node& root) {
    constexpr size_t kMaxHashTerms = 100'000;
    struct Hash {
      using is_transparent = void;
      size_t operator()(std::string_view s) const {
        return std::hash<std::string_view>{}(s);
      }
    };
    std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> counts;
    std::string sql = fmt::format("SELECT {0} FROM {1} WHERE {2}", key.sql.expr,
                                  sq::kCrashesTable, where_);
    // NULLs are streamed too, only counted: with them the rows are every
    // matching crash, so the request's total needs no statement of its own.
    int64_t nulls = 0;
    Status s = exec_.QueryEach(
        purpose, sql, params_, [&](std::span<const sq::SqlArg> cols) -> Status {
          const auto* v = std::get_if<std::string_view>(&cols[0]);
          if (v == nullptr) {
            ++nulls;
            return {};
          }
          if (auto it = counts.find(*v); it != counts.end()) {
            ++it->second;
          } else if (counts.size() >= kMaxHashTerms) {
            return Status::NotFound("too many terms to hash");
          } else {
            counts.emplace(std::string(*v), 1);
          }
          return {};
        });
    if (s.code() == Status::Code::kNotFound) return false;
    CB_RETURN_IF_ERROR(s);
    int64_t sum = nulls;
    for (const auto& [term, n] : counts) sum += n;
    SawTotal(sum);
    // Keep the top facets_size by count, then term; Pick orders them.
    std::vector<std::pair<const std::string*, int64_t>> ranked;
    ranked.reserve(counts.size());
    for (const auto& [term, n] : counts) ranked.push_back({&term, n});
    size_t keep = std::min(ranked.size(), static_cast<size_t>(q_.facets_size));
    std::partial_sort(ranked.begin(), ranked.begin() + keep, ranked.end(),
                      [](const auto& a, const auto& b) {
                        if (a.second != b.second) return a.second > b.second;
                        return *a.first < *b.first;
                      });
    for (size_t i = 0; i < keep; ++i) {
      root.children[sq::Value(*ranked[i].first)].count = ranked[i].second;
    }
    return true;
  }

  Result<sq::QueryResult> GroupNotNull(const std::string& purpose,
                                       const Key& key, const std::string& tail,
                                       SqlParams& params) {
    std::string sql = fmt::format(
        "SELECT {0}, count(*) FROM {1} WHERE {2} AND {0} IS NOT NULL "
        "GROUP BY 1{3}",
        key.sql.expr, sq::kCrashesTable, where_, tail);
    return exec_.Query(purpose, sql, params);
  }

  Result<json> Emit(const Node& node, const std::vector<Key>& levels,
                    size_t level, const std::vector<Agg>& subs,
                    const std::vector<bool>& sub_visible,
                    const std::vector<const Node*>& sub_nodes) {
    json list = json::array();
    const Key& key = levels[level];
    for (const auto& [k, child] : Pick(node, key)) {
      if (++buckets_ > kMaxBuckets) return TooManyBuckets();
      json bucket = {{"term", key.Term(*k)}, {"count", child->count}};
      // The same bucket in each sub-aggregation's tree (null: no crash of
      // this bucket has the sub's field).
      std::vector<const Node*> subs_here;
      for (const Node* s : sub_nodes) {
        const Node* found = nullptr;
        if (s != nullptr) {
          auto it = s->children.find(*k);
          if (it != s->children.end()) found = &it->second;
        }
        subs_here.push_back(found);
      }
      if (level + 1 < levels.size()) {
        CB_ASSIGN_OR_RETURN(json inner, Emit(*child, levels, level + 1, subs,
                                             sub_visible, subs_here));
        bucket["facets"] = {{levels[level + 1].field->name, std::move(inner)}};
      } else if (!subs.empty()) {
        json facets = json::object();
        for (size_t i = 0; i < subs.size(); ++i) {
          if (!sub_visible[i]) continue;
          const Agg& s = subs[i];
          if (s.kind == AggKind::kCardinality) {
            int64_t n =
                subs_here[i]
                    ? static_cast<int64_t>(subs_here[i]->children.size())
                    : 0;
            facets[s.ResultKey()] = {{"value", n}};
            continue;
          }
          Key sk = MakeKey(*s.field, s.kind, s.interval);
          json sub_list = json::array();
          if (subs_here[i] != nullptr) {
            for (const auto& [sv, sn] : Pick(*subs_here[i], sk)) {
              if (++buckets_ > kMaxBuckets) return TooManyBuckets();
              sub_list.push_back(
                  {{"term", sk.Term(*sv)}, {"count", sn->count}});
            }
          }
          facets[s.ResultKey()] = std::move(sub_list);
        }
        bucket["facets"] = std::move(facets);
      }
      list.push_back(std::move(bucket));
    }
    return list;
  }

  const Query& q_;
  Audience audience_;
  const std::string& where_;
  const SqlParams& params_;
  const Rollups& rollups_;
  Executor& exec_;
  std::optional<int64_t> total_;
  size_t buckets_ = 0;
};

}  // namespace

bool InRollupTable(const FieldSql& f, RollupTable table) {
  static constexpr std::string_view kColumns[] = {
      "product", "version", "os_name", "process_type", "signature"};
  // signature is the last: daily_counts has the others.
  const size_t n = table == RollupTable::kDaily ? 4 : 5;
  return f.kind == Kind::kText &&
         std::find(kColumns, kColumns + n, f.expr) != kColumns + n;
}

Rollup PlanRollup(const Query& query, Audience audience, RollupTable table) {
  bool products = false, versions = false;
  for (const Filter& f : query.filters) {
    // The filters CompileWhere writes (it skips the same ones).
    if (f.field == nullptr || !IsVisible(*f.field, audience)) continue;
    if (f.clauses.empty()) continue;
    const FieldSql sql = SqlFor(*f.field);
    if (!InRollupTable(sql, table)) return {};
    // One positive clause of exact values: an index lookup of each.
    const Clause& c = f.clauses[0];
    bool exact = f.clauses.size() == 1 && !c.negated &&
                 (c.op == Op::kMatch || c.op == Op::kIs);
    products = products || (exact && sql.expr == "product");
    versions = versions || (exact && sql.expr == "version");
  }
  if (table == RollupTable::kSignature && !(products && versions)) return {};
  auto micros = [](const DateBound& b) {
    return static_cast<int64_t>(b.at.time_since_epoch().count());
  };
  // [a, b], inclusive.
  const int64_t a =
      micros(query.date_from) + (query.date_from.inclusive ? 0 : 1);
  const int64_t b = micros(query.date_to) - (query.date_to.inclusive ? 0 : 1);
  if (a < 0 || b < a) return {};
  Rollup r;
  bool rolled = false;
  auto add = [&](int64_t from, int64_t to, std::string_view on) {
    Query part = query;
    part.date_from = {Timestamp(std::chrono::microseconds(from)), true};
    part.date_to = {Timestamp(std::chrono::microseconds(to)), true};
    CountSource src;
    src.table = on;
    src.weighted = on != sq::kCrashesTable;
    rolled = rolled || src.weighted;
    src.where = CompileWhere(part, audience, src.params);
    r.parts.push_back(std::move(src));
  };
  // [from, to] as whole units on `on` (a rollup's date_processed is the
  // unit's start: <= the last unit's) and what is left at either edge on
  // `rest`, or all of it on `rest` without a whole unit.
  auto split = [&](int64_t from, int64_t to, int64_t unit, std::string_view on,
                   auto rest) {
    const int64_t first = (from + unit - 1) / unit, last = (to + 1) / unit - 1;
    if (first > last) return rest(from, to);
    add(first * unit, last * unit, on);
    if (from < first * unit) rest(from, first * unit - 1);
    if ((last + 1) * unit <= to) rest((last + 1) * unit, to);
  };
  auto crashes = [&](int64_t from, int64_t to) {
    add(from, to, sq::kCrashesTable);
  };
  if (table == RollupTable::kSignature) {
    split(a, b, sq::kMicrosPerDay, sq::kCountsTable, crashes);
  } else {
    split(a, b, sq::kMicrosPerDay, sq::kDailyCountsTable,
          [&](int64_t from, int64_t to) {
            split(from, to, sq::kMicrosPerHour, sq::kHourlyCountsTable,
                  crashes);
          });
  }
  if (!rolled) return {};
  return r;
}

Rollups PlanRollups(const Query& query, Audience audience) {
  return {PlanRollup(query, audience, RollupTable::kDaily),
          PlanRollup(query, audience, RollupTable::kSignature)};
}

Result<json> Facets(const Query& query, Audience audience,
                    const std::string& where, const SqlParams& params,
                    const Rollups& rollups, Executor& exec,
                    std::optional<int64_t>* total) {
  Aggregator agg(query, audience, where, params, rollups, exec);
  Result<json> out = agg.Run();
  if (total != nullptr) *total = agg.total();
  return out;
}

}  // namespace crashbox::search::internal
