// SPDX-License-Identifier: MPL-2.0
// libFuzzer: the signature generator fed with crash data. The input is read
// as the CLI reads it (Python's json.loads, exact values), then signed twice:
// with the built-in lists and with Socorro's rules on. Any JSON shape must
// give a result, never a crash, a hang or unbounded memory.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "app/base/py_json.h"
#include "app/signature/signature.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace crashbox;
  static const signature::SignatureGenerator plain(
      signature::DefaultSiglists());
  static const signature::SignatureGenerator mozilla(
      signature::DefaultSiglists(), {.mozilla_rules = true});
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<nlohmann::json> crash = base::PyJsonLoads(text, {.exact = true});
  if (!crash.ok()) return 0;
  signature::SignatureResult a = plain.Generate(*crash);
  signature::SignatureResult b = mozilla.Generate(*crash);
  // The clean-up rules always run: the result is printable ASCII, at most
  // 255 characters.
  for (const std::string* s : {&a.signature, &b.signature}) {
    if (s->size() > signature::kSignatureMaxLength) __builtin_trap();
    for (char c : *s)
      if (c < 32 || c > 126) __builtin_trap();
  }
  return 0;
}
