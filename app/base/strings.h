// SPDX-License-Identifier: MPL-2.0
// Small string helpers used across modules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crashbox::base {

std::string_view Trim(std::string_view s);
std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix);
std::vector<std::string_view> Split(std::string_view s, char sep);
// Strict decimal parse of the whole string (no sign, no spaces); nullopt on
// junk or overflow.
std::optional<uint64_t> ParseUint(std::string_view s);
std::optional<int64_t> ParseInt(std::string_view s);
std::optional<double> ParseDouble(std::string_view s);
// "25MiB", "250m", "1g", "4096" → bytes (binary multiples); nullopt on junk.
std::optional<uint64_t> ParseByteSize(std::string_view s);
// True when `s` is valid UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);
// `s` as valid UTF-8: every maximal invalid subsequence becomes one U+FFFD
// (EF BF BD), as Rust's String::from_utf8_lossy (and so rust-minidump) does:
// the "substitution of maximal subparts" of Unicode 15 §3.9 / WHATWG
// Encoding. A maximal subpart is a lead byte plus the continuation bytes that
// still fit one of Table 3-7's well-formed sequences, so "\xF0\x90\x80X" gives
// one U+FFFD then "X", while an overlong "\xC0\x80", a surrogate
// "\xED\xA0\x80" and each of 0x80-0xC1, 0xF5-0xFF give one U+FFFD per byte.
// Valid input comes back unchanged.
std::string Utf8Lossy(std::string_view s);
// The length of the well-formed UTF-8 sequence at `p` (n >= 1 bytes; 1 for
// ASCII), or 0 when it is ill-formed, `*bad` then being the length of its
// maximal subpart (at least 1), which Utf8Lossy replaces by one U+FFFD
// (Unicode Table 3-7 and §3.9).
size_t WellFormedUtf8Length(const unsigned char* p, size_t n, size_t* bad);
// Length of the valid UTF-8 prefix of `s` (s.size() when all of it is valid).
size_t ValidUtf8Prefix(std::string_view s);
std::string HexEncode(std::string_view bytes);
// RFC 3986 percent-encoding of everything but unreserved characters (a
// query-string key or value).
std::string PercentEncode(std::string_view s);

}  // namespace crashbox::base
