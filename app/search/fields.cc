// SPDX-License-Identifier: MPL-2.0
// Builds the Super Search field set (fields.h) from Socorro's list
// (socorro_fields.inc) and the processed-crash field table.
#include "app/search/fields.h"

#include <algorithm>
#include <set>
#include <utility>

#include "app/base/check.h"

namespace crashbox::search {
namespace {

struct SocorroRow {
  std::string_view name, query_type, dvt, storage;
  bool full, semicolon, is_protected;
  std::string_view path;
};

constexpr SocorroRow kSocorro[] = {
#include "app/search/socorro_fields.inc"
};

// Descriptions of the fields people search most (Socorro's wording where it
// has one); the others get a description naming their source.
constexpr std::pair<std::string_view, std::string_view> kDescriptions[] = {
    {"date", "Date at which the crash report was received by the collector."},
    {"uuid", "Unique identifier of the crash report."},
    {"signature", "The crash's signature, generated from its stack."},
    {"proto_signature", "The crash's stack frames before signature rules."},
    {"product", "Name of the product that crashed."},
    {"version", "Version of the product that crashed."},
    {"major_version", "The major part of the version (128 for 128.0b2)."},
    {"release_channel", "The release channel (release, beta, nightly, ...)."},
    {"build_id", "The product's build id, YYYYMMDDhhmmss."},
    {"platform", "The operating system's name."},
    {"platform_version", "The operating system's version."},
    {"platform_pretty_version", "The operating system's pretty name."},
    {"cpu_arch", "The CPU architecture (amd64, x86, arm64, ...)."},
    {"cpu_info", "The CPU's family, model and stepping."},
    {"cpu_count", "The number of processors."},
    {"process_type", "The type of process that crashed."},
    {"report_type", "The kind of report: crash or hang."},
    {"reason", "The crash reason (the signal or exception)."},
    {"address", "The crashing address."},
    {"crashing_thread", "The index of the crashing thread."},
    {"uptime", "Seconds between the process's start and the crash."},
    {"install_age", "Seconds between the installation and the crash."},
    {"install_time", "When the product was installed (seconds since epoch)."},
    {"url", "The URL loaded when the crash happened. Protected data."},
    {"user_comments", "Comments the user wrote when reporting. Protected."},
    {"missing_symbols", "Modules without symbols, ';'-separated."},
    {"modules_in_stack", "The crashing stack's modules, ';'-separated."},
    {"topmost_filenames", "The crashing stack's topmost source files."},
    {"processor_notes", "Notes the processor wrote while processing."},
};

ValueType ParseDvt(std::string_view dvt) {
  if (dvt == "str") return ValueType::kStr;
  if (dvt == "enum") return ValueType::kEnum;
  if (dvt == "int") return ValueType::kInt;
  if (dvt == "float") return ValueType::kFloat;
  if (dvt == "bool") return ValueType::kBool;
  if (dvt == "datetime") return ValueType::kDatetime;
  CB_CHECK(false && "unknown data_validation_type in socorro_fields.inc");
  return ValueType::kStr;
}

std::string DescriptionFor(const SearchField& f) {
  for (const auto& [name, text] : kDescriptions) {
    if (name == f.name) return std::string(text);
  }
  std::string text = "processed_crash." + f.path;
  if (f.spec != nullptr && !f.spec->annotation.empty()) {
    text += ", from the crash annotation " + std::string(f.spec->annotation);
  }
  return text + ".";
}

std::vector<std::string> ChoicesFor(std::string_view name) {
  if (name == "process_type") {
    return {"content", "gpu", "parent", "plugin", "rdd", "socket", "utility"};
  }
  if (name == "mac_memory_pressure") {
    return {"Normal", "Unset", "Warning", "Critical", "Unexpected"};
  }
  return {};
}

// A processor field Socorro does not list, typed from the report table.
// Only top-level scalars: objects and arrays are not searchable values, and
// json_dump's scalars are searchable through their top-level copies.
bool FromReport(const report::FieldSpec& spec, SearchField* out) {
  if (spec.path.find('.') != std::string_view::npos || spec.in_array()) {
    return false;
  }
  SearchField f;
  switch (spec.type) {
    case report::FieldType::kString:
      f.query_type = "string", f.type = ValueType::kStr;
      f.storage_type = "keyword";
      break;
    case report::FieldType::kInteger:
      f.query_type = "integer", f.type = ValueType::kInt;
      f.storage_type = "long";
      break;
    case report::FieldType::kNumber:
      f.query_type = "float", f.type = ValueType::kFloat;
      f.storage_type = "double";
      break;
    case report::FieldType::kBoolean:
      f.query_type = "bool", f.type = ValueType::kBool;
      f.storage_type = "boolean";
      break;
    default:
      return false;
  }
  f.name = std::string(spec.name);
  f.path = std::string(spec.path);
  f.is_protected = spec.is_protected();
  f.spec = &spec;
  *out = std::move(f);
  return true;
}

std::vector<SearchField> DefaultFields() {
  std::vector<SearchField> fields;
  std::set<std::string, std::less<>> names, paths;
  for (const SocorroRow& row : kSocorro) {
    SearchField f;
    f.name = std::string(row.name);
    f.query_type = std::string(row.query_type);
    f.type = ParseDvt(row.dvt);
    f.storage_type = std::string(row.storage);
    f.has_full_version = row.full;
    f.semicolon_tokens = row.semicolon;
    f.path = std::string(row.path);
    f.spec = report::FindField(row.path);
    // The stricter of Socorro's and the report table's permission wins.
    f.is_protected =
        row.is_protected || (f.spec != nullptr && f.spec->is_protected());
    f.form_field_choices = ChoicesFor(f.name);
    names.insert(f.name);
    paths.insert(f.path);
    fields.push_back(std::move(f));
  }
  for (const report::FieldSpec& spec : report::AllFields()) {
    if (paths.count(spec.path) != 0 || names.count(spec.name) != 0) continue;
    SearchField f;
    if (!FromReport(spec, &f)) continue;
    names.insert(f.name);
    fields.push_back(std::move(f));
  }
  for (SearchField& f : fields) f.description = DescriptionFor(f);
  return fields;
}

nlohmann::json StorageMapping(const SearchField& f) {
  nlohmann::json m = {{"type", f.storage_type}};
  if (f.semicolon_tokens) {
    m["analyzer"] = "semicolon_keywords";
    m["fielddata"] = true;
  }
  if (f.has_full_version) m["fields"] = {{"full", {{"type", "keyword"}}}};
  return m;
}

}  // namespace

std::string_view ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kStr:
      return "str";
    case ValueType::kEnum:
      return "enum";
    case ValueType::kInt:
      return "int";
    case ValueType::kFloat:
      return "float";
    case ValueType::kBool:
      return "bool";
    case ValueType::kDatetime:
      return "datetime";
  }
  return "str";
}

