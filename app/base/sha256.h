// SPDX-License-Identifier: MPL-2.0
// SHA-256 (OpenSSL) as lowercase hex, as Antenna's dump_checksums.
#pragma once

#include <memory>
#include <string>

#include "app/base/byte_reader.h"

namespace crashbox::base {

std::string Sha256Hex(ByteView data);

// Incremental form. Not thread-safe.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(ByteView data);
  std::string FinishHex();  // lowercase hex; the object is spent afterwards

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace crashbox::base
