// SPDX-License-Identifier: MPL-2.0
// Fields → SQL, filters → one WHERE clause, and the SQL functions the
// match and regex operators need (execute_internal.h).
#include <re2/re2.h>

#include <algorithm>
#include <list>
#include <memory>
#include <utility>

#include <fmt/format.h>

#include "app/search/execute_internal.h"
#include "store/sqlite/schema.h"

namespace crashbox::search::internal {
namespace {

// RE2's memory budget per `@` pattern (ParseOptions::regex_max_mem's
// default; Parse already refused patterns that need more).
constexpr int64_t kRegexMaxMem = 1 << 20;

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

void AddUnique(std::vector<std::string>& out, std::string s) {
  if (!s.empty() && std::find(out.begin(), out.end(), s) == out.end()) {
    out.push_back(std::move(s));
  }
}

// Any of the words in `wanted` (' '-joined) is a word of `text`.
bool HasAnyWord(std::string_view text, std::string_view wanted) {
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !IsWordByte(static_cast<unsigned char>(text[i])))
      ++i;
    size_t start = i;
    while (i < text.size() && IsWordByte(static_cast<unsigned char>(text[i])))
      ++i;
    if (i == start) break;
    std::string_view word = text.substr(start, i - start);
    // Compare case-insensitively against each wanted word without copying.
    size_t w = 0;
    while (w < wanted.size()) {
      size_t end = wanted.find(' ', w);
      if (end == std::string_view::npos) end = wanted.size();
      std::string_view cand = wanted.substr(w, end - w);
      if (cand.size() == word.size() &&
          std::equal(word.begin(), word.end(), cand.begin(),
                     [](char a, char b) { return Lower(a) == b; })) {
        return true;
      }
      w = end + 1;
    }
  }
  return false;
}

// Any of the tokens in `wanted` (';'-joined, lowercase) is a ';'-token of
// `text`, compared case-insensitively.
bool HasAnyToken(std::string_view text, std::string_view wanted) {
  size_t i = 0;
  while (i <= text.size()) {
    size_t end = text.find(';', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view token = text.substr(i, end - i);
    size_t w = 0;
    while (!token.empty() && w < wanted.size()) {
      size_t wend = wanted.find(';', w);
      if (wend == std::string_view::npos) wend = wanted.size();
      std::string_view cand = wanted.substr(w, wend - w);
      if (cand.size() == token.size() &&
          std::equal(token.begin(), token.end(), cand.begin(),
                     [](char a, char b) { return Lower(a) == b; })) {
        return true;
      }
      w = wend + 1;
    }
    i = end + 1;
  }
  return false;
}

// Compiled patterns of the last few requests: SQLite calls the function per
// row with the same pattern. Per thread, as a SearchIndex is.
const RE2* CachedRegex(std::string_view pattern) {
  struct Entry {
    std::string pattern;
    std::unique_ptr<RE2> re;
  };
  thread_local std::list<Entry> cache;
  for (auto it = cache.begin(); it != cache.end(); ++it) {
    if (it->pattern == pattern) {
      cache.splice(cache.begin(), cache, it);
      return it->re.get();
    }
  }
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(kRegexMaxMem);
  auto re = std::make_unique<RE2>(
      re2::StringPiece(pattern.data(), pattern.size()), opts);
  cache.push_front({std::string(pattern), std::move(re)});
  if (cache.size() > 8) cache.pop_back();
  return cache.front().re.get();
}

const std::string_view* TextArg(const sq::SqlArg& a) {
  return std::get_if<std::string_view>(&a);
}

// `pred` (which may be NULL for a missing value) under NOT, so that a crash
// without the field matches a negated clause, as Elasticsearch's must_not.
std::string Negate(const std::string& pred) {
  return fmt::format("NOT coalesce({}, 0)", pred);
}

sq::Value Bindable(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* b = std::get_if<bool>(&v)) return int64_t{*b ? 1 : 0};
  return static_cast<int64_t>(
      std::get<Timestamp>(v).time_since_epoch().count());
}

