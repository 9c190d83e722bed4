// SPDX-License-Identifier: MPL-2.0
// libFuzzer: a mutated dump (optionally "<sym text>\0" before it) is walked
// and printed in every format; a JSON output that is not strict UTF-8 JSON,
// a text output without its final newline, or any exception is a finding.
// Built only with -DCB_FUZZ=ON (preset fuzz). Seeds: /work/shared/corpus/dumps.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "app/stackwalk/output_check_internal.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string problem = crashbox::stackwalk::internal::CheckEveryOutput(
      std::string_view(reinterpret_cast<const char*>(data), size));
  if (!problem.empty()) {
    std::fprintf(stderr, "stackwalk_fuzz: %s\n", problem.c_str());
    std::abort();
  }
  return 0;
}