std::string SearchField::namespace_name() const {
  size_t dot = path.rfind('.');
  if (dot == std::string::npos) return "processed_crash";
  return "processed_crash." + path.substr(0, dot);
}

std::string SearchField::in_database_name() const {
  size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

bool SearchField::is_histogrammable() const {
  // Socorro's webapp: date, integer and float (its backend says "number").
  return query_type == "date" || query_type == "integer" ||
         query_type == "float" || query_type == "number";
}

std::vector<std::string> SearchField::permissions_needed() const {
  if (!is_protected) return {};
  return {std::string(kViewPii)};
}

FieldSet::FieldSet(std::vector<SearchField> fields)
    : fields_(std::move(fields)) {
  std::sort(fields_.begin(), fields_.end(),
            [](const SearchField& a, const SearchField& b) {
              return a.name < b.name;
            });
}

const FieldSet& FieldSet::Default() {
  static const FieldSet* set = new FieldSet(DefaultFields());
  return *set;
}

const SearchField* FieldSet::Find(std::string_view name) const {
  auto it = std::lower_bound(
      fields_.begin(), fields_.end(), name,
      [](const SearchField& f, std::string_view n) { return f.name < n; });
  if (it == fields_.end() || it->name != name) return nullptr;
  return &*it;
}

std::vector<std::string> UnredactedPermissions(const FieldSet& fields) {
  std::vector<std::string> out;
  for (const SearchField& f : fields.all()) {
    for (std::string& p : f.permissions_needed()) {
      if (std::find(out.begin(), out.end(), p) == out.end()) {
        out.push_back(std::move(p));
      }
    }
  }
  return out;
}

nlohmann::json FieldJson(const SearchField& f) {
  nlohmann::json perms = f.permissions_needed();
  return {
      {"name", f.name},
      {"description", f.description},
      {"data_validation_type", ValueTypeName(f.type)},
      {"query_type", f.query_type},
      {"form_field_choices", f.form_field_choices},
      {"has_full_version", f.has_full_version},
      {"namespace", f.namespace_name()},
      {"in_database_name", f.in_database_name()},
      {"is_exposed", f.is_exposed},
      {"is_returned", f.is_returned},
      {"is_mandatory", false},
      {"permissions_needed", perms},
      {"webapp_permissions_needed", perms},
      {"storage_mapping", StorageMapping(f)},
  };
}

nlohmann::json FieldsJson(const FieldSet& fields) {
  nlohmann::json out = nlohmann::json::object();
  for (const SearchField& f : fields.all()) out[f.name] = FieldJson(f);
  return out;
}

}  // namespace crashbox::search
