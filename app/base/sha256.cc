// SPDX-License-Identifier: MPL-2.0
#include "app/base/sha256.h"

// OpenSSL's SHA256_* functions rather than EVP: the same assembly (SHA-NI,
// AVX2), without EVP's provider machinery, which a static link would bring
// whole (some 300 KiB of relocated tables that every process start pays for;
// see docs/decisions.md). They are deprecated since OpenSSL 3.0, not removed.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

namespace crashbox::base {

struct Sha256::State {
  SHA256_CTX ctx;
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  CB_CHECK(SHA256_Init(&state_->ctx) == 1);
}
Sha256::~Sha256() = default;

void Sha256::Update(ByteView data) {
  CB_CHECK(SHA256_Update(&state_->ctx, data.data(), data.size()) == 1);
}

std::string Sha256::FinishHex() {
  unsigned char md[SHA256_DIGEST_LENGTH];
  CB_CHECK(SHA256_Final(md, &state_->ctx) == 1);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char b : md) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

std::string Sha256Hex(ByteView data) {
  Sha256 h;
  h.Update(data);
  return h.FinishHex();
}

}  // namespace crashbox::base
