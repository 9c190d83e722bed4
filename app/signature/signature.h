// SPDX-License-Identifier: MPL-2.0
// Signature generation: Socorro's siggen (SOCORRO.md §3) in C++. Given one
// crash as Socorro's "crash data" JSON it returns the signature that groups
// the crash with its siblings ("OOM | small", "libc.so | raise | foo::bar").
//
// Input (every key optional; missing and null are the same):
//   os, crashing_thread, threads[].frames[] {module, function, file, line,
//   module_offset, offset, inlines[], unloaded_modules[]}, reason,
//   mdsw_status_string, oom_allocation_size, js_large_allocation_failure,
//   abort_message, hang, async_shutdown_timeout, ipc_channel_error,
//   ipc_message_name, additional_minidumps[], java_stack_trace, java_exception.
//
// The rules run in Socorro's order (generator.cc has the table; README.md
// lists what is implemented, skipped, and why). A rule that fails on odd input
// adds the note "<Rule>: Rule failed: <what>" and leaves the signature as it
// was; Generate() itself never fails.
//
// Conformance: loaded with Socorro's own lists (LoadSiglists) and
// Options::mozilla_rules = true, the signature equals Socorro's for the same
// crash data. Notes and debug texts follow Socorro's wording but are not a
// compatibility surface.
//
// Thread-safety: a SignatureGenerator is immutable; Generate() may run
// concurrently from any number of threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/signature/siglists.h"

namespace crashbox::signature {

inline constexpr size_t kSignatureMaxLength = 255;

struct SignatureResult {
  std::string signature;
  // "<RuleName>: <text>": become processor notes.
  std::vector<std::string> notes;
  // "<RuleName>: <text>": stored as signature_debug.
  std::vector<std::string> debug;
  // proto_signature (string) and normalized_frames (array of strings) when the
  // C/C++/Rust tool produced a non-empty normalized frame list; else {}.
  nlohmann::json extra = nlohmann::json::object();
};

struct SignatureOptions {
  // Run the rules keyed on Firefox-only annotations (SignatureShutdownTimeout,
  // SignatureRunWatchDog, SignatureIPCChannelError, SignatureIPCMessageName).
  // They are inert for crashes without those annotations; turn on for Socorro
  // conformance or when the product is Gecko-based.
  bool mozilla_rules = false;
};

class SignatureGenerator {
 public:
  // `lists` must not be null (DefaultSiglists() or LoadSiglists()).
  explicit SignatureGenerator(std::shared_ptr<const Siglists> lists,
                              SignatureOptions options = {});

  SignatureResult Generate(const nlohmann::json& crash_data) const;

  const Siglists& lists() const { return *lists_; }
  const SignatureOptions& options() const { return options_; }

 private:
  std::shared_ptr<const Siglists> lists_;
  SignatureOptions options_;
};

}  // namespace crashbox::signature