// Number of UTF-8 characters (trigram queries need 3 to use the index).
size_t Utf8Chars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

class ClauseCompiler {
 public:
  ClauseCompiler(const SearchField& field, SqlParams& params)
      : field_(field), sql_(SqlFor(field)), params_(params) {}

  std::string Clause(const search::Clause& c) {
    if (c.op == Op::kNull) {
      return fmt::format("{} IS {}NULL", sql_.expr, c.negated ? "NOT " : "");
    }
    std::string pred = Positive(c);
    return c.negated ? Negate(pred) : pred;
  }

 private:
  std::string Positive(const search::Clause& c) {
    const std::string& x = sql_.expr;
    switch (c.op) {
      case Op::kTrue:
        return fmt::format("{} = 1", x);
      case Op::kMatch: {
        std::vector<std::string> any;
        for (const Value& v : c.values) any.push_back(Match(v));
        if (any.size() == 1) return any[0];
        return fmt::format("({})", fmt::join(any, " OR "));
      }
      case Op::kIs:
        return fmt::format("{} = {}", x, params_.Add(Bindable(c.values[0])));
      case Op::kContains:
      case Op::kStartsWith:
      case Op::kEndsWith:
        return Glob(c.op, std::get<std::string>(c.values[0]));
      case Op::kRegex:
        return ByDistinct(
            fmt::format("{}({{}}, {})", kRegexpFn,
                        params_.Add(std::get<std::string>(c.values[0]))));
      case Op::kGt:
      case Op::kGe:
      case Op::kLt:
      case Op::kLe:
        return fmt::format("{} {} {}", x, OpText(c.op),
                           params_.Add(Bindable(c.values[0])));
      case Op::kNull:
        break;
    }
    return "0";
  }

  // kMatch: "has one of the terms" (query.h).
  std::string Match(const Value& v) {
    const std::string& x = sql_.expr;
    const auto* text = std::get_if<std::string>(&v);
    bool words = field_.storage_type == "text" && !field_.semicolon_tokens;
    if (text == nullptr || (!words && !field_.semicolon_tokens)) {
      return fmt::format("{} = {}", x, params_.Add(Bindable(v)));
    }
    std::vector<std::string> terms =
        words ? Words(*text) : SemicolonTokens(*text);
    if (terms.empty()) return "0";  // nothing to match, as ES's empty query
    std::string joined = fmt::format("{}", fmt::join(terms, words ? " " : ";"));
    std::string fn = fmt::format("{}({{}}, {})", words ? kWordsFn : kTokensFn,
                                 params_.Add(joined));
    if (HasDistinctTable()) return ByDistinct(fn);
    std::string check = fmt::format(fmt::runtime(fn), x);
    if (sql_.fts) {
      // A candidate filter per term of 3+ characters without LIKE's
      // wildcards (a superset: the trigram LIKE is case-insensitive), then
      // the exact check on the row.
      bool usable =
          std::all_of(terms.begin(), terms.end(), [](const std::string& t) {
            return Utf8Chars(t) >= 3 && t.find_first_of("%_") == t.npos;
          });
      if (usable) {
        std::vector<std::string> likes;
        for (const std::string& t : terms) {
          likes.push_back(
              fmt::format("{} LIKE {}", x, params_.Add("%" + t + "%")));
        }
        return fmt::format("(id IN (SELECT rowid FROM {} WHERE {}) AND {})",
                           sq::kFtsTable, fmt::join(likes, " OR "), check);
      }
    }
    if (sql_.indexed && words) {
      // Values behind an index (product, platform: few distinct ones): find
      // the matching ones with a loose index scan, then look them up.
      return fmt::format(
          "{0} IN (WITH RECURSIVE d(v) AS (SELECT min({0}) FROM {1} UNION ALL "
          "SELECT (SELECT min({0}) FROM {1} WHERE {0} > d.v) FROM d WHERE d.v "
          "IS NOT NULL) SELECT v FROM d WHERE {2})",
          x, sq::kCrashesTable, fmt::format(fmt::runtime(fn), "v"));
    }
    return check;
  }

