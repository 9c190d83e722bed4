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
std::string HexEncode(std::string_view bytes);

}  // namespace crashbox::base
