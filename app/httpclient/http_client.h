// SPDX-License-Identifier: MPL-2.0
// A small blocking HTTP client on libcurl (the only includer of curl.h):
// keeps its connection alive between requests. libcurl is loaded with dlopen
// on first use, so commands that never speak HTTP do not pay for mapping it
// and its dependencies. Not thread-safe; one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/base/status.h"

namespace crashbox::httpclient {

struct HttpResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class HttpClient {
 public:
  explicit HttpClient(long timeout_ms = 60000);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // kUnavailable when the server cannot be reached or the transfer failed.
  Result<HttpResponse> Post(const std::string& url, const std::string& body,
                            const std::vector<std::string>& headers);
  Result<HttpResponse> Get(const std::string& url,
                           const std::vector<std::string>& headers = {});
  // A response body larger than this ends the transfer with kLimitExceeded
  // (0 = no cap).
  void set_max_body_bytes(uint64_t n) { max_body_bytes_ = n; }
  // Follow up to 5 redirects (http/https only); off by default.
  void set_follow_redirects(bool on) { follow_redirects_ = on; }

 private:
  Result<HttpResponse> Perform(const std::string& url,
                               const std::vector<std::string>& headers);
  static Status Unloaded();
  void* curl_;
  long timeout_ms_;
  uint64_t max_body_bytes_ = 0;
  bool follow_redirects_ = false;
};

}  // namespace crashbox::httpclient