  std::string Glob(Op op, const std::string& value) {
    std::string lit = sq::GlobLiteral(value);
    std::string pattern = op == Op::kContains     ? "*" + lit + "*"
                          : op == Op::kStartsWith ? lit + "*"
                                                  : "*" + lit;
    std::string p = params_.Add(pattern);
    if (HasDistinctTable()) return ByDistinct("{} GLOB " + p);
    std::string check = fmt::format("{} GLOB {}", sql_.expr, p);
    if (sql_.fts && op != Op::kStartsWith && Utf8Chars(value) >= 3) {
      return fmt::format("(id IN (SELECT rowid FROM {} WHERE {}) AND {})",
                         sq::kFtsTable, check, check);
    }
    return check;  // GLOB 'abc*' uses an index on the column directly
  }

  // signature: every value ever indexed is a row of signature_first
  // (schema.h; '' stands for NULL there, and a crash without a date, which
  // no search reaches, is not counted).
  bool HasDistinctTable() const { return sql_.expr == sq::kSignatureColumn; }

  // `check` ("{}" for the value) tested once per distinct value rather than
  // per crash: the values that pass, then crashes with one of them through
  // the column's index. Tens of thousands of signatures against millions of
  // crashes; the trigram index, for a common substring, returns a candidate
  // per crash (262 ms at 100k crashes for "Shutdown", against 3 ms here). A
  // NULL value is not IN the list and stays NULL, as the check on it is.
  std::string ByDistinct(const std::string& check) {
    return fmt::format("{0} IN (SELECT {0} FROM {1} WHERE {2})", sql_.expr,
                       sq::kFirstSeenTable,
                       fmt::format(fmt::runtime(check), sql_.expr));
  }

  const SearchField& field_;
  FieldSql sql_;
  SqlParams& params_;
};

}  // namespace

FieldSql SqlFor(const SearchField& field) {
  const sq::Column* col = nullptr;
  if (field.name == "uuid") {
    col = sq::ColumnForField("uuid");
  } else if (field.path == "build" && (field.type == ValueType::kInt)) {
    col = sq::FindColumn("build_id");  // the numeric reading of `build`
  } else if (field.spec != nullptr) {
    col = sq::ColumnForField(field.spec->name);
  } else if (const sq::Column* c = sq::FindColumn(field.path);
             c != nullptr && c->source == sq::ColumnSource::kTopLevel) {
    col = c;  // Socorro fields the table lacks but the index reads (email)
  }
  FieldSql out;
  if (col == nullptr) return out;
  out.expr = col->name;
  out.indexed = sq::LeadsIndex(col->name);
  auto fts = sq::FtsColumns();
  out.fts = std::find(fts.begin(), fts.end(), col->name) != fts.end();
  if (col->source == sq::ColumnSource::kEpochMicros) {
    if (field.type == ValueType::kDatetime) {
      out.kind = Kind::kMicros;
    } else {
      // A string field stored as a time: compare and print it as the ISO
      // text the processor wrote.
      out.expr = fmt::format(
          "(strftime('%Y-%m-%dT%H:%M:%S', {0} / 1000000, 'unixepoch') || "
          "printf('.%06d+00:00', {0} % 1000000))",
          col->name);
      out.kind = Kind::kText;
      out.indexed = false;
    }
    return out;
  }
  switch (col->type) {
    case sq::ColumnType::kText:
      out.kind = Kind::kText;
      if (field.type == ValueType::kInt) {
        // A number Socorro indexes as a long that the report table keeps as
        // text (application_build_id): its all-digit values, as integers,
        // so that ranges compare numbers rather than strings.
        out.expr = fmt::format(
            "(CASE WHEN {0} <> '' AND {0} NOT GLOB '*[^0-9]*' AND "
            "length({0}) <= 18 THEN CAST({0} AS INTEGER) END)",
            col->name);
        out.kind = Kind::kInt;
        out.indexed = false;
        out.fts = false;
      }
      break;
    case sq::ColumnType::kReal:
      out.kind = Kind::kReal;
      break;
    case sq::ColumnType::kInteger:
      out.kind = col->field != nullptr &&
                         col->field->type == report::FieldType::kBoolean
                     ? Kind::kBool
                     : Kind::kInt;
      break;
  }
  return out;
}

