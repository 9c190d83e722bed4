// SPDX-License-Identifier: MPL-2.0
// The secrets of authentication: random keys, password hashes (Argon2id,
// libargon2), keyed digests (HMAC-SHA-256) and constant-time comparison
// (OpenSSL).
#pragma once

#include <string>
#include <string_view>

#include "app/base/status.h"

namespace crashbox::auth {

// `bytes` random bytes from the kernel's CSPRNG as lowercase hex.
std::string RandomHex(size_t bytes);

// Equal without an early exit: the time taken does not depend on where the
// first difference is (lengths are compared openly).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// HMAC-SHA-256 of `message` under `key`, lowercase hex.
std::string HmacSha256Hex(std::string_view key, std::string_view message);
// SHA-256, lowercase hex: how tokens and session ids are stored.
std::string DigestHex(std::string_view secret);

// Argon2id in its PHC string form ($argon2id$v=19$m=...,t=...,p=...$salt$
// hash), with a fresh random salt and OWASP's parameters (19 MiB, 2 passes,
// 1 lane: ~20 ms on this machine's cores).
Result<std::string> HashPassword(std::string_view password);
// Whether `password` matches `encoded` (a HashPassword result). False for
// an empty or malformed `encoded` (an account without a password).
bool VerifyPassword(std::string_view encoded, std::string_view password);

// Passwords longer than this are refused before hashing (a megabyte
// password would cost the server and gains nothing).
inline constexpr size_t kMaxPasswordBytes = 1024;
// At least this many characters for a new password.
inline constexpr size_t kMinPasswordBytes = 8;

}  // namespace crashbox::auth
