// SPDX-License-Identifier: MPL-2.0
#include "app/signature/json_util.h"

#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "app/base/strings.h"

namespace crashbox::signature {

const nlohmann::json* Field(const nlohmann::json& j, std::string_view key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

bool Truthy(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return false;
    case nlohmann::json::value_t::boolean:
      return v.get<bool>();
    case nlohmann::json::value_t::number_integer:
      return v.get<int64_t>() != 0;
    case nlohmann::json::value_t::number_unsigned:
      return v.get<uint64_t>() != 0;
    case nlohmann::json::value_t::number_float:
      return v.get<double>() != 0.0;
    case nlohmann::json::value_t::string:
      return !v.get_ref<const std::string&>().empty();
    case nlohmann::json::value_t::array:
    case nlohmann::json::value_t::object:
      return !v.empty();
    default:
      return true;
  }
}

bool TruthyField(const nlohmann::json& j, std::string_view key) {
  const nlohmann::json* v = Field(j, key);
  return v && Truthy(*v);
}

std::string StrField(const nlohmann::json& j, std::string_view key) {
  const nlohmann::json* v = Field(j, key);
  if (!v || !Truthy(*v)) return {};
  if (!v->is_string()) {
    throw std::invalid_argument(
        fmt::format("'{}' object has no attribute 'lower'", v->type_name()));
  }
  return v->get<std::string>();
}

std::optional<long long> PyInt(const nlohmann::json& v) {
  if (v.is_number_integer()) return v.get<long long>();
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (!std::isfinite(d)) return std::nullopt;
    return static_cast<long long>(d);  // int() truncates toward zero
  }
  if (v.is_string()) {
    std::string_view s = base::Trim(v.get_ref<const std::string&>());
    bool neg = false;
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
      neg = s.front() == '-';
      s.remove_prefix(1);
    }
    std::optional<uint64_t> n = base::ParseUint(s);
    if (!n || *n > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    long long value = static_cast<long long>(*n);
    return neg ? -value : value;
  }
  return std::nullopt;
}

}  // namespace crashbox::signature

namespace crashbox::signature {

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
