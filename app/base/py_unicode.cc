// SPDX-License-Identifier: MPL-2.0
#include "app/base/py_unicode.h"

#include <algorithm>
#include <iterator>

namespace crashbox::base {
namespace {

struct CodeRange {
  char32_t first, last;
};

#include "app/base/py_unicode_tables.inc"

template <size_t N>
bool InRanges(const CodeRange (&table)[N], char32_t cp) {
  auto it = std::upper_bound(
      std::begin(table), std::end(table), cp,
      [](char32_t c, const CodeRange& r) { return c < r.first; });
  return it != std::begin(table) && cp <= std::prev(it)->last;
}

// A byte that is not UTF-8 decodes to this plus the byte, above Unicode, so
// that encoding writes it back unchanged.
constexpr char32_t kEscapedByte = 0x110000;

bool IsCased(char32_t cp) {
  // Enough for the final-sigma rule: a letter with a case mapping either way.
  auto it = std::lower_bound(
      std::begin(kLower), std::end(kLower), cp,
      [](const LowerMap& m, char32_t c) { return m.from < c; });
  if (it != std::end(kLower) && it->from == cp) return true;
  return std::any_of(std::begin(kLower), std::end(kLower),
                     [cp](const LowerMap& m) { return m.to == cp; });
}

}  // namespace

char32_t NextCodePoint(std::string_view s, size_t* i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b0 = byte(*i);
  int len = b0 < 0x80         ? 1
            : (b0 >> 5) == 6  ? 2
            : (b0 >> 4) == 14 ? 3
            : (b0 >> 3) == 30 ? 4
                              : 0;
  if (len == 1) {
    ++*i;
    return b0;
  }
  if (len == 0 || *i + len > s.size()) {
    ++*i;
    return kEscapedByte + b0;
  }
  char32_t cp = b0 & (0x7F >> len);
  for (int k = 1; k < len; ++k) {
    unsigned char b = byte(*i + k);
    if ((b & 0xC0) != 0x80) {
      ++*i;
      return kEscapedByte + b0;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF) {
    ++*i;
    return kEscapedByte + b0;
  }
  *i += len;
  return cp;
}

void AppendCodePoint(std::string* out, char32_t cp) {
  if (cp >= kEscapedByte) {
    out->push_back(static_cast<char>(cp - kEscapedByte));
  } else if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool PyIsSpace(char32_t cp) { return InRanges(kSpace, cp); }
bool PyIsPrintable(char32_t cp) { return !InRanges(kNotPrintable, cp); }

int PyDecimalValue(char32_t cp) {
  auto it =
      std::upper_bound(std::begin(kDigitZeros), std::end(kDigitZeros), cp);
  if (it == std::begin(kDigitZeros)) return -1;
  char32_t zero = *std::prev(it);
  return cp - zero < 10 ? static_cast<int>(cp - zero) : -1;
}

std::string PyLower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool prev_cased = false;
  for (size_t i = 0; i < s.size();) {
    char32_t cp = NextCodePoint(s, &i);
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
      prev_cased = (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
      continue;
    }
    if (cp == 0x3A3) {  // Σ: final sigma at the end of a word
      size_t j = i;
      bool next_cased = j < s.size() && IsCased(NextCodePoint(s, &j));
      AppendCodePoint(&out, prev_cased && !next_cased ? 0x3C2 : 0x3C3);
      prev_cased = true;
      continue;
    }
    if (cp == kLowerSpecial[0].from) {
      for (char32_t c : kLowerSpecial[0].to)
        if (c != 0) AppendCodePoint(&out, c);
      prev_cased = true;
      continue;
    }
    auto it = std::lower_bound(
        std::begin(kLower), std::end(kLower), cp,
        [](const LowerMap& m, char32_t c) { return m.from < c; });
    bool mapped = it != std::end(kLower) && it->from == cp;
    AppendCodePoint(&out, mapped ? it->to : cp);
    prev_cased = mapped || IsCased(cp);
  }
  return out;
}

std::string_view PyStrip(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size()) {
    size_t next = begin;
    if (!PyIsSpace(NextCodePoint(s, &next))) break;
    begin = next;
  }
  size_t end = begin;
  for (size_t i = begin; i < s.size();) {
    bool space = PyIsSpace(NextCodePoint(s, &i));
    if (!space) end = i;
  }
  return s.substr(begin, end - begin);
}

std::vector<std::string_view> PySplitLines(std::string_view s) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < s.size();) {
    size_t at = i;
    char32_t cp = NextCodePoint(s, &i);
    bool is_break = cp == '\n' || cp == '\r' || cp == 0x0B || cp == 0x0C ||
                    (cp >= 0x1C && cp <= 0x1E) || cp == 0x85 || cp == 0x2028 ||
                    cp == 0x2029;
    if (!is_break) continue;
    lines.push_back(s.substr(start, at - start));
    if (cp == '\r' && i < s.size() && s[i] == '\n') ++i;
    start = i;
  }
  if (start < s.size()) lines.push_back(s.substr(start));
  return lines;
}

std::string PyAsciiDigitsAndSpaces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t cp = NextCodePoint(s, &i);
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (int d = PyDecimalValue(cp); d >= 0) {
      out.push_back(static_cast<char>('0' + d));
    } else if (PyIsSpace(cp)) {
      out.push_back(' ');
    } else {
      AppendCodePoint(&out, cp);
    }
  }
  return out;
}

}  // namespace crashbox::base
