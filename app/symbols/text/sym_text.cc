// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/text/sym_text_internal.h"

#include <charconv>
#include <limits>

namespace crashbox::symbols::internal {
namespace {

bool IsCSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
         c == '\r';
}
bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

// The shared front half of strtoull/strtol: whitespace, sign, 0x prefix and
// the digit run. Returns false when there are no digits.
bool ScanMagnitude(std::string_view s, int base, bool* negative, bool* overflow,
                   uint64_t* magnitude, size_t* end) {
  size_t i = 0;
  while (i < s.size() && IsCSpace(s[i])) ++i;
  *negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    *negative = s[i] == '-';
    ++i;
  }
  if (base == 16 && i + 2 < s.size() && s[i] == '0' &&
      (s[i + 1] | 0x20) == 'x' && IsHexDigit(s[i + 2])) {
    i += 2;
  }
  const char* first = s.data() + i;
  const char* last = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(first, last, *magnitude, base);
  if (ptr == first) return false;
  *overflow = ec == std::errc::result_out_of_range;
  *end = static_cast<size_t>(ptr - s.data());
  return true;
}

}  // namespace

CUnsigned ParseCUnsigned(std::string_view s, int base) {
  bool negative = false, overflow = false;
  uint64_t magnitude = 0;
  size_t end = 0;
  if (!ScanMagnitude(s, base, &negative, &overflow, &magnitude, &end))
    return {};
  if (overflow) return {std::numeric_limits<uint64_t>::max(), end};
  return {negative ? uint64_t{0} - magnitude : magnitude, end};
}

CSigned ParseCSigned(std::string_view s, int base) {
  bool negative = false, overflow = false;
  uint64_t magnitude = 0;
  size_t end = 0;
  if (!ScanMagnitude(s, base, &negative, &overflow, &magnitude, &end))
    return {};
  constexpr uint64_t kMax =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (negative) {
    if (overflow || magnitude > kMax + 1)
      return {std::numeric_limits<int64_t>::min(), end};
    return {static_cast<int64_t>(uint64_t{0} - magnitude), end};
  }
  if (overflow || magnitude > kMax)
    return {std::numeric_limits<int64_t>::max(), end};
  return {static_cast<int64_t>(magnitude), end};
}

std::string_view NextToken(std::string_view line, size_t* pos) {
  size_t i = *pos;
  while (i < line.size() && line[i] == ' ') ++i;
  size_t start = i;
  while (i < line.size() && line[i] != ' ') ++i;
  *pos = i;
  return line.substr(start, i - start);
}

bool Tokenize(std::string_view line, size_t max_tokens,
              std::vector<std::string_view>* tokens) {
  tokens->clear();
  size_t pos = 0;
  for (size_t k = 0; k + 1 < max_tokens; ++k) {
    std::string_view token = NextToken(line, &pos);
    if (token.empty()) return false;
    tokens->push_back(token);
  }
  std::string_view rest = RestAfter(line, pos);
  if (rest.empty()) return false;
  tokens->push_back(rest);
  return true;
}

bool TokenizeWithOptionalM(std::string_view line, size_t max_tokens,
                           std::vector<std::string_view>* tokens) {
  if (!Tokenize(line, max_tokens - 1, tokens)) return false;
  if (tokens->front() == "m") {
    std::string_view last = tokens->back();
    size_t pos = 0;
    std::string_view first = NextToken(last, &pos);
    std::string_view rest = RestAfter(last, pos);
    if (first.empty() || rest.empty()) return false;
    tokens->back() = first;
    tokens->push_back(rest);
  }
  return true;
}

}  // namespace crashbox::symbols::internal