std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (char c : text) {
    if (IsWordByte(static_cast<unsigned char>(c))) {
      word += Lower(c);
    } else {
      AddUnique(out, std::move(word));
      word.clear();
    }
  }
  AddUnique(out, std::move(word));
  return out;
}

std::vector<std::string> SemicolonTokens(std::string_view text) {
  std::vector<std::string> out;
  std::string token;
  for (char c : text) {
    if (c == ';') {
      AddUnique(out, std::move(token));
      token.clear();
    } else {
      token += Lower(c);
    }
  }
  AddUnique(out, std::move(token));
  return out;
}

Status RegisterFunctions(sq::SearchIndex& index) {
  // NULL in, NULL out: a missing value neither matches nor fails to, so a
  // negated clause (Negate) decides what absence means.
  CB_RETURN_IF_ERROR(index.RegisterFunction(
      std::string(kRegexpFn), 2,
      [](std::span<const sq::SqlArg> a) -> sq::Value {
        const std::string_view* v = TextArg(a[0]);
        const std::string_view* p = TextArg(a[1]);
        if (v == nullptr || p == nullptr) return std::monostate{};
        const RE2* re = CachedRegex(*p);
        if (!re->ok()) return int64_t{0};
        // Lucene regexps match the whole value.
        return int64_t{
            RE2::FullMatch(re2::StringPiece(v->data(), v->size()), *re) ? 1
                                                                        : 0};
      }));
  CB_RETURN_IF_ERROR(index.RegisterFunction(
      std::string(kWordsFn), 2, [](std::span<const sq::SqlArg> a) -> sq::Value {
        const std::string_view* v = TextArg(a[0]);
        const std::string_view* w = TextArg(a[1]);
        if (v == nullptr || w == nullptr) return std::monostate{};
        return int64_t{HasAnyWord(*v, *w) ? 1 : 0};
      }));
  return index.RegisterFunction(std::string(kTokensFn), 2,
                                [](std::span<const sq::SqlArg> a) -> sq::Value {
                                  const std::string_view* v = TextArg(a[0]);
                                  const std::string_view* t = TextArg(a[1]);
                                  if (v == nullptr || t == nullptr)
                                    return std::monostate{};
                                  return int64_t{HasAnyToken(*v, *t) ? 1 : 0};
                                });
}

std::string SqlParams::Add(sq::Value v) {
  values_.push_back(std::move(v));
  return fmt::format("?{}", values_.size());
}

std::string CompileWhere(const Query& query, Audience audience,
                         SqlParams& params) {
  auto micros = [](const DateBound& b) {
    return sq::Value(static_cast<int64_t>(b.at.time_since_epoch().count()));
  };
  std::vector<std::string> parts;
  parts.push_back(fmt::format("{} {} {}", sq::kDateColumn,
                              query.date_from.inclusive ? ">=" : ">",
                              params.Add(micros(query.date_from))));
  parts.push_back(fmt::format("{} {} {}", sq::kDateColumn,
                              query.date_to.inclusive ? "<=" : "<",
                              params.Add(micros(query.date_to))));
  for (const Filter& f : query.filters) {
    // Defense in depth: Parse drops these for the public audience already.
    if (f.field == nullptr || !IsVisible(*f.field, audience)) continue;
    if (f.clauses.empty()) continue;
    ClauseCompiler cc(*f.field, params);
    // Left to right: range clauses AND, the others OR (query.h's Join).
    std::string folded = cc.Clause(f.clauses[0]);
    for (size_t i = 1; i < f.clauses.size(); ++i) {
      folded = fmt::format("({}) {} ({})", folded,
                           f.clauses[i].join == Join::kAnd ? "AND" : "OR",
                           cc.Clause(f.clauses[i]));
    }
    parts.push_back(fmt::format("({})", folded));
  }
  return fmt::format("{}", fmt::join(parts, " AND "));
}

}  // namespace crashbox::search::internal
