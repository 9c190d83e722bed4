// SPDX-License-Identifier: MPL-2.0
#include "app/report/processed_crash.h"

#include "app/base/check.h"

namespace crashbox::report {
namespace {

template <typename Json>
Json* Walk(Json& crash, std::string_view path) {
  Json* cur = &crash;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string_view part = path.substr(start, dot == std::string_view::npos
                                                   ? std::string_view::npos
                                                   : dot - start);
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(std::string(part));
    if (it == cur->end()) return nullptr;
    cur = &*it;
    if (dot == std::string_view::npos) return cur;
    start = dot + 1;
  }
}

}  // namespace

const nlohmann::json* Find(const nlohmann::json& crash,
                           const FieldSpec& field) {
  CB_CHECK(!field.in_array());
  return Walk(crash, field.path);
}

nlohmann::json* Find(nlohmann::json& crash, const FieldSpec& field) {
  CB_CHECK(!field.in_array());
  return Walk(crash, field.path);
}

const nlohmann::json* FindIn(const nlohmann::json& object,
                             const FieldSpec& field) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(std::string(field.key()));
  return it == object.end() ? nullptr : &*it;
}

std::string GetString(const nlohmann::json& crash, const FieldSpec& field,
                      std::string_view fallback) {
  const nlohmann::json* v = Find(crash, field);
  return v != nullptr && v->is_string() ? v->get<std::string>()
                                        : std::string(fallback);
}

std::string GetStringIn(const nlohmann::json& object, const FieldSpec& field,
                        std::string_view fallback) {
  const nlohmann::json* v = FindIn(object, field);
  return v != nullptr && v->is_string() ? v->get<std::string>()
                                        : std::string(fallback);
}

void SetJson(nlohmann::json& crash, const FieldSpec& field,
             nlohmann::json value) {
  CB_CHECK(!field.in_array());
  nlohmann::json* cur = &crash;
  std::string_view path = field.path;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string part(path.substr(start, dot == std::string_view::npos
                                            ? std::string_view::npos
                                            : dot - start));
    if (dot == std::string_view::npos) {
      (*cur)[part] = std::move(value);
      return;
    }
    cur = &(*cur)[part];
    start = dot + 1;
  }
}

bool Has(const nlohmann::json& crash, const FieldSpec& field) {
  return Find(crash, field) != nullptr;
}

std::string Serialize(const nlohmann::json& crash) {
  return crash.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace crashbox::report
