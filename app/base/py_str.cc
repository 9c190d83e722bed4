// SPDX-License-Identifier: MPL-2.0
#include "app/base/py_str.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "app/base/py_unicode.h"

namespace crashbox::base {

PyRecursionError::PyRecursionError(std::string_view what_while)
    : std::runtime_error(
          fmt::format("maximum recursion depth exceeded {}", what_while)) {}

nlohmann::json PyBigInt(std::string_view decimal) {
  return nlohmann::json::binary(
      nlohmann::json::binary_t::container_type(decimal.begin(), decimal.end()),
      kPyBigIntSubtype);
}

bool IsPyBigInt(const nlohmann::json& v) {
  return v.is_binary() && v.get_binary().has_subtype() &&
         v.get_binary().subtype() == kPyBigIntSubtype;
}

bool IsPyInt(const nlohmann::json& v) {
  return v.is_number_integer() || IsPyBigInt(v);
}

std::string PyIntText(const nlohmann::json& v) {
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (IsPyBigInt(v)) {
    const auto& bytes = v.get_binary();
    return std::string(bytes.begin(), bytes.end());
  }
  return {};
}

int PyIntCompare(const nlohmann::json& v, long long other) {
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    return other < 0 || u > static_cast<uint64_t>(other) ? 1
           : u == static_cast<uint64_t>(other)           ? 0
                                                         : -1;
  }
  if (v.is_number_integer()) {
    int64_t n = v.get<int64_t>();
    return n < other ? -1 : n > other ? 1 : 0;
  }
  // Beyond 64 bits: the sign decides.
  std::string text = PyIntText(v);
  return !text.empty() && text[0] == '-' ? -1 : 1;
}

std::string PyIntDigitsError(size_t digits) {
  return fmt::format(
      "Exceeds the limit ({} digits) for integer string conversion: value has "
      "{} digits; use sys.set_int_max_str_digits() to increase the limit",
      kPyMaxIntDigits, digits);
}

std::optional<PyIntDigits> PyParseInt(std::string_view text, int base) {
  std::string ascii = PyAsciiDigitsAndSpaces(text);
  std::string_view s = ascii;
  while (!s.empty() && PyIsSpace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && PyIsSpace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  PyIntDigits out;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    out.negative = s.front() == '-';
    s.remove_prefix(1);
  }
  bool after_prefix = false;
  if (base == 16 && s.size() >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x') {
    s.remove_prefix(2);
    after_prefix = true;  // "0x_1f" is valid
  }
  bool last_digit = after_prefix;
  bool any = false;
  for (char c : s) {
    if (c == '_') {
      if (!last_digit) return std::nullopt;
      last_digit = false;
      continue;
    }
    int d = c >= '0' && c <= '9' ? c - '0'
            : base == 16 && (c | 0x20) >= 'a' && (c | 0x20) <= 'f'
                ? (c | 0x20) - 'a' + 10
                : -1;
    if (d < 0) return std::nullopt;
    if (!(out.digits.empty() && d == 0))
      out.digits.push_back(static_cast<char>(c | (d >= 10 ? 0x20 : 0)));
    last_digit = any = true;
  }
  if (!any || !last_digit) return std::nullopt;
  // Hexadecimal text has no limit in Python; decimal text does.
  if (base == 10 && out.digits.size() > kPyMaxIntDigits) return std::nullopt;
  if (out.digits.empty()) {
    out.digits.assign(1, '0');  // not = "0": GCC 12 -Wrestrict misfires on it
    out.negative = false;
  }
  return out;
}

std::optional<nlohmann::json> PyIntFromText(std::string_view text) {
  std::optional<PyIntDigits> p = PyParseInt(text, 10);
  if (!p) return std::nullopt;
  errno = 0;
  if (p->negative) {
    std::string t = "-" + p->digits;
    long long v = std::strtoll(t.c_str(), nullptr, 10);
    if (errno != ERANGE) return nlohmann::json(v);
    return PyBigInt(t);
  }
  unsigned long long v = std::strtoull(p->digits.c_str(), nullptr, 10);
  if (errno != ERANGE) return nlohmann::json(static_cast<uint64_t>(v));
  return PyBigInt(p->digits);
}

