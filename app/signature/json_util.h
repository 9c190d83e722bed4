// SPDX-License-Identifier: MPL-2.0
// Socorro's crash data read with Python's semantics, so that odd input takes
// the path it takes in Socorro's rules.py: a missing key and null are both
// None, truthiness follows Python, and an operation Python would refuse for
// the value's type (calling a str method on an int, iterating None, `in` on
// a number) throws PyError with Python's message. The generator turns that
// into "<Rule>: Rule failed: <message>", as Socorro's rule wrapper does.
// Internal to app/signature.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/base/py_str.h"

namespace crashbox::signature {

using base::PyRepr;
using base::PyStr;

// A Python exception (TypeError, AttributeError, ValueError...); what() is
// str(exception).
class PyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// d.get(key) on a dict: null when absent or JSON null; also null when `d` is
// not a dict (for callers whose Python guards the type first).
const nlohmann::json* Field(const nlohmann::json& d, std::string_view key);
// d.get(key) where Python calls .get on whatever `d` is: AttributeError when
// it is not a dict.
const nlohmann::json* Get(const nlohmann::json& d, std::string_view key);

// bool(v): false for None, False, 0, 0.0, "", [], {}.
bool Truthy(const nlohmann::json& v);
inline bool Truthy(const nlohmann::json* v) { return v && Truthy(*v); }
bool TruthyField(const nlohmann::json& d, std::string_view key);

// `v` as a str for calling str method `method` on it; AttributeError
// "'int' object has no attribute 'lower'" otherwise.
const std::string& AsStr(const nlohmann::json* v, std::string_view method);

// `needle in v`: substring of a str, an equal item of a list, a key of a
// dict; TypeError "argument of type 'int' is not iterable" otherwise.
bool PyContains(const nlohmann::json* v, std::string_view needle);
// v == "text".
bool PyEquals(const nlohmann::json* v, std::string_view text);

// int(v): an int (int64, uint64 or PyBigInt); nullopt where Python raises
// TypeError (None, list, dict) or ValueError (text that is not a number,
// NaN). OverflowError (an infinite float) is thrown as PyError.
// `value_errors`: whether ValueError is thrown too (as PyError) instead of
// giving nullopt.
std::optional<nlohmann::json> PyInt(const nlohmann::json* v,
                                    bool value_errors = false);

// The items `for x in v` visits, where each x then has .get() called on it:
// a list's items; nothing for an empty str or dict; a non-empty str or dict
// yields str items, so AttributeError "'str' object has no attribute 'get'";
// TypeError "'int' object is not iterable" for the rest.
const nlohmann::json::array_t& IterDicts(const nlohmann::json* v);

// str(v) for f-strings and format(): "None" for null/absent.
std::string PyFormat(const nlohmann::json* v);

// Python len() of UTF-8 text: code points (continuation bytes not counted).
size_t Utf8Length(std::string_view s);
// Python s[:n] on UTF-8 text: the first `n` code points.
std::string_view Utf8Prefix(std::string_view s, size_t n);

}  // namespace crashbox::signature
