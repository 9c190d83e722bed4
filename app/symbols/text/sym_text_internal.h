// SPDX-License-Identifier: MPL-2.0
// Internal to app/symbols/text: Breakpad-compatible lexing of .sym lines.
// Breakpad tokenizes with strtok_r and reads numbers with strtoull/strtol; its
// quirks decide which lines are accepted, so these helpers reproduce them
// exactly (leading whitespace and signs accepted, "0x" prefixes in hex fields,
// saturation on overflow, the last field taking the rest of the line).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace crashbox::symbols::internal {

// strtoull(s, &end, base) on the token `s`. `end` is the index where parsing
// stopped; 0 when no digits were found (strtoull leaves end at the start).
struct CUnsigned {
  uint64_t value = 0;
  size_t end = 0;
};
CUnsigned ParseCUnsigned(std::string_view s, int base);

// strtol(s, &end, base) with a 64-bit long.
struct CSigned {
  int64_t value = 0;
  size_t end = 0;
};
CSigned ParseCSigned(std::string_view s, int base);

// Breakpad's IsValidAfterNumber: the number ended at the end of the token or
// before one of " \r\n".
inline bool ValidAfterNumber(std::string_view token, size_t end) {
  return end >= token.size() || token[end] == ' ' || token[end] == '\r' ||
         token[end] == '\n';
}

// Breakpad's Tokenize(line, " \r\n", max_tokens): up to max_tokens-1
// space-separated tokens, then the rest of the line after the separator that
// ended the last one. Returns true when exactly max_tokens were produced;
// `tokens` holds whatever was collected either way. `line` holds no \r or \n.
bool Tokenize(std::string_view line, size_t max_tokens,
              std::vector<std::string_view>* tokens);

// Breakpad's TokenizeWithOptionalField(line, "m", ..., max_tokens).
bool TokenizeWithOptionalM(std::string_view line, size_t max_tokens,
                           std::vector<std::string_view>* tokens);

// strtok_r(…, " \r\n") step: the next space-separated token at or after *pos
// (empty when none); *pos ends on the separator after it (or at the end).
std::string_view NextToken(std::string_view line, size_t* pos);
// strtok_r(NULL, "\r\n") after NextToken: the rest after the separator at
// `pos`; empty when nothing is left.
inline std::string_view RestAfter(std::string_view line, size_t pos) {
  return pos < line.size() ? line.substr(pos + 1) : std::string_view();
}

}  // namespace crashbox::symbols::internal
