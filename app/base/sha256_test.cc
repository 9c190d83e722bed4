// SPDX-License-Identifier: MPL-2.0
#include "app/base/sha256.h"

#include <string>

#include <gtest/gtest.h>

namespace crashbox::base {
namespace {

ByteView Bytes(std::string_view s) { return AsBytes(s); }

TEST(Sha256Test, KnownAnswers) {  // FIPS 180-2 examples
  EXPECT_EQ(Sha256Hex(Bytes("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex(Bytes("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(Bytes(
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, IncrementalEqualsOneShot) {
  std::string data(1 << 20, '\0');
  for (size_t i = 0; i < data.size(); ++i)
    data[i] = static_cast<char>(i * 131 + (i >> 9));
  Sha256 h;
  for (size_t at = 0; at < data.size(); at += 4093) {
    h.Update(Bytes(data.substr(at, 4093)));
  }
  EXPECT_EQ(h.FinishHex(), Sha256Hex(Bytes(data)));
}

}  // namespace
}  // namespace crashbox::base
