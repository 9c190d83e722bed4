// SPDX-License-Identifier: MPL-2.0
#include "app/auth/secrets.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdint>
#include <vector>

#include "app/base/check.h"

namespace crashbox::auth {
namespace {

constexpr uint32_t kTimeCost = 2;
constexpr uint32_t kMemoryKiB = 19 * 1024;
constexpr uint32_t kLanes = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[p[i] >> 4];
    out[2 * i + 1] = kDigits[p[i] & 15];
  }
  return out;
}

}  // namespace

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  CB_CHECK(RAND_bytes(buf.data(), static_cast<int>(buf.size())) == 1);
  return Hex(buf.data(), buf.size());
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string HmacSha256Hex(std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  CB_CHECK(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
                reinterpret_cast<const unsigned char*>(message.data()),
                message.size(), out, &n) != nullptr);
  return Hex(out, n);
}

std::string DigestHex(std::string_view secret) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  CB_CHECK(EVP_Digest(secret.data(), secret.size(), out, &n, EVP_sha256(),
                      nullptr) == 1);
  return Hex(out, n);
}

Result<std::string> HashPassword(std::string_view password) {
  if (password.size() > kMaxPasswordBytes)
    return Status::InvalidArgument("password longer than 1024 bytes");
  unsigned char salt[kSaltBytes];
  CB_CHECK(RAND_bytes(salt, sizeof salt) == 1);
  size_t len = argon2_encodedlen(kTimeCost, kMemoryKiB, kLanes, kSaltBytes,
                                 kHashBytes, Argon2_id);
  std::string encoded(len, '\0');
  int rc = argon2id_hash_encoded(kTimeCost, kMemoryKiB, kLanes, password.data(),
                                 password.size(), salt, sizeof salt, kHashBytes,
                                 encoded.data(), len);
  if (rc != ARGON2_OK)
    return Status::IoError(std::string("argon2: ") + argon2_error_message(rc));
  encoded.resize(encoded.find('\0'));
  return encoded;
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  if (encoded.empty() || password.size() > kMaxPasswordBytes) return false;
  if (encoded.substr(0, 10) != "$argon2id$") return false;
  std::string e(encoded);  // argon2 wants a NUL-terminated string
  return argon2id_verify(e.c_str(), password.data(), password.size()) ==
         ARGON2_OK;
}

}  // namespace crashbox::auth
