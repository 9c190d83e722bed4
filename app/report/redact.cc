// SPDX-License-Identifier: MPL-2.0
#include "app/report/redact.h"

#include <set>
#include <string>
#include <string_view>

#include "app/report/fields.h"

namespace crashbox::report {
namespace {

using nlohmann::json;

// Removes the value at dotted `path` (with `[]` for array elements) below
// `node`.
void Erase(json& node, std::string_view path) {
  size_t dot = path.find('.');
  std::string_view head = path.substr(0, dot);
  bool each = head.size() > 2 && head.substr(head.size() - 2) == "[]";
  if (each) head.remove_suffix(2);
  if (!node.is_object()) return;
  auto it = node.find(std::string(head));
  if (it == node.end()) return;
  if (dot == std::string_view::npos) {
    if (!each) node.erase(it);
    return;
  }
  std::string_view rest = path.substr(dot + 1);
  if (each && it->is_array()) {
    for (json& element : *it) Erase(element, rest);
  } else if (!each) {
    Erase(*it, rest);
  }
}

void EraseKeyEverywhere(json& node, const std::string& key) {
  if (node.is_object()) {
    node.erase(key);
    for (auto& [k, v] : node.items()) EraseKeyEverywhere(v, key);
  } else if (node.is_array()) {
    for (json& v : node) EraseKeyEverywhere(v, key);
  }
}

struct Lists {
  std::set<std::string, std::less<>> public_top;
  std::set<std::string, std::less<>> public_annotations;
};

const Lists& GetLists() {
  static const Lists lists = [] {
    Lists l;
    std::set<std::string, std::less<>> protected_annotations;
    for (const FieldSpec& f : AllFields()) {
      if (f.path.find('.') == std::string_view::npos && !f.is_protected())
        l.public_top.emplace(f.path);
      if (f.annotation.empty()) continue;
      if (f.is_protected()) {
        protected_annotations.emplace(f.annotation);
      } else {
        l.public_annotations.emplace(f.annotation);
      }
    }
    for (const auto& a : protected_annotations) l.public_annotations.erase(a);
    for (const char* k : {"uuid", "submitted_timestamp", "version"})
      l.public_annotations.emplace(k);
    l.public_annotations.erase("metadata");
    return l;
  }();
  return lists;
}

}  // namespace

json RedactProcessed(const json& processed) {
  if (!processed.is_object()) return json::object();
  const Lists& lists = GetLists();
  json out = json::object();
  for (const auto& [k, v] : processed.items()) {
    if (lists.public_top.contains(k)) out[k] = v;
  }
  for (const FieldSpec& f : AllFields()) {
    if (f.is_protected() && f.path.find('.') != std::string_view::npos)
      Erase(out, f.path);
  }
  if (auto it = out.find("json_dump"); it != out.end())
    EraseKeyEverywhere(*it, "registers");
  return out;
}

json RedactRaw(const json& raw) {
  if (!raw.is_object()) return json::object();
  const Lists& lists = GetLists();
  json out = json::object();
  for (const auto& [k, v] : raw.items()) {
    if (lists.public_annotations.contains(k)) out[k] = v;
  }
  return out;
}

}  // namespace crashbox::report
