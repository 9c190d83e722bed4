// SPDX-License-Identifier: MPL-2.0
// Python's view of a JSON value, for code that must behave as Socorro's and
// Antenna's Python does with annotation and crash-data values: str(), repr(),
// type names for error texts, and integers of any size.
//
// str(): strings as they are, null → "None", booleans → "True"/"False",
// integers in decimal (every digit, beyond 64 bits too), floats as Python's
// repr ("1.0", "1e+16", "nan", "inf"), lists and dicts as Python prints them
// ("[1, 'a', None]", "{'k': 2.0}"; dict keys in the JSON value's order, which
// nlohmann::json sorts). The one helper for the collector's throttler, the
// processor's rules and signature generation (docs/decisions.md).
//
// Python's str() of a structure nested deeper than its recursion limit raises
// RecursionError; so does this (PyRecursionError), at kPyMaxDepth, instead of
// overflowing the stack.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace crashbox::base {

// Python's default recursion limit is 1000 frames, some of them taken by the
// caller; structures nested deeper than this fail as RecursionError.
inline constexpr int kPyMaxDepth = 960;

class PyRecursionError : public std::runtime_error {
 public:
  explicit PyRecursionError(std::string_view what_while);
};

// Python 3.11 refuses to convert decimal text of more digits than this to an
// int (ValueError), in int() and in json.loads alike; the bound also keeps a
// hostile 10 MB number from becoming a 10 MB value.
inline constexpr size_t kPyMaxIntDigits = 4300;
std::string PyIntDigitsError(size_t digits);

// An integer outside 64 bits, as Python's json.loads keeps it: a binary
// value with subtype kPyBigIntSubtype holding the decimal text ("-123...").
inline constexpr uint8_t kPyBigIntSubtype = 0x69;
nlohmann::json PyBigInt(std::string_view decimal);
bool IsPyBigInt(const nlohmann::json& v);
// The decimal text of any integer (64-bit or big); "" for other values.
std::string PyIntText(const nlohmann::json& v);
// An int (not bool), of any size.
bool IsPyInt(const nlohmann::json& v);
// A Python integer compared with a 64-bit one: <0, 0, >0. `v` must be IsPyInt.
int PyIntCompare(const nlohmann::json& v, long long other);

// The digits of Python's int(text, base) for base 10 or 16: Unicode digits
// and spaces accepted, surrounding spaces stripped, one sign, "0x" allowed in
// base 16, single underscores between digits. `digits` are lower-case with no
// leading zeros ("0" for zero). nullopt where Python raises ValueError.
struct PyIntDigits {
  bool negative = false;
  std::string digits;
};
std::optional<PyIntDigits> PyParseInt(std::string_view text, int base);
// int(text) as a JSON integer: int64, uint64 or PyBigInt.
std::optional<nlohmann::json> PyIntFromText(std::string_view text);

// type(v).__name__: "NoneType", "bool", "int", "float", "str", "list", "dict".
std::string_view PyTypeName(const nlohmann::json& v);

std::string PyStr(const nlohmann::json& v);
std::string PyRepr(const nlohmann::json& v);
// repr() of a str.
std::string PyReprString(std::string_view s);
// repr() of a float.
std::string PyFloatRepr(double d);

}  // namespace crashbox::base
