// SPDX-License-Identifier: MPL-2.0
// Parse(): Socorro's get_parameters, fix_date_parameter,
// fix_version_parameter, the checks of SuperSearch.get and the webapp's
// stripping of protected fields, in that order of effect.
#include "app/search/query.h"

#include <algorithm>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "app/base/py_str.h"
#include "app/search/query_internal.h"

namespace crashbox::search {
namespace {

using std::chrono::days;

// Parameter values grouped by key, keys in order of first appearance.
struct Grouped {
  std::vector<std::string> keys;
  std::map<std::string, std::vector<std::string>, std::less<>> values;
  void Add(const std::string& key, const std::string& value) {
    auto [it, fresh] = values.try_emplace(key);
    if (fresh) keys.push_back(key);
    it->second.push_back(value);
  }
  const std::vector<std::string>* Find(std::string_view key) const {
    auto it = values.find(key);
    return it == values.end() ? nullptr : &it->second;
  }
};

Status Bad(std::string msg) { return Status::InvalidArgument(std::move(msg)); }

// str() of Socorro's BadArgumentError raised with a parameter and no message.
Status BadParam(std::string_view param) {
  return Bad(fmt::format("Bad value for parameter(s) '{}'", param));
}

class Parser {
 public:
  Parser(Audience audience, const ParseOptions& options)
      : audience_(audience), options_(options), fields_(*options.fields) {}

  Result<Query> Run(const Params& params);

 private:
  // The field named `name` if the audience may see it, else null.
  const SearchField* Visible(std::string_view name) const {
    const SearchField* f = fields_.Find(name);
    if (f == nullptr) return nullptr;
    if (audience_ == Audience::kPublic && f->is_protected) return nullptr;
    return f;
  }
  // A name the public audience must not see (a protected field's).
  bool Hidden(std::string_view name) const {
    const SearchField* f = fields_.Find(name);
    return audience_ == Audience::kPublic && f != nullptr && f->is_protected;
  }
  // A name listed as a value of _facets, _aggs.* or _histogram.*: the field
  // it names ("_histogram.x" → x).
  static std::string_view AggFieldName(std::string_view v);
  // Socorro's webapp allow-list for list values in the public endpoint.
  bool AllowedAggValue(std::string_view v) const;

  Status CheckProducts() const;
  Status AddFilter(const SearchField& field,
                   const std::vector<std::string>& values);
  Status ApplyDate(Filter date);
  Status ReadControl();
  Result<std::optional<int>> IntParam(std::string_view name) const;
  // get_field_name: the field or Socorro's "Unknown field" / "not allowed to
  // be returned" error.
  Result<const SearchField*> Returnable(std::string_view name) const;
  Result<HistogramInterval> Interval(const SearchField& f) const;
  // One aggregation value; nullopt when Socorro skips it silently.
  Result<std::optional<Agg>> ResolveAgg(std::string_view v) const;
  Status ResolveAggs(const std::vector<std::string>& values,
                     std::vector<Agg>* out) const;
  Status ReadAggregations();
  // List values of a control parameter, empty ones dropped; in the public
  // audience, values naming protected fields dropped too (`strip_minus` for
  // _sort's "-field").
  std::vector<std::string> ListValues(std::string_view key, bool strip_minus,
                                      bool agg_values) const;

