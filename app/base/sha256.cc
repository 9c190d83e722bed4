// SPDX-License-Identifier: MPL-2.0
#include "app/base/sha256.h"

#include <openssl/evp.h>

namespace crashbox::base {

struct Sha256::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  CB_CHECK(state_->ctx != nullptr);
  CB_CHECK(EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) == 1);
}
Sha256::~Sha256() = default;

void Sha256::Update(ByteView data) {
  CB_CHECK(EVP_DigestUpdate(state_->ctx, data.data(), data.size()) == 1);
}

std::string Sha256::FinishHex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  CB_CHECK(EVP_DigestFinal_ex(state_->ctx, md, &len) == 1);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

std::string Sha256Hex(ByteView data) {
  Sha256 h;
  h.Update(data);
  return h.FinishHex();
}

}  // namespace crashbox::base
