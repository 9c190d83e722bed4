// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/eval/cfi_rules.h"

#include <fmt/format.h>

namespace crashbox::symbols {
namespace {

bool IsRuleBreak(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

}  // namespace

bool CfiRules::Apply(std::string_view rule_set) {
  std::string name;
  std::string expression;
  auto report = [&]() {
    if (name.empty() || expression.empty()) return false;
    if (name == ".cfa") {
      cfa_rule_ = expression;
    } else if (name == ".ra") {
      ra_rule_ = expression;
    } else {
      register_rules_[name] = expression;
    }
    return true;
  };
  size_t i = 0;
  for (;;) {
    while (i < rule_set.size() && IsRuleBreak(rule_set[i])) ++i;
    if (i == rule_set.size()) return report();
    size_t start = i;
    while (i < rule_set.size() && !IsRuleBreak(rule_set[i])) ++i;
    std::string_view token = rule_set.substr(start, i - start);
    if (token.back() == ':') {
      if (token.size() < 2) return false;  // names can't be empty
      if (!name.empty() || !expression.empty()) {
        if (!report()) return false;
      }
      name.assign(token.substr(0, token.size() - 1));
      expression.clear();
    } else {
      if (!expression.empty()) expression += ' ';
      expression += token;
    }
  }
}

Result<RegisterMap> CfiRules::FindCallerRegs(const RegisterMap& callee,
                                             const MemoryReader* memory,
                                             ValueWidth width) const {
  if (cfa_rule_.empty() || ra_rule_.empty()) {
    return Status::NotFound("cfi rules lack .cfa or .ra");
  }
  RegisterMap working = callee;
  PostfixEvaluator evaluator(&working, memory, width);
  CB_ASSIGN_OR_RETURN(uint64_t cfa, evaluator.EvaluateForValue(cfa_rule_));
  // Each rule sees the callee's registers plus .cfa, never another rule's
  // assignments.
  working = callee;
  working[".cfa"] = cfa;
  CB_ASSIGN_OR_RETURN(uint64_t ra, evaluator.EvaluateForValue(ra_rule_));
  RegisterMap caller;
  for (const auto& [name, rule] : register_rules_) {
    working = callee;
    working[".cfa"] = cfa;
    Result<uint64_t> value = evaluator.EvaluateForValue(rule);
    if (value.ok()) caller[name] = *value;
  }
  caller[".ra"] = ra;
  caller[".cfa"] = cfa;
  return caller;
}

std::string CfiRules::Serialize() const {
  std::string out;
  auto add = [&out](std::string_view name, const std::string& rule) {
    if (rule.empty()) return;
    if (!out.empty()) out += ' ';
    out += fmt::format("{}: {}", name, rule);
  };
  add(".cfa", cfa_rule_);
  add(".ra", ra_rule_);
  for (const auto& [name, rule] : register_rules_) add(name, rule);
  return out;
}

}  // namespace crashbox::symbols
