// SPDX-License-Identifier: MPL-2.0
// Submitter: posts crash reports to a collector's /submit the way Breakpad and
// Crashpad clients do, and reads back the crash id from `CrashID=bp-<id>`.
// Not thread-safe (it owns one keep-alive connection); one per thread.
#pragma once

#include <string>

#include "app/base/status.h"
#include "app/httpclient/http_client.h"
#include "app/submitter/payload.h"

namespace crashbox::submitter {

struct SubmitOptions {
  std::string url;           // collector base URL or its /submit URL
  bool gzip = false;         // whole-body gzip (Content-Encoding: gzip)
  bool json_extra = false;   // annotations as one JSON `extra` part
  std::string bearer_token;  // sent as Authorization when set (for `uuid`)
  long timeout_ms = 120000;
};

// The /submit URL for a base URL ("http://h:8888" → "http://h:8888/submit").
std::string SubmitUrl(const std::string& url);

class Submitter {
 public:
  explicit Submitter(SubmitOptions options);
  // The crash id on success; kUnavailable for connection failures and 5xx
  // (retry later), kInvalidArgument with the server's answer for rejections.
  Result<std::string> Submit(const CrashPayload& payload);

 private:
  SubmitOptions options_;
  httpclient::HttpClient client_;
};

}  // namespace crashbox::submitter
