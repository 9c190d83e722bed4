// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/suppliers/upstream_supplier.h"

#include <gtest/gtest.h>

namespace crashbox::symbols {
namespace {

TEST(UpstreamUrl, OnlyHttpAndHttpsWithAHost) {
  EXPECT_TRUE(CheckUpstreamUrl("https://symbols.mozilla.org", {}).ok());
  EXPECT_TRUE(CheckUpstreamUrl("http://127.0.0.1:8888/try", {}).ok());
  EXPECT_TRUE(CheckUpstreamUrl("HTTP://[::1]:80/", {}).ok());
  EXPECT_FALSE(CheckUpstreamUrl("file:///etc/passwd", {}).ok());
  EXPECT_FALSE(CheckUpstreamUrl("ftp://host/x", {}).ok());
  EXPECT_FALSE(CheckUpstreamUrl("gopher://host", {}).ok());
  EXPECT_FALSE(CheckUpstreamUrl("https://", {}).ok());
  EXPECT_FALSE(CheckUpstreamUrl("https://user:pw@host/", {}).ok());
}

TEST(UpstreamUrl, AllowListMatchesHostCaseInsensitively) {
  std::vector<std::string> allowed = {"Symbols.Mozilla.org"};
  EXPECT_TRUE(
      CheckUpstreamUrl("https://symbols.mozilla.org:443/x", allowed).ok());
  EXPECT_FALSE(CheckUpstreamUrl("https://evil.example/x", allowed).ok());
  EXPECT_FALSE(
      CheckUpstreamUrl("https://symbols.mozilla.org.evil.example/", allowed)
          .ok());
}

}  // namespace
}  // namespace crashbox::symbols
