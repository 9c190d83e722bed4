// SPDX-License-Identifier: MPL-2.0
// Python's str methods over UTF-8 text, where Socorro's Python code relies on
// their Unicode behaviour: str.lower(), str.strip(), str.splitlines(),
// str.isprintable() (for repr) and the decimal digits int() and re's \d
// accept. The tables come from Python's unicodedata
// (tools/gen_py_unicode.py), so they match the Python Socorro runs on.
//
// Text is UTF-8; a lone surrogate (which Python's json.loads accepts from a
// "\ud800" escape) is held in its 3-byte form (ED A0 80 .. ED BF BF), as
// WTF-8 does. Bytes that are not UTF-8 decode one by one to values above
// U+10FFFF (no Unicode property) and encode back unchanged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace crashbox::base {

// Decodes the code point at `s[*i]` and advances `*i`.
char32_t NextCodePoint(std::string_view s, size_t* i);
void AppendCodePoint(std::string* out, char32_t cp);

bool PyIsSpace(char32_t cp);      // str.isspace()
bool PyIsPrintable(char32_t cp);  // str.isprintable()
// The value 0-9 of a decimal digit (category Nd), or -1.
int PyDecimalValue(char32_t cp);

std::string PyLower(std::string_view s);                         // str.lower()
std::string_view PyStrip(std::string_view s);                    // str.strip()
std::vector<std::string_view> PySplitLines(std::string_view s);  // splitlines()
// Python's int() preprocessing: every Unicode decimal digit becomes its ASCII
// digit and every Unicode space an ASCII space; other text is kept.
std::string PyAsciiDigitsAndSpaces(std::string_view s);

}  // namespace crashbox::base