std::string_view PyTypeName(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return "NoneType";
    case nlohmann::json::value_t::boolean:
      return "bool";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "int";
    case nlohmann::json::value_t::number_float:
      return "float";
    case nlohmann::json::value_t::string:
      return "str";
    case nlohmann::json::value_t::array:
      return "list";
    case nlohmann::json::value_t::object:
      return "dict";
    default:
      return IsPyBigInt(v) ? "int" : "bytes";
  }
}

std::string PyFloatRepr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  // Python's repr is the shortest round-trip text, in exponent form below
  // 1e-4 and from 1e16 up; integral values keep a ".0".
  if (d == std::floor(d) && std::fabs(d) < 1e16)
    return fmt::format("{:.1f}", d);
  return fmt::format("{}", d);
}

std::string PyReprString(std::string_view s) {
  bool has_single = s.find('\'') != std::string_view::npos;
  bool has_double = s.find('"') != std::string_view::npos;
  char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (size_t i = 0; i < s.size();) {
    char32_t cp = NextCodePoint(s, &i);
    if (cp == static_cast<char32_t>(quote) || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\t') {
      out += "\\t";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp < 0x20 || cp == 0x7F) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
    } else if (cp < 0x7F || (cp <= 0x10FFFF && PyIsPrintable(cp))) {
      AppendCodePoint(&out, cp);
    } else if (cp <= 0xFF) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned>(cp));
    } else if (cp <= 0xFFFF) {
      out += fmt::format("\\u{:04x}", static_cast<unsigned>(cp));
    } else if (cp <= 0x10FFFF) {
      out += fmt::format("\\U{:08x}", static_cast<unsigned>(cp));
    } else {
      AppendCodePoint(&out, cp);  // a byte that was not UTF-8
    }
  }
  out += quote;
  return out;
}

namespace {

void AppendRepr(std::string* out, const nlohmann::json& v, int depth);

void AppendStr(std::string* out, const nlohmann::json& v, int depth) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      *out += "None";
      return;
    case nlohmann::json::value_t::boolean:
      *out += v.get<bool>() ? "True" : "False";
      return;
    case nlohmann::json::value_t::string:
      *out += v.get_ref<const std::string&>();
      return;
    case nlohmann::json::value_t::number_float:
      *out += PyFloatRepr(v.get<double>());
      return;
    case nlohmann::json::value_t::array: {
      if (depth >= kPyMaxDepth)
        throw PyRecursionError("while getting the repr of an object");
      *out += '[';
      bool first = true;
      for (const nlohmann::json& e : v) {
        if (!first) *out += ", ";
        first = false;
        AppendRepr(out, e, depth + 1);
      }
      *out += ']';
      return;
    }
    case nlohmann::json::value_t::object: {
      if (depth >= kPyMaxDepth)
        throw PyRecursionError("while getting the repr of an object");
      *out += '{';
      bool first = true;
      for (const auto& [key, e] : v.items()) {
        if (!first) *out += ", ";
        first = false;
        *out += PyReprString(key);
        *out += ": ";
        AppendRepr(out, e, depth + 1);
      }
      *out += '}';
      return;
    }
    default:
      *out += PyIntText(v);
      return;
  }
}

void AppendRepr(std::string* out, const nlohmann::json& v, int depth) {
  if (v.is_string()) {
    *out += PyReprString(v.get_ref<const std::string&>());
  } else {
    AppendStr(out, v, depth);
  }
}

}  // namespace

std::string PyStr(const nlohmann::json& v) {
  std::string out;
  AppendStr(&out, v, 0);
  return out;
}

std::string PyRepr(const nlohmann::json& v) {
  std::string out;
  AppendRepr(&out, v, 0);
  return out;
}

}  // namespace crashbox::base
