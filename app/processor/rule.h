// SPDX-License-Identifier: MPL-2.0
// Processor rules: small, ordered steps that read the raw crash (and the
// processed crash built so far) and add fields to the processed crash, in the
// manner of Socorro's processor rules (SOCORRO.md §2.3). A rule never fails
// the crash: problems become notes. A rule that throws is caught by the
// pipeline, which adds "ruleset '<rs>' rule '<name>' failed: <kind>".
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/base/clock.h"
#include "app/base/py_str.h"
#include "app/report/fields.h"
#include "app/report/missing_module.h"
#include "app/stackwalk/walker.h"
#include "app/symbols/suppliers/symbol_supplier.h"
#include "store/crash_store.h"

namespace crashbox::processor {

class SignatureRunner;  // generates signatures (signature_rule.h)

// Everything a rule may read or write for one crash.
struct RuleContext {
  std::string crash_id;
  std::string ruleset;  // "default" or "regenerate_signature"
  nlohmann::json raw;   // the raw crash (rules may clean it)
  std::vector<store::Dump> dumps;
  nlohmann::json processed;  // the processed crash being built
  std::vector<std::string> notes;
  // Modules the walk of upload_file_minidump found no symbols for, with a
  // debug file and id (what a symbol upload can match).
  std::vector<report::MissingModule> missing_modules;
  // Services (not owned; may be null where a rule tolerates it).
  symbols::SymbolSupplier* symbols = nullptr;
  const base::Clock* clock = nullptr;
  const SignatureRunner* signatures = nullptr;
  stackwalk::WalkOptions walk;
  std::string stackwalk_version = "crashbox";
  // The whole crash must be processed before this point.
  std::chrono::steady_clock::time_point deadline =
      std::chrono::steady_clock::time_point::max();
};

struct Rule {
  const char* name;
  std::function<void(RuleContext&)> apply;
};

// Rule families (rules/*.cc); each returns its rules in Socorro's order.
std::vector<Rule> RawCrashRules();   // de-null ... minidump sha256
std::vector<Rule> StackwalkRules();  // stack walk, crashing thread, truncation
std::vector<Rule> CrashFactRules();  // versions, process type, dates and times
std::vector<Rule>
SystemAndStackRules();  // cpu, os, topmost files, modules, report type
std::vector<Rule> SignatureRules();  // signature generation

// The default ruleset in order, and the signature-only one.
const std::vector<Rule>& DefaultRuleset();
const std::vector<Rule>& RegenerateSignatureRuleset();

// Helpers shared by rules.
// The string value of raw[key], if present and a string.
const std::string* RawString(const RuleContext& ctx, std::string_view key);
// The same for the annotation `field` is read from (its table row's).
template <typename T>
const std::string* RawString(const RuleContext& ctx,
                             const report::Field<T>& field) {
  return RawString(ctx, field.annotation());
}
// Python's str() of a JSON value.
using base::PyStr;

}  // namespace crashbox::processor
