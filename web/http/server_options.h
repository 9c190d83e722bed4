// SPDX-License-Identifier: MPL-2.0
// HttpOptions: the HTTP server's address and connection discipline (see
// server.h). Its own header so that configuration names it without the
// server.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace crashbox::web {

struct HttpOptions {
  // host:port ([v6]:port); port 0 picks a free port (see HttpServer::port()).
  std::string listen = "127.0.0.1:8888";
  // Workers that run handlers on complete requests (plus two priority ones);
  // 0 = four per core. They never wait on a client, only on the CPU and on
  // the store's group commit, so a few per core keep both busy: more only
  // interleave more requests on the same cores (measured in the README).
  int num_threads = 0;
  // A request or answer that makes no progress for this long is dropped.
  int request_timeout_ms = 30000;
  // A request body must arrive within this time in total, however it trickles.
  std::chrono::seconds body_deadline{300};
  // The request line and headers must arrive within this time of their first
  // byte (or of the connection, for the first request).
  std::chrono::milliseconds header_timeout{10000};
  // A kept-alive connection may wait this long for its next request.
  std::chrono::milliseconds keep_alive_timeout{10000};
  // After `min_rate_grace`, a body or answer must average at least this many
  // bytes per second since it began; 0 turns the check off.
  uint64_t min_rate_bytes_per_second = 1024;
  std::chrono::seconds min_rate_grace{10};
  // Open connections from one client address; more are refused (503).
  int max_connections_per_address = 64;
  // Open connections in all; more are refused (503).
  int max_connections = 4096;
  // The request line and headers together.
  size_t max_header_bytes = 16 * 1024;
  // TCP peers (exact addresses) whose X-Forwarded-For / X-Real-IP name the
  // client. Their connections are not capped per address: the proxy pools
  // many clients and should cap each of them itself.
  std::vector<std::string> trusted_proxies;
  // Seconds sent in Retry-After when the server refuses for load.
  int retry_after_seconds = 60;
};

}  // namespace crashbox::web
