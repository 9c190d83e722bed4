// SPDX-License-Identifier: MPL-2.0
// Reading Socorro's crash data JSON with Python's semantics: a missing key and
// null are both None, truthiness follows Python, str() of a value follows
// Python. Internal to app/signature.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/base/py_str.h"

namespace crashbox::signature {

// The value at `key` of an object; null when absent, JSON null, or `j` is not
// an object.
const nlohmann::json* Field(const nlohmann::json& j, std::string_view key);

// Python bool(v): false for null, false, 0, "", [], {}.
bool Truthy(const nlohmann::json& v);
bool TruthyField(const nlohmann::json& j, std::string_view key);

// Python str(v) (app/base/py_str.h).
using base::PyStr;

// A string field; "" when absent/null/falsy. Throws std::invalid_argument for a
// truthy non-string (Python would fail calling a string method on it).
std::string StrField(const nlohmann::json& j, std::string_view key);

// Python int(v) for ints, integral floats and decimal strings; nullopt when
// Python would raise.
std::optional<long long> PyInt(const nlohmann::json& v);

}  // namespace crashbox::signature

namespace crashbox::signature {

// Python len() of UTF-8 text: code points (continuation bytes not counted).
size_t Utf8Length(std::string_view s);
// Python s[:n] on UTF-8 text: the first `n` code points.
std::string_view Utf8Prefix(std::string_view s, size_t n);

}  // namespace crashbox::signature
