// SPDX-License-Identifier: MPL-2.0
#include "app/signature/json_util.h"

#include <cmath>

#include <fmt/format.h>

namespace crashbox::signature {

using base::PyTypeName;
using nlohmann::json;

const json* Field(const json& d, std::string_view key) {
  if (!d.is_object()) return nullptr;
  auto it = d.find(key);
  if (it == d.end() || it->is_null()) return nullptr;
  return &*it;
}

const json* Get(const json& d, std::string_view key) {
  if (!d.is_object()) {
    throw PyError(
        fmt::format("'{}' object has no attribute 'get'", PyTypeName(d)));
  }
  return Field(d, key);
}

bool Truthy(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return false;
    case json::value_t::boolean:
      return v.get<bool>();
    case json::value_t::number_integer:
      return v.get<int64_t>() != 0;
    case json::value_t::number_unsigned:
      return v.get<uint64_t>() != 0;
    case json::value_t::number_float:
      return v.get<double>() != 0.0;  // NaN is true, as in Python
    case json::value_t::string:
      return !v.get_ref<const std::string&>().empty();
    case json::value_t::array:
    case json::value_t::object:
      return !v.empty();
    default:
      return true;  // a big int is never 0
  }
}

bool TruthyField(const json& d, std::string_view key) {
  return Truthy(Field(d, key));
}

const std::string& AsStr(const json* v, std::string_view method) {
  if (v == nullptr || !v->is_string()) {
    throw PyError(fmt::format("'{}' object has no attribute '{}'",
                              v ? PyTypeName(*v) : "NoneType", method));
  }
  return v->get_ref<const std::string&>();
}

bool PyContains(const json* v, std::string_view needle) {
  if (v != nullptr && v->is_string())
    return v->get_ref<const std::string&>().find(needle) != std::string::npos;
  if (v != nullptr && v->is_array()) {
    for (const json& item : *v) {
      if (item.is_string() && item.get_ref<const std::string&>() == needle)
        return true;
    }
    return false;
  }
  if (v != nullptr && v->is_object()) return v->contains(needle);
  throw PyError(fmt::format("argument of type '{}' is not iterable",
                            v ? PyTypeName(*v) : "NoneType"));
}

bool PyEquals(const json* v, std::string_view text) {
  return v != nullptr && v->is_string() &&
         v->get_ref<const std::string&>() == text;
}

std::optional<json> PyInt(const json* v, bool value_errors) {
  if (v == nullptr) return std::nullopt;
  if (base::IsPyInt(*v)) return *v;
  if (v->is_boolean()) return json(v->get<bool>() ? 1 : 0);
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (std::isinf(d))
      throw PyError("cannot convert float infinity to integer");
    if (std::isnan(d)) {
      if (value_errors) throw PyError("cannot convert float NaN to integer");
      return std::nullopt;
    }
    d = std::trunc(d);
    if (std::fabs(d) < 9.2e18) return json(static_cast<int64_t>(d));
    // Only the sign and size matter to callers beyond 64 bits.
    return base::PyBigInt(fmt::format("{:.0f}", d));
  }
  if (v->is_string()) {
    std::optional<json> n =
        base::PyIntFromText(v->get_ref<const std::string&>());
    if (!n && value_errors) {
      throw PyError(fmt::format("invalid literal for int() with base 10: {}",
                                base::PyReprString(v->get<std::string>())));
    }
    return n;
  }
  return std::nullopt;
}

const json::array_t& IterDicts(const json* v) {
  static const json::array_t kNone;
  if (v != nullptr && v->is_array()) return v->get_ref<const json::array_t&>();
  if (v != nullptr && (v->is_string() || v->is_object())) {
    bool empty =
        v->is_string() ? v->get_ref<const std::string&>().empty() : v->empty();
    if (empty) return kNone;
    throw PyError("'str' object has no attribute 'get'");
  }
  throw PyError(fmt::format("'{}' object is not iterable",
                            v ? PyTypeName(*v) : "NoneType"));
}

std::string PyFormat(const json* v) { return v ? PyStr(*v) : "None"; }

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string_view Utf8Prefix(std::string_view s, size_t n) {
  size_t seen = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && seen++ == n)
      return s.substr(0, i);
  }
  return s;
}

}  // namespace crashbox::signature
