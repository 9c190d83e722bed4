// SPDX-License-Identifier: MPL-2.0
// Rules over the raw crash: clean it, copy annotations by the field table,
// and record identifiers (SOCORRO.md §2.3 rules 1-4, 6, 10, 11).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "app/base/log.h"
#include "app/base/strings.h"
#include "app/processor/rule.h"
#include "assets/embedded.h"

namespace crashbox::processor {
namespace {

using nlohmann::json;

std::string StripNuls(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != '\0') out.push_back(c);
  }
  return out;
}

void DeNull(RuleContext& ctx) {
  json cleaned = json::object();
  for (auto& [k, v] : ctx.raw.items()) {
    cleaned[StripNuls(k)] =
        v.is_string() ? json(StripNuls(v.get<std::string>())) : v;
  }
  ctx.raw = std::move(cleaned);
}

void DeNone(RuleContext& ctx) {
  for (auto it = ctx.raw.begin(); it != ctx.raw.end();) {
    it = it->is_null() ? ctx.raw.erase(it) : std::next(it);
  }
}

void CrashReportKeys(RuleContext& ctx) {
  std::set<std::string> keys;
  bool changed = false;
  auto add = [&](const std::string& k) {
    bool valid = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
             c == '-';
    });
    if (!valid) {
      changed = true;
      return;
    }
    if (k.size() > 100) changed = true;
    keys.insert(k.substr(0, 100));
  };
  for (auto& [k, v] : ctx.raw.items()) add(k);
  for (const store::Dump& d : ctx.dumps) add(d.name);
  ctx.processed["crash_report_keys"] = keys;
  if (changed)
    ctx.notes.push_back("invalidkeys: Crash report contains invalid keys");
}

void CollectorMetadata(RuleContext& ctx) {
  auto it = ctx.raw.find("metadata");
  ctx.processed["collector_metadata"] =
      it != ctx.raw.end() && it->is_object() ? *it : json::object();
}

struct FieldSpec {
  std::string annotation, field, type;
  std::optional<json> default_value;
};

const std::vector<FieldSpec>& FieldTable() {
  static const std::vector<FieldSpec> kTable = [] {
    std::vector<FieldSpec> out;
    std::optional<std::string_view> text =
        assets::Find("processor/annotations.json");
    json doc = text ? json::parse(*text, nullptr, false) : json();
    if (!doc.is_object() || !doc.contains("fields")) {
      CB_LOG_ERROR(
          "processor: assets/processor/annotations.json is missing or invalid");
      return out;
    }
    for (const json& f : doc["fields"]) {
      FieldSpec spec{f.value("annotation", ""), f.value("field", ""),
                     f.value("type", "string"), std::nullopt};
      if (f.contains("default")) spec.default_value = f["default"];
      if (!spec.annotation.empty() && !spec.field.empty())
        out.push_back(std::move(spec));
    }
    return out;
  }();
  return kTable;
}

// Copies one annotation with the schema's conversion; false stops the rule,
// as Socorro's does when a string field gets a non-string (its rstrip raises).
bool CopyOne(RuleContext& ctx, const FieldSpec& spec, const json& value) {
  if (spec.type == "boolean") {
    std::string v = base::ToLower(PyStr(value));
    if (v == "1" || v == "true")
      ctx.processed[spec.field] = true;
    else if (v == "0" || v == "false")
      ctx.processed[spec.field] = false;
    else
      ctx.notes.push_back(fmt::format("{} has non-boolean value {}",
                                      spec.annotation, PyStr(value)));
  } else if (spec.type == "integer") {
    std::optional<int64_t> n =
        value.is_number_integer() ? std::optional<int64_t>(value.get<int64_t>())
                                  : base::ParseInt(base::Trim(PyStr(value)));
    if (n)
      ctx.processed[spec.field] = *n;
    else
      ctx.notes.push_back(
          fmt::format("{} has a non-int value", spec.annotation));
  } else if (spec.type == "number") {
    std::optional<double> d = value.is_number()
                                  ? std::optional<double>(value.get<double>())
                                  : base::ParseDouble(base::Trim(PyStr(value)));
    if (d)
      ctx.processed[spec.field] = *d;
    else
      ctx.notes.push_back(
          fmt::format("{} has a non-float value", spec.annotation));
  } else if (spec.type == "object") {
    json obj = value.is_string()
                   ? json::parse(value.get<std::string>(), nullptr, false)
                   : value;
    if (obj.is_discarded() || !obj.is_object()) {
      ctx.notes.push_back(
          fmt::format("{} value is malformed json", spec.annotation));
    } else {
      ctx.processed[spec.field] = std::move(obj);
    }
  } else {
    if (!value.is_string()) {
      ctx.notes.push_back("ruleset '" + ctx.ruleset +
                          "' rule 'copy_annotations' failed: AttributeError");
      return false;
    }
    std::string v = value.get<std::string>();
    while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back())))
      v.pop_back();
    ctx.processed[spec.field] = std::move(v);
  }
  return true;
}

void CopyAnnotations(RuleContext& ctx) {
  for (const FieldSpec& spec : FieldTable()) {
    auto it = ctx.raw.find(spec.annotation);
    if (it == ctx.raw.end()) {
      if (spec.default_value) ctx.processed[spec.field] = *spec.default_value;
      continue;
    }
    if (!CopyOne(ctx, spec, *it)) return;
  }
}

void Identifiers(RuleContext& ctx) {
  std::string id = ctx.raw.value("uuid", ctx.crash_id);
  ctx.processed["crash_id"] = id;
  ctx.processed["uuid"] = id;
}

void MinidumpSha256(RuleContext& ctx) {
  const json* md =
      ctx.raw.contains("metadata") ? &ctx.raw["metadata"] : nullptr;
  std::string sha;
  if (md && md->is_object() && md->contains("dump_checksums") &&
      (*md)["dump_checksums"].is_object()) {
    sha = (*md)["dump_checksums"].value("upload_file_minidump", "");
  }
  ctx.processed["minidump_sha256_hash"] = sha;
}

}  // namespace

const std::string* RawString(const RuleContext& ctx, const char* key) {
  auto it = ctx.raw.find(key);
  return it != ctx.raw.end() && it->is_string()
             ? it->get_ptr<const std::string*>()
             : nullptr;
}

std::string PyStr(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_null()) return "None";
  return v.dump();
}

std::vector<Rule> RawCrashRules() {
  return {{"de_null", DeNull},
          {"de_none", DeNone},
          {"crash_report_keys", CrashReportKeys},
          {"collector_metadata", CollectorMetadata},
          {"copy_annotations", CopyAnnotations},
          {"identifiers", Identifiers},
          {"minidump_sha256_hash", MinidumpSha256}};
}

}  // namespace crashbox::processor