  Audience audience_;
  const ParseOptions& options_;
  const FieldSet& fields_;
  Grouped filters_;  // by field name
  Grouped control_;  // `_` parameters
  Query q_;
};

std::string_view Parser::AggFieldName(std::string_view v) {
  // Socorro slices the prefix off blindly, as here.
  if (v.starts_with("_histogram")) return v.substr(std::min(v.size(), 11ul));
  if (v.starts_with("_cardinality")) return v.substr(std::min(v.size(), 13ul));
  return v;
}

bool Parser::AllowedAggValue(std::string_view v) const {
  if (audience_ != Audience::kPublic) return true;
  // models.py: known, returned, public fields, `_histogram.<f>` for the
  // histogram fields among them, and `_cardinality.` of any of those.
  std::string_view rest = v;
  bool cardinality = rest.starts_with("_cardinality.");
  if (cardinality) rest.remove_prefix(13);
  bool histogram = rest.starts_with("_histogram.");
  if (histogram) rest.remove_prefix(11);
  const SearchField* f = Visible(rest);
  if (f == nullptr || !f->is_returned) return false;
  return !histogram || f->is_histogrammable();
}

std::vector<std::string> Parser::ListValues(std::string_view key,
                                            bool strip_minus,
                                            bool agg_values) const {
  std::vector<std::string> out;
  const std::vector<std::string>* vs = control_.Find(key);
  if (vs == nullptr) return out;
  for (const std::string& v : *vs) {
    if (v.empty()) continue;
    if (agg_values) {
      if (!AllowedAggValue(v)) continue;
    } else {
      std::string_view name = v;
      if (strip_minus && name.starts_with('-')) name.remove_prefix(1);
      if (Hidden(name)) continue;
    }
    out.push_back(v);
  }
  return out;
}

Result<Query> Parser::Run(const Params& params) {
  if (params.size() > options_.max_params) {
    return Bad(fmt::format("too many parameters: {}, at most {}", params.size(),
                           options_.max_params));
  }
  for (const auto& [key, value] : params) {
    if (key.size() > options_.max_value_bytes ||
        value.size() > options_.max_value_bytes) {
      return Bad(fmt::format("a parameter of more than {} bytes",
                             options_.max_value_bytes));
    }
    // An empty value means "not given" (Socorro treats "" as None).
    if (value.empty()) {
      if (key.starts_with("_aggs.") || key.starts_with("_histogram.")) {
        control_.Add(key, value);  // the aggregation itself is asked for
      }
      continue;
    }
    if (key.starts_with('_')) {
      control_.Add(key, value);
    } else if (const SearchField* f = Visible(key); f && f->is_exposed) {
      filters_.Add(key, value);
    }
    // Any other parameter is ignored, as Socorro ignores it.
  }

  CB_RETURN_IF_ERROR(CheckProducts());
  std::optional<Filter> date;
  for (const std::string& name : filters_.keys) {
    const SearchField& f = *fields_.Find(name);
    CB_RETURN_IF_ERROR(AddFilter(f, *filters_.Find(name)));
    if (name == "date" && f.type == ValueType::kDatetime) {
      date = std::move(q_.filters.back());
      q_.filters.pop_back();
    }
  }
  CB_RETURN_IF_ERROR(ApplyDate(date.value_or(Filter{})));
  CB_RETURN_IF_ERROR(ReadControl());
  return std::move(q_);
}

Status Parser::CheckProducts() const {
  const std::vector<std::string>* values = filters_.Find("product");
  if (values == nullptr || !options_.is_known_product) return Status();
  // Socorro checks every raw value; crashbox checks the name a value means
  // (after `!`), so that `product=!Firefox` still works.
  std::vector<std::string> bad;
  for (std::string_view v : *values) {
    if (v.starts_with('!')) v.remove_prefix(1);
    if (v.starts_with("__null__")) continue;
    if (options_.is_known_product(v)) continue;
    if (std::find(bad.begin(), bad.end(), v) == bad.end()) {
      bad.emplace_back(v);
    }
  }
  if (bad.empty()) return Status();
  return BadParam(fmt::format("Not valid products: {}", fmt::join(bad, ", ")));
}

Status Parser::AddFilter(const SearchField& field,
                         const std::vector<std::string>& values) {
  Filter filter{&field, {}};
  // Socorro keeps one no-operator clause per negation, the negated one first.
  Clause groups[2];
  groups[0].negated = true;
  for (std::string_view v : values) {
    bool negated = v.starts_with('!');
    if (negated) v.remove_prefix(1);
    Op op = Op::kMatch;
    for (Op candidate : OperatorsFor(field.type)) {
      if (v.starts_with(OpText(candidate))) {
        op = candidate;
        v.remove_prefix(OpText(candidate).size());
        break;
      }
    }
    Clause c{op, negated, IsRange(op) ? Join::kAnd : Join::kOr, {}};
    // __null__ and __true__ take no value (Socorro converts the empty rest
    // anyway and so refuses `uptime=__null__`; crashbox accepts it).
    if (op != Op::kNull && op != Op::kTrue) {
      CB_ASSIGN_OR_RETURN(Value value, ConvertValue(field, v));
      if (op == Op::kRegex) {
        CB_RETURN_IF_ERROR(CheckRegex(field, std::get<std::string>(value),
                                      options_.regex_max_mem));
      }
      c.values.push_back(std::move(value));
    }
    if (op == Op::kMatch) {
      for (Value& value : c.values) {
        groups[negated ? 0 : 1].values.push_back(std::move(value));
      }
    } else {
      filter.clauses.push_back(std::move(c));
    }
  }
  for (Clause& g : groups) {
    if (!g.values.empty()) filter.clauses.push_back(std::move(g));
  }
  if (field.name == "version" &&
      (field.type == ValueType::kStr || field.type == ValueType::kEnum)) {
    // fix_version_parameter: "128.0b" matches every 128.0 beta.
    std::vector<Clause> betas;
    for (auto it = filter.clauses.begin(); it != filter.clauses.end();) {
      if (it->op != Op::kMatch) {
        ++it;
        continue;
      }
      std::vector<Value> rest;
      for (Value& value : it->values) {
        if (std::get<std::string>(value).ends_with('b')) {
          betas.push_back(
              {Op::kStartsWith, it->negated, Join::kOr, {std::move(value)}});
        } else {
          rest.push_back(std::move(value));
        }
      }
      it->values = std::move(rest);
      it = it->values.empty() ? filter.clauses.erase(it) : it + 1;
    }
    for (Clause& c : betas) filter.clauses.push_back(std::move(c));
  }
  q_.filters.push_back(std::move(filter));
  return Status();
}

Status Parser::ApplyDate(Filter date) {
  const days kDefault(kDefaultDateRangeDays);
  if (date.clauses.empty()) {
    q_.date_from = {options_.now - kDefault, true};
    q_.date_to = {options_.now, true};
    return Status();
  }
  std::optional<DateBound> lower_than, greater_than;
  for (Clause& c : date.clauses) {
    if (c.op == Op::kMatch) return Bad("date must have a prefix operator");
    if (c.op == Op::kNull) continue;  // dropped, as Socorro drops it
    Op op = c.op;
    if (c.negated) {
      // Socorro ignores `!` on a date; crashbox reads `!>=x` as `<x`.
      op = op == Op::kGt   ? Op::kLe
           : op == Op::kGe ? Op::kLt
           : op == Op::kLt ? Op::kGe
                           : Op::kGt;
    }
    DateBound b{std::get<Timestamp>(c.values[0]),
                op == Op::kGe || op == Op::kLe};
    if (op == Op::kLt || op == Op::kLe) {
      if (!lower_than || lower_than->at > b.at) lower_than = b;
    } else {
      if (!greater_than || greater_than->at < b.at) greater_than = b;
    }
  }
  if (!lower_than) lower_than = DateBound{options_.now, true};
  if (!greater_than) greater_than = DateBound{lower_than->at - kDefault, true};
  if (lower_than->at - greater_than->at > days(kMaxDateRangeDays)) {
    return Bad(
        fmt::format("Date range is bigger than {} days", kMaxDateRangeDays));
  }
  q_.date_from = *greater_than;
  q_.date_to = *lower_than;
  return Status();
}

Result<std::optional<int>> Parser::IntParam(std::string_view name) const {
  const std::vector<std::string>* vs = control_.Find(name);
  if (vs == nullptr) return std::optional<int>();
  std::optional<int> first;
  for (const std::string& v : *vs) {
    std::optional<base::PyIntDigits> d = base::PyParseInt(v, 10);
    if (!d || d->digits.size() > 9) {
      // Beyond 9 digits is past every limit: report it as the limit would.
      if (d && !d->negative) return std::optional<int>(1000000000);
      if (d) return std::optional<int>(-1);
      return Bad(
          fmt::format("Bad value for parameter {}: not a valid int", name));
    }
    int n = std::stoi(d->digits) * (d->negative ? -1 : 1);
    if (!first) first = n;
  }
  return first;
}

Result<const SearchField*> Parser::Returnable(std::string_view name) const {
  const SearchField* f = Visible(name);
  if (f == nullptr) {
    return Bad(fmt::format("Unknown field {}", base::PyReprString(name)));
  }
  if (!f->is_returned) {
    return Bad(fmt::format("Field {} is not allowed to be returned",
                           base::PyReprString(name)));
  }
  return f;
}

Status Parser::ReadControl() {
  CB_ASSIGN_OR_RETURN(std::optional<int> number, IntParam("_results_number"));
  CB_ASSIGN_OR_RETURN(std::optional<int> offset, IntParam("_results_offset"));
  CB_ASSIGN_OR_RETURN(std::optional<int> facets_size, IntParam("_facets_size"));
  q_.results_number = number.value_or(q_.results_number);
  q_.results_offset = offset.value_or(q_.results_offset);
  q_.facets_size = facets_size.value_or(q_.facets_size);
  if (q_.results_number > kMaxResultsNumber) {
    return Bad("_results_number cannot be greater than 1,000");
  }
  if (q_.results_number < 0) return Bad("_results_number cannot be negative");
  if (q_.results_offset < 0) return Bad("_results_offset cannot be negative");
  if (q_.results_offset + q_.results_number > kMaxResultsWindow) {
    return Bad(
        "_results_offset + _results_number cannot be greater than 10,000");
  }
  if (q_.facets_size > kMaxFacetsSize) {
    return BadParam("_facets_size greater than 10,000");
  }
  if (q_.facets_size < 0) return Bad("_facets_size cannot be negative");
  if (const auto* vs = control_.Find("_return_query")) {
    std::string lower;
    for (char c : vs->front()) lower += static_cast<char>(std::tolower(c));
    q_.return_query = lower == "true" || lower == "t" || lower == "1" ||
                      lower == "y" || lower == "yes";
  }

  std::vector<std::string> columns = ListValues("_columns", false, false);
  if (columns.empty())
    columns.assign(std::begin(kDefaultColumns), std::end(kDefaultColumns));
  for (const std::string& c : columns) {
    CB_ASSIGN_OR_RETURN(const SearchField* f, Returnable(c));
    q_.columns.push_back(f);
  }
  for (const std::string& s : ListValues("_sort", true, false)) {
    bool desc = s.starts_with('-');
    CB_ASSIGN_OR_RETURN(const SearchField* f,
                        Returnable(desc ? s.substr(1) : s));
    q_.sort.push_back({f, desc});
  }
  // `_facets_size=0` turns every aggregation off, unchecked (as Socorro).
  if (q_.facets_size == 0) return Status();
  return ReadAggregations();
}

Result<HistogramInterval> Parser::Interval(const SearchField& f) const {
  HistogramInterval out;
  bool date = f.query_type == "date";
  if (date) out.calendar = "day";
  const auto* vs = control_.Find("_histogram_interval." + f.name);
  if (vs == nullptr || Visible(f.name) == nullptr) return out;
  const std::string& v = vs->front();
  if (date) {
    // Elasticsearch's calendar intervals.
    static constexpr std::string_view kCalendar[] = {
        "minute", "1m",    "hour", "1h",      "day", "1d",   "week",
        "1w",     "month", "1M",   "quarter", "1q",  "year", "1y"};
    if (std::find(std::begin(kCalendar), std::end(kCalendar), v) ==
        std::end(kCalendar)) {
      return BadParam("_histogram_interval." + f.name);
    }
    out.calendar = v;
    return out;
  }
  char* end = nullptr;
  double width = std::strtod(v.c_str(), &end);
  bool integral = f.query_type != "float";
  if (end != v.c_str() + v.size() || !(width > 0) || width > 1e18 ||
      (integral && width != static_cast<double>(static_cast<int64_t>(width)))) {
    return BadParam("_histogram_interval." + f.name);
  }
  out.width = width;
  return out;
}

Result<std::optional<Agg>> Parser::ResolveAgg(std::string_view v) const {
  Agg agg;
  std::string_view name = AggFieldName(v);
  if (v.starts_with("_histogram")) {
    const SearchField* f = Visible(name);
    if (f == nullptr || !f->is_returned || !f->is_histogrammable()) {
      return std::optional<Agg>();  // skipped, as Socorro skips it
    }
    agg.kind = AggKind::kHistogram;
    agg.field = f;
    CB_ASSIGN_OR_RETURN(agg.interval, Interval(*f));
    return std::optional<Agg>(agg);
  }
  agg.kind =
      v.starts_with("_cardinality") ? AggKind::kCardinality : AggKind::kTerms;
  CB_ASSIGN_OR_RETURN(agg.field, Returnable(name));
  return std::optional<Agg>(agg);
}

Status Parser::ResolveAggs(const std::vector<std::string>& values,
                           std::vector<Agg>* out) const {
  for (const std::string& v : values) {
    CB_ASSIGN_OR_RETURN(std::optional<Agg> agg, ResolveAgg(v));
    if (agg) out->push_back(std::move(*agg));
  }
  return Status();
}

Status Parser::ReadAggregations() {
  std::vector<std::string> facets = ListValues("_facets", false, true);
  if (facets.empty()) facets.push_back("signature");
  CB_RETURN_IF_ERROR(ResolveAggs(facets, &q_.facets));

  for (const std::string& key : control_.keys) {
    if (key.starts_with("_aggs.")) {
      NestedAgg nested;
      std::string_view rest = std::string_view(key).substr(6);
      bool hidden = false;
      std::vector<std::string_view> parts;
      while (true) {
        size_t dot = rest.find('.');
        parts.push_back(rest.substr(0, dot));
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
      }
      for (std::string_view part : parts) hidden = hidden || Hidden(part);
      if (hidden) continue;  // the webapp strips the whole parameter
      // Socorro skips the parameter when its first field is unknown and any
      // later unknown field.
      for (std::string_view part : parts) {
        const SearchField* f = Visible(part);
        if (f == nullptr || !f->is_returned) {
          if (nested.path.empty()) break;
          continue;
        }
        nested.path.push_back(f);
      }
      if (nested.path.empty()) continue;
      if (nested.path.size() > 3) {
        return Bad(fmt::format("{}: at most 3 nested fields", key));
      }
      CB_RETURN_IF_ERROR(
          ResolveAggs(ListValues(key, false, true), &nested.subs));
      q_.aggs.push_back(std::move(nested));
    } else if (key.starts_with("_histogram.")) {
      const SearchField* f = Visible(std::string_view(key).substr(11));
      if (f == nullptr || !f->is_returned || !f->is_histogrammable()) continue;
      HistogramAgg h;
      h.histogram.kind = AggKind::kHistogram;
      h.histogram.field = f;
      CB_ASSIGN_OR_RETURN(h.histogram.interval, Interval(*f));
      CB_RETURN_IF_ERROR(ResolveAggs(ListValues(key, false, true), &h.subs));
      q_.histograms.push_back(std::move(h));
    }
  }
  return Status();
}

}  // namespace

Result<Query> Parse(const Params& params, Audience audience,
                    const ParseOptions& options) {
  return Parser(audience, options).Run(params);
}

}  // namespace crashbox::search
