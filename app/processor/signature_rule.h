// SPDX-License-Identifier: MPL-2.0
// SignatureRunner: the processor's bridge to app/signature. Builds Socorro's
// "crash data" from a processed crash (convert_to_crash_data, SOCORRO.md
// §3.1) and applies the result (signature, proto_signature,
// signature_debug, notes). Thread-safe.
#pragma once

#include <memory>

#include <nlohmann/json.hpp>

#include "app/signature/signature.h"

namespace crashbox::processor {

nlohmann::json CrashDataFromProcessed(const nlohmann::json& processed);

class SignatureRunner {
 public:
  explicit SignatureRunner(
      std::shared_ptr<const signature::SignatureGenerator> generator)
      : generator_(std::move(generator)) {}
  // Signs a processed crash.
  signature::SignatureResult Run(const nlohmann::json& processed) const {
    return generator_->Generate(CrashDataFromProcessed(processed));
  }
  const signature::SignatureGenerator& generator() const { return *generator_; }

 private:
  std::shared_ptr<const signature::SignatureGenerator> generator_;
};

}  // namespace crashbox::processor
