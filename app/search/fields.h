// SPDX-License-Identifier: MPL-2.0
// Super Search field definitions, as data: Socorro's field list
// (super_search_fields.py, SOCORRO.md §4.5 and §4.7) joined with crashbox's
// processed-crash field table (app/report/fields.h), which stays the single
// source of what the processor writes and of what is protected.
//
// - Every Socorro field is defined, so Socorro's clients can name any of them
//   (`_columns=addons` answers, with nulls where crashbox writes nothing).
// - Every top-level scalar field the processor writes that Socorro does not
//   list (crash_id, started_datetime, ...) gets a definition of its own,
//   typed from the report table.
// - A field is protected when Socorro or the report table says so (the
//   stricter wins); protected fields need `crashstats.view_pii`.
//
// The set is built once and immutable: safe to share between threads.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/report/fields.h"

namespace crashbox::search {

// Socorro's data_validation_type: how a filter value is parsed and which
// operators it accepts (query.h).
enum class ValueType : uint8_t { kStr, kEnum, kInt, kFloat, kBool, kDatetime };

// "str", "enum", "int", "float", "bool", "datetime".
std::string_view ValueTypeName(ValueType type);

// Socorro's permission for protected data (its webapp's name).
inline constexpr std::string_view kViewPii = "crashstats.view_pii";

struct SearchField {
  std::string name;  // the parameter, column and facet name
  std::string
      query_type;  // "string", "enum", "integer", "float", "date", "bool"
  ValueType type = ValueType::kStr;
  // Socorro's Elasticsearch mapping type: "keyword", "text", "long",
  // "integer", "short", "double", "boolean", "date".
  std::string storage_type;
  bool has_full_version = false;  // text with a `.full` keyword sub-field
  bool semicolon_tokens = false;  // text split on ';' (modules_in_stack, ...)
  bool is_protected = false;
  bool is_exposed = true;   // usable as a filter
  bool is_returned = true;  // usable as a column, sort key or facet
  // Dotted source path under the processed crash ("json_dump.system_info.
  // cpu_count"); namespace/in_database_name split it at the last dot.
  std::string path;
  std::string description;
  std::vector<std::string> form_field_choices;
  // The report table's row for `path`, or null when crashbox's processor does
  // not write that field (Socorro-only fields such as `addons`).
  const report::FieldSpec* spec = nullptr;

  // "processed_crash" or "processed_crash.<parent path>".
  std::string namespace_name() const;
  // The last segment of `path`.
  std::string in_database_name() const;
  // Date, integer and float fields take `_histogram.<field>`.
  bool is_histogrammable() const;
  // ["crashstats.view_pii"] when protected, else [].
  std::vector<std::string> permissions_needed() const;
};

class FieldSet {
 public:
  // crashbox's fields: Socorro's list plus the processor's own fields.
  static const FieldSet& Default();
  // A set of exactly these fields (tests, future configuration).
  explicit FieldSet(std::vector<SearchField> fields);

  // The field named `name`, or null.
  const SearchField* Find(std::string_view name) const;
  std::span<const SearchField> all() const { return fields_; }

 private:
  std::vector<SearchField> fields_;  // sorted by name
};

// Every permission some field needs: what `/api/SuperSearchUnredacted/`
// requires of its caller (Socorro's API_REQUIRED_PERMISSIONS).
std::vector<std::string> UnredactedPermissions(const FieldSet& fields);

// One field in the shape of Socorro's `GET /api/SuperSearchFields/`.
nlohmann::json FieldJson(const SearchField& field);
// The whole `GET /api/SuperSearchFields/` body: an object keyed by field
// name. Socorro returns every field, protected ones included, to everyone:
// the definitions are not secret, the values are.
nlohmann::json FieldsJson(const FieldSet& fields);

}  // namespace crashbox::search
