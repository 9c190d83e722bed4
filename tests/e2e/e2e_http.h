// SPDX-License-Identifier: MPL-2.0
// HTTP helpers shared by the e2e tests that talk JSON to a running server:
// fetch a JSON body, and wait until the processing queues are drained.
#pragma once

#include <chrono>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "app/httpclient/http_client.h"

namespace crashbox::testing {

// The JSON body of a 200 answer to GET `url`; null for anything else.
inline nlohmann::json GetJson(httpclient::HttpClient& http,
                              const std::string& url) {
  auto r = http.Get(url);
  if (!r.ok() || r->status != 200) return nlohmann::json();
  return nlohmann::json::parse(r->body, nullptr, false);
}

// Waits until every queue is empty (processing done); false after `limit`.
inline bool WaitForQueues(
    const std::string& url,
    std::chrono::seconds limit = std::chrono::seconds(120)) {
  httpclient::HttpClient http;
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    nlohmann::json hb = GetJson(http, url + "/__heartbeat__");
    if (hb.is_object() && hb["info"]["queue"]["normal"] == 0 &&
        hb["info"]["queue"]["priority"] == 0 &&
        hb["info"]["queue"]["reprocessing"] == 0) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

}  // namespace crashbox::testing
