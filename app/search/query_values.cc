// SPDX-License-Identifier: MPL-2.0
// Value conversion for Super Search parameters: Socorro's convert_to_type and
// datetimeutil.string_to_datetime, the operator table, and small helpers.
#include "app/search/query_internal.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>
#include <re2/re2.h>

#include "app/base/py_str.h"

namespace crashbox::search {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::minutes;
using std::chrono::seconds;

// Reads exactly `n` digits at `*i` (n = 0: one or two digits).
bool Digits(std::string_view s, size_t* i, size_t n, int* out) {
  size_t start = *i, max = n == 0 ? 2 : n;
  int v = 0;
  while (*i < s.size() && *i - start < max && s[*i] >= '0' && s[*i] <= '9') {
    v = v * 10 + (s[*i] - '0');
    ++*i;
  }
  size_t got = *i - start;
  if (got == 0 || (n != 0 && got != n)) return false;
  *out = v;
  return true;
}

bool MakeDate(int y, int m, int d, std::chrono::sys_days* out) {
  std::chrono::year_month_day ymd{std::chrono::year(y),
                                  std::chrono::month(static_cast<unsigned>(m)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return false;
  *out = std::chrono::sys_days(ymd);
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view OpText(Op op) {
  switch (op) {
    case Op::kMatch:
      return "";
    case Op::kIs:
      return "=";
    case Op::kContains:
      return "~";
    case Op::kStartsWith:
      return "^";
    case Op::kEndsWith:
      return "$";
    case Op::kRegex:
      return "@";
    case Op::kGt:
      return ">";
    case Op::kGe:
      return ">=";
    case Op::kLt:
      return "<";
    case Op::kLe:
      return "<=";
    case Op::kNull:
      return "__null__";
    case Op::kTrue:
      return "__true__";
  }
  return "";
}

std::string Agg::ResultKey() const {
  switch (kind) {
    case AggKind::kTerms:
      return field->name;
    case AggKind::kHistogram:
      return "histogram_" + field->name;
    case AggKind::kCardinality:
      return "cardinality_" + field->name;
  }
  return field->name;
}

bool IsVisible(const SearchField& field, Audience audience) {
  return audience == Audience::kUnredacted || !field.is_protected;
}

bool IsRange(Op op) {
  return op == Op::kGt || op == Op::kGe || op == Op::kLt || op == Op::kLe;
}

std::span<const Op> OperatorsFor(ValueType type) {
  // search_common.py's OPERATORS_MAP, longest first; "float" as "int"
  // (SOCORRO.md §4.2; Socorro's own map forgets float).
  static constexpr Op kStr[] = {Op::kIs,         Op::kContains, Op::kEndsWith,
                                Op::kStartsWith, Op::kRegex,    Op::kNull};
  static constexpr Op kNumber[] = {Op::kGe, Op::kLe, Op::kLt, Op::kGt,
                                   Op::kNull};
  static constexpr Op kBool[] = {Op::kTrue, Op::kNull};
  static constexpr Op kEnum[] = {Op::kNull};
  switch (type) {
    case ValueType::kStr:
      return kStr;
    case ValueType::kInt:
    case ValueType::kFloat:
    case ValueType::kDatetime:
      return kNumber;
    case ValueType::kBool:
      return kBool;
    case ValueType::kEnum:
      return kEnum;
  }
  return kEnum;
}

bool ParseDatetime(std::string_view s, Timestamp* out) {
  int y = 0, mo = 0, d = 0;
  size_t i = 0;
  std::chrono::sys_days day;
  if (s.size() <= 10) {
    // strptime("%Y-%m-%d"): month and day may have one digit.
    if (!Digits(s, &i, 4, &y) || i >= s.size() || s[i++] != '-' ||
        !Digits(s, &i, 0, &mo) || i >= s.size() || s[i++] != '-' ||
        !Digits(s, &i, 0, &d) || i != s.size() || !MakeDate(y, mo, d, &day)) {
      return false;
    }
    *out = Timestamp(day);
    return true;
  }
  // dateutil's isoparse: YYYY-MM-DD, any one separator, HH[:MM[:SS[.f]]],
  // then Z or an offset.
  if (!Digits(s, &i, 4, &y) || s[i++] != '-' || !Digits(s, &i, 2, &mo) ||
      i >= s.size() || s[i++] != '-' || !Digits(s, &i, 2, &d) ||
      !MakeDate(y, mo, d, &day) || i >= s.size()) {
    return false;
  }
  ++i;  // the separator
  int h = 0, mi = 0, se = 0;
  int64_t micros = 0;
  if (!Digits(s, &i, 2, &h) || h > 24) return false;
  if (i < s.size() && s[i] == ':') {
    ++i;
    if (!Digits(s, &i, 2, &mi) || mi > 59) return false;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!Digits(s, &i, 2, &se) || se > 59) return false;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        size_t start = i;
        int64_t scale = 100000;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
          micros += (s[i] - '0') * scale;
          scale /= 10;
          ++i;
        }
        if (i == start) return false;
      }
    }
  }
  if (h == 24 && (mi != 0 || se != 0 || micros != 0)) return false;
  int64_t offset_min = 0;
  if (i < s.size()) {
    if (s[i] == 'Z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int sign = s[i++] == '-' ? -1 : 1, oh = 0, om = 0;
      if (!Digits(s, &i, 2, &oh) || oh > 23) return false;
      if (i < s.size() && s[i] == ':') ++i;
      if (i < s.size() && !Digits(s, &i, 2, &om)) return false;
      if (om > 59) return false;
      offset_min = sign * (oh * 60 + om);
    }
  }
  if (i != s.size()) return false;
  *out = Timestamp(day) + hours(h) + minutes(mi) + seconds(se) +
         microseconds(micros) - minutes(offset_min);
  return true;
}

