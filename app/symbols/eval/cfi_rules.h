// SPDX-License-Identifier: MPL-2.0
// CfiRules: the register recovery rules in effect at one address, built from
// a STACK CFI INIT rule set plus the STACK CFI deltas up to the address, and
// their evaluation (Breakpad's CFIFrameInfo + CFIRuleParser).
//
// A rule set is "<name>: <expression> <name>: <expression> ...", where a name
// is a token ending in ':' (".cfa", ".ra", "$rbp", "x29"), and an expression
// is every token up to the next name. Later rules for a name replace earlier
// ones, which is how deltas accumulate over the INIT record.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "app/base/status.h"
#include "app/symbols/eval/postfix_eval.h"

namespace crashbox::symbols {

class CfiRules {
 public:
  // Applies a rule set. Returns false when it is malformed (empty, a bare ':',
  // a name without an expression, an expression without a name); rules parsed
  // before the fault stay applied, as in Breakpad.
  bool Apply(std::string_view rule_set);

  const std::string& cfa_rule() const { return cfa_rule_; }
  const std::string& ra_rule() const { return ra_rule_; }
  // Rules for other registers, by name (e.g. "$rbp" → ".cfa -16 + ^").
  const std::map<std::string, std::string>& register_rules() const {
    return register_rules_;
  }

  // Computes the caller's registers from the callee's (CFIFrameInfo::
  // FindCallerRegs): the CFA from `callee`, then ".ra" and every register rule
  // with ".cfa" defined. The result holds ".cfa", ".ra" and each register
  // whose rule evaluated; a register rule that fails is left out. Fails
  // (kNotFound) when the rules lack .cfa or .ra, or with the evaluator's
  // status when either of those fails.
  Result<RegisterMap> FindCallerRegs(const RegisterMap& callee,
                                     const MemoryReader* memory,
                                     ValueWidth width) const;

  // ".cfa: <expr> .ra: <expr> <reg>: <expr> ..." (registers in name order).
  std::string Serialize() const;

 private:
  std::string cfa_rule_;
  std::string ra_rule_;
  std::map<std::string, std::string> register_rules_;
};

}  // namespace crashbox::symbols
