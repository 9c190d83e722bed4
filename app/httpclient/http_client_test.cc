// SPDX-License-Identifier: MPL-2.0
#include "app/httpclient/http_client.h"

#include <gtest/gtest.h>

namespace crashbox::httpclient {
namespace {

TEST(HttpClientTest, UnreachableServerIsUnavailableAndNamesTheUrl) {
  HttpClient http(5000);
  // Port 1 on loopback: nothing listens there, the connection is refused.
  Result<HttpResponse> r = http.Get("http://127.0.0.1:1/x");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(r.status().message().find("127.0.0.1:1"), std::string::npos)
      << r.status().message();
}

TEST(HttpClientTest, SpeaksOnlyHttpAndHttps) {
  HttpClient http(5000);
  Result<HttpResponse> r = http.Get("file:///etc/passwd");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);
}

}  // namespace
}  // namespace crashbox::httpclient
