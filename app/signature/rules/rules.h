// SPDX-License-Identifier: MPL-2.0
// Internal to app/signature: the rule interface and every rule's predicate and
// action, one .cc per rule family. generator.cc orders them (SOCORRO.md §3.2).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/signature/signature.h"

namespace crashbox::signature::rules {

// What a rule sees. `crash` is read-only; the rule edits `result`.
struct RuleContext {
  const nlohmann::json& crash;
  const Siglists& lists;
  SignatureResult& result;
  std::string_view rule;  // bare rule name, prefixes notes

  void Note(std::string_view text) const;
  void Debug(std::string_view text) const;
  // Replaces the signature and records the change in the debug log.
  void SetSignature(std::string signature) const;
};

// A rule may throw (wrongly typed input); the generator turns that into the
// note "<Rule>: Rule failed: <what>" and keeps the previous signature.
struct Rule {
  std::string_view name;
  bool mozilla_only;  // skipped unless SignatureOptions::mozilla_rules
  bool (*predicate)(const RuleContext&);
  void (*action)(const RuleContext&);
};

// The pipeline, in order (generator.cc).
const std::vector<Rule>& DefaultRules();

bool Always(const RuleContext&);

// What a stack tool returns: Socorro's (signature, notes, debug_notes).
struct StackSignature {
  std::string signature;
  std::vector<std::string> notes;
  std::vector<std::string> debug;
};

// c_signature.cc ------------------------------------------------------------
// get_crashing_thread: int(crashing_thread), 0 when absent, None or not a
// number; an int of any size. Throws PyError for an infinite float.
nlohmann::json CrashingThread(const nlohmann::json& crash);
// glom(crash, "threads.<index>", default={}): the thread (any JSON value), or
// the empty dict when there is none at that index.
const nlohmann::json& ThreadAt(const nlohmann::json& crash,
                               const nlohmann::json& index);
// CSignatureTool.generate over normalized frames; `crashing_thread` is the
// index as Python prints it.
StackSignature GenerateFromFrames(const std::vector<std::string>& frames,
                                  std::optional<std::string> crashing_thread,
                                  const Siglists& lists);
// SignatureGenerationRule: Java or C/C++/Rust. `thread_override` replaces
// crashing_thread (SignatureRunWatchDog uses thread 0).
void SignatureGeneration(const RuleContext& ctx,
                         std::optional<long long> thread_override);
void SignatureGenerationAction(const RuleContext& ctx);

// java.cc -------------------------------------------------------------------
StackSignature JavaSignature(const nlohmann::json& java_stack_trace);
StackSignature JavaExceptionSignature(const nlohmann::json& java_exception);

// wrappers.cc: rules that add a marker around the stack signature ------------
bool StackwalkerErrorPredicate(const RuleContext& ctx);
void StackwalkerErrorAction(const RuleContext& ctx);
bool BadHardwarePredicate(const RuleContext& ctx);
void BadHardwareAction(const RuleContext& ctx);
bool StackOverflowPredicate(const RuleContext& ctx);
void StackOverflowAction(const RuleContext& ctx);
bool HungProcessPredicate(const RuleContext& ctx);
void HungProcessAction(const RuleContext& ctx);

// oom.cc: out-of-memory and abort-message rules -------------------------------
inline constexpr long long kOomSmallMaxBytes = 262144;
bool OomPredicate(const RuleContext& ctx);
void OomAction(const RuleContext& ctx);
bool AbortPredicate(const RuleContext& ctx);
void AbortAction(const RuleContext& ctx);
// The abort message as it appears in "Abort | <msg> | <sig>"; nullopt for the
// bare "###!!! ABORT: file " form (signature becomes "Abort | <sig>").
std::optional<std::string> CleanAbortMessage(std::string_view message);

// mozilla.cc: rules keyed on Firefox-only annotations
// --------------------------
bool ShutdownTimeoutPredicate(const RuleContext& ctx);
void ShutdownTimeoutAction(const RuleContext& ctx);
bool RunWatchDogPredicate(const RuleContext& ctx);
void RunWatchDogAction(const RuleContext& ctx);
bool IpcChannelErrorPredicate(const RuleContext& ctx);
void IpcChannelErrorAction(const RuleContext& ctx);
bool IpcMessageNamePredicate(const RuleContext& ctx);
void IpcMessageNameAction(const RuleContext& ctx);

// cleanup.cc: final text fix-ups
// -----------------------------------------------
void PrintableCharsOnlyAction(const RuleContext& ctx);
void FixWhitespaceAction(const RuleContext& ctx);
bool TruncatePredicate(const RuleContext& ctx);
void TruncateAction(const RuleContext& ctx);

}  // namespace crashbox::signature::rules
