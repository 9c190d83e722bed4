// SPDX-License-Identifier: MPL-2.0
// The ordered rule pipeline (SOCORRO.md §3.2). Order matters: later rules wrap
// or replace what earlier ones produced ("Abort | <msg> | OOM | large | ...").
#include <exception>

#include <fmt/format.h>

#include "app/signature/rules/rules.h"
#include "app/signature/signature.h"

namespace crashbox::signature {
namespace rules {

void RuleContext::Note(std::string_view text) const {
  result.notes.push_back(fmt::format("{}: {}", rule, text));
}

void RuleContext::Debug(std::string_view text) const {
  result.debug.push_back(fmt::format("{}: {}", rule, text));
}

void RuleContext::SetSignature(std::string signature) const {
  Debug(fmt::format("change: \"{}\" -> \"{}\"", result.signature, signature));
  result.signature = std::move(signature);
}

bool Always(const RuleContext&) { return true; }

const std::vector<Rule>& DefaultRules() {
  static const std::vector<Rule> kRules = {
      {"SignatureGenerationRule", false, Always, SignatureGenerationAction},
      {"StackwalkerErrorSignatureRule", false, StackwalkerErrorPredicate,
       StackwalkerErrorAction},
      {"BadHardware", false, BadHardwarePredicate, BadHardwareAction},
      {"OOMSignature", false, OomPredicate, OomAction},
      {"AbortSignature", false, AbortPredicate, AbortAction},
      {"SignatureShutdownTimeout", true, ShutdownTimeoutPredicate,
       ShutdownTimeoutAction},
      {"SignatureRunWatchDog", true, RunWatchDogPredicate, RunWatchDogAction},
      {"SignatureIPCChannelError", true, IpcChannelErrorPredicate,
       IpcChannelErrorAction},
      {"SignatureIPCMessageName", true, IpcMessageNamePredicate,
       IpcMessageNameAction},
      {"StackOverflowSignature", false, StackOverflowPredicate,
       StackOverflowAction},
      {"HungProcess", false, HungProcessPredicate, HungProcessAction},
      {"SigPrintableCharsOnly", false, Always, PrintableCharsOnlyAction},
      {"SigFixWhitespace", false, Always, FixWhitespaceAction},
      {"SigTruncate", false, TruncatePredicate, TruncateAction},
  };
  return kRules;
}

}  // namespace rules

SignatureGenerator::SignatureGenerator(std::shared_ptr<const Siglists> lists,
                                       SignatureOptions options)
    : lists_(std::move(lists)), options_(options) {
  CB_CHECK(lists_ != nullptr);
}

SignatureResult SignatureGenerator::Generate(
    const nlohmann::json& crash_data) const {
  static const nlohmann::json kEmpty = nlohmann::json::object();
  const nlohmann::json& crash = crash_data.is_object() ? crash_data : kEmpty;
  SignatureResult result;
  for (const rules::Rule& rule : rules::DefaultRules()) {
    if (rule.mozilla_only && !options_.mozilla_rules) continue;
    rules::RuleContext ctx{crash, *lists_, result, rule.name};
    // A rule that trips over odd input must not cost the crash its signature;
    // Socorro catches everything here too.
    std::string before = result.signature;
    try {
      if (rule.predicate(ctx)) rule.action(ctx);
    } catch (const std::exception& e) {
      result.signature = std::move(before);
      ctx.Note(fmt::format("Rule failed: {}", e.what()));
    }
  }
  return result;
}

}  // namespace crashbox::signature
