// SPDX-License-Identifier: MPL-2.0
// The processed crash: a JSON object (Socorro's processed_crash) whose fields
// the table in fields.h describes. Rules read and write it through typed
// handles (Get/Set/Find), the store keeps Serialize()'s text, and readers
// parse it back with Parse(). The serialized form is the compatibility
// contract with Socorro's consumers: keys sorted, compact, invalid UTF-8
// replaced.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/report/fields.h"

namespace crashbox::report {

// The value at `field`'s path, or null when a step of the path is missing or
// not an object. Not for fields inside array elements (read those in each
// element with Find(element, field.key())).
const nlohmann::json* Find(const nlohmann::json& crash, const FieldSpec& field);
nlohmann::json* Find(nlohmann::json& crash, const FieldSpec& field);
template <typename T>
const nlohmann::json* Find(const nlohmann::json& crash, const Field<T>& field) {
  return Find(crash, field.spec());
}
template <typename T>
nlohmann::json* Find(nlohmann::json& crash, const Field<T>& field) {
  return Find(crash, field.spec());
}
// The member `key` of an object (an element of an array field), or null.
const nlohmann::json* FindIn(const nlohmann::json& object,
                             const FieldSpec& field);
template <typename T>
const nlohmann::json* FindIn(const nlohmann::json& object,
                             const Field<T>& field) {
  return FindIn(object, field.spec());
}

// The field's value when present and of the handle's type.
template <typename T>
std::optional<T> Get(const nlohmann::json& crash, const Field<T>& field) {
  const nlohmann::json* v = Find(crash, field.spec());
  if (v == nullptr) return std::nullopt;
  if constexpr (std::is_same_v<T, nlohmann::json>) {
    return *v;
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!v->is_string()) return std::nullopt;
    return v->get<std::string>();
  } else if constexpr (std::is_same_v<T, bool>) {
    if (!v->is_boolean()) return std::nullopt;
    return v->get<bool>();
  } else if constexpr (std::is_same_v<T, double>) {
    if (!v->is_number()) return std::nullopt;
    return v->get<double>();
  } else {
    if (!v->is_number_integer()) return std::nullopt;
    return v->get<T>();
  }
}
// A string field of the crash, or `fallback` when absent or not a string.
std::string GetString(const nlohmann::json& crash, const FieldSpec& field,
                      std::string_view fallback = "");
template <typename T>
std::string GetString(const nlohmann::json& crash, const Field<T>& field,
                      std::string_view fallback = "") {
  return GetString(crash, field.spec(), fallback);
}
// The same for the member field.key() of `object` (an array element, or an
// object met on the field's path).
std::string GetStringIn(const nlohmann::json& object, const FieldSpec& field,
                        std::string_view fallback = "");
template <typename T>
std::string GetStringIn(const nlohmann::json& object, const Field<T>& field,
                        std::string_view fallback = "") {
  return GetStringIn(object, field.spec(), fallback);
}

// Writes the field at its path, making the objects on the way.
void SetJson(nlohmann::json& crash, const FieldSpec& field,
             nlohmann::json value);
template <typename T, typename V>
void Set(nlohmann::json& crash, const Field<T>& field, V&& value) {
  static_assert(
      std::is_same_v<T, nlohmann::json> || std::is_constructible_v<T, V&&>,
      "value of another type than the field's");
  if constexpr (std::is_same_v<T, nlohmann::json>) {
    SetJson(crash, field.spec(), nlohmann::json(std::forward<V>(value)));
  } else {
    SetJson(crash, field.spec(), nlohmann::json(T(std::forward<V>(value))));
  }
}
template <typename T>
void SetNull(nlohmann::json& crash, const Field<T>& field) {
  SetJson(crash, field.spec(), nlohmann::json());
}
bool Has(const nlohmann::json& crash, const FieldSpec& field);
template <typename T>
bool Has(const nlohmann::json& crash, const Field<T>& field) {
  return Has(crash, field.spec());
}

// The stored text of a processed crash.
std::string Serialize(const nlohmann::json& crash);

}  // namespace crashbox::report