Result<Value> ConvertValue(const SearchField& field, std::string_view text) {
  Status bad = Status::InvalidArgument(
      fmt::format("Bad value for parameter {}: not a valid {}", field.name,
                  ValueTypeName(field.type)));
  switch (field.type) {
    case ValueType::kStr:
    case ValueType::kEnum:
      return Value(std::string(text));
    case ValueType::kInt: {
      // Python's int(): spaces, sign, underscores between digits.
      std::optional<base::PyIntDigits> d = base::PyParseInt(text, 10);
      if (!d || d->digits.size() > 19) return bad;
      errno = 0;
      unsigned long long u = std::strtoull(d->digits.c_str(), nullptr, 10);
      if (errno != 0 ||
          u > (d->negative ? 9223372036854775808ull : 9223372036854775807ull)) {
        return bad;  // Python's ints are unbounded; the index's are 64-bit
      }
      return Value(d->negative ? static_cast<int64_t>(0 - u)
                               : static_cast<int64_t>(u));
    }
    case ValueType::kFloat: {
      std::string t(Trim(text));
      if (t.empty()) return bad;
      char* end = nullptr;
      double v = std::strtod(t.c_str(), &end);
      if (end != t.c_str() + t.size() || !std::isfinite(v)) return bad;
      return Value(v);
    }
    case ValueType::kBool: {
      std::string lower;
      for (char c : text) lower += static_cast<char>(std::tolower(c));
      return Value(lower == "true" || lower == "t" || lower == "1" ||
                   lower == "y" || lower == "yes");
    }
    case ValueType::kDatetime: {
      Timestamp t;
      if (!ParseDatetime(text, &t)) return bad;
      return Value(t);
    }
  }
  return bad;
}

Status CheckRegex(const SearchField& field, const std::string& pattern,
                  int64_t max_mem) {
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(max_mem);
  RE2 re(pattern, opts);
  if (re.ok()) return Status();
  // Too large for the budget, or repetitions nested past RE2's bound.
  if (re.error_code() == RE2::ErrorPatternTooLarge ||
      re.error_code() == RE2::ErrorRepeatSize) {
    return Status::InvalidArgument(
        "Search query is too complex to execute. Simplify the search pattern "
        "and try again.");
  }
  return Status::InvalidArgument(
      fmt::format("Bad value for parameter {}: not a valid regex ({})",
                  field.name, re.error()));
}

}  // namespace crashbox::search
