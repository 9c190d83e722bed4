// SPDX-License-Identifier: MPL-2.0
// Rules over the raw crash: clean it, copy annotations by the field table
// (app/report/fields.cc, the rows whose source is kAnnotation),
// and record identifiers (SOCORRO.md §2.3 rules 1-4, 6, 10, 11).
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "app/base/py_json.h"
#include "app/base/strings.h"
#include "app/processor/rule.h"
#include "app/report/processed_crash.h"

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
  report::Set(ctx.processed, report::kCrashReportKeys, keys);
  if (changed)
    ctx.notes.push_back("invalidkeys: Crash report contains invalid keys");
}

void CollectorMetadata(RuleContext& ctx) {
  auto it = ctx.raw.find(report::kCollectorMetadata.annotation());
  report::Set(ctx.processed, report::kCollectorMetadata,
              it != ctx.raw.end() && it->is_object() ? *it : json::object());
}

// Copies one annotation with the schema's conversion; false stops the rule,
// as Socorro's does when a string field gets a non-string (its rstrip raises).
bool CopyOne(RuleContext& ctx, const report::FieldSpec& spec,
             const json& value) {
  const std::string field(spec.name);
  if (spec.type == report::FieldType::kBoolean) {
    std::string v = base::ToLower(PyStr(value));
    if (v == "1" || v == "true")
      ctx.processed[field] = true;
    else if (v == "0" || v == "false")
      ctx.processed[field] = false;
    else
      ctx.notes.push_back(fmt::format("{} has non-boolean value {}",
                                      spec.annotation, PyStr(value)));
  } else if (spec.type == report::FieldType::kInteger) {
    // Python's int(): any size. Beyond 64 bits the nearest double is kept,
    // as JSON readers would read it.
    std::optional<json> n = value.is_number_integer()
                                ? std::optional<json>(value)
                                : base::PyIntFromText(PyStr(value));
    if (n && base::IsPyBigInt(*n))
      ctx.processed[field] = std::strtod(base::PyIntText(*n).c_str(), nullptr);
    else if (n)
      ctx.processed[field] = *n;
    else
      ctx.notes.push_back(
          fmt::format("{} has a non-int value", spec.annotation));
  } else if (spec.type == report::FieldType::kNumber) {
    std::optional<double> d = value.is_number()
                                  ? std::optional<double>(value.get<double>())
                                  : base::ParseDouble(base::Trim(PyStr(value)));
    if (d)
      ctx.processed[field] = *d;
    else
      ctx.notes.push_back(
          fmt::format("{} has a non-float value", spec.annotation));
  } else if (spec.type == report::FieldType::kObject) {
    // json.loads: Python's JSON (NaN, big integers), nesting bounded as
    // Python's recursion limit bounds it.
    Result<json> parsed =
        value.is_string()
            ? base::PyJsonLoads(value.get_ref<const std::string&>())
            : Result<json>(value);
    json obj = parsed.ok() ? std::move(parsed).value() : json();
    if (!obj.is_object()) {
      ctx.notes.push_back(
          fmt::format("{} value is malformed json", spec.annotation));
    } else {
      ctx.processed[field] = std::move(obj);
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
    ctx.processed[field] = std::move(v);
  }
  return true;
}

void CopyAnnotations(RuleContext& ctx) {
  for (const report::FieldSpec& spec : report::AllFields()) {
    if (spec.source != report::FieldSource::kAnnotation) continue;
    auto it = ctx.raw.find(std::string(spec.annotation));
    if (it == ctx.raw.end()) {
      if (!spec.default_json.empty())
        ctx.processed[std::string(spec.name)] = json::parse(spec.default_json);
      continue;
    }
    if (!CopyOne(ctx, spec, *it)) return;
  }
}

void Identifiers(RuleContext& ctx) {
  std::string id =
      ctx.raw.value(std::string(report::kUuid.annotation()), ctx.crash_id);
  report::Set(ctx.processed, report::kCrashId, id);
  report::Set(ctx.processed, report::kUuid, id);
}

void MinidumpSha256(RuleContext& ctx) {
  const std::string metadata(report::kMinidumpSha256Hash.annotation());
  const json* md = ctx.raw.contains(metadata) ? &ctx.raw[metadata] : nullptr;
  std::string sha;
  if (md && md->is_object() && md->contains("dump_checksums") &&
      (*md)["dump_checksums"].is_object()) {
    sha = (*md)["dump_checksums"].value("upload_file_minidump", "");
  }
  report::Set(ctx.processed, report::kMinidumpSha256Hash, sha);
}

}  // namespace

const std::string* RawString(const RuleContext& ctx, std::string_view key) {
  auto it = ctx.raw.find(std::string(key));
  return it != ctx.raw.end() && it->is_string()
             ? it->get_ptr<const std::string*>()
             : nullptr;
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
