// SPDX-License-Identifier: MPL-2.0
// HttpServer: crashbox's HTTP/1.1 server, built to face the internet with no
// proxy in front. One I/O thread owns every connection (epoll): it accepts,
// reads and parses requests (http-parser), buffers each body whole, and
// writes answers; handlers run on worker threads only once a request is
// complete, so a slow or silent client costs a socket and the bytes it has
// sent, never a thread. The I/O thread enforces the connection discipline
// nginx and Apache's mod_reqtimeout give their backends:
//   - a cap on connections per client address and in total;
//   - a deadline for the whole header block, counted from the first byte;
//   - a keep-alive idle time, and the header deadline for a connection that
//     says nothing at all;
//   - for bodies: a silence limit, a minimum average rate after a grace
//     period, and a deadline for the whole body;
//   - for answers: the same silence limit and minimum rate;
//   - strict framing (RFC 9112 §6.3): Transfer-Encoding together with
//     Content-Length, several or signed Content-Lengths, or a transfer coding
//     other than chunked are refused and the connection closed.
// Routes marked priority (health checks) have their own workers, so they are
// answered while ordinary workers are busy. Every refusal is counted in the
// metrics registry as crashbox_http_refused_total{reason="..."}.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "app/base/status.h"
#include "web/http/router.h"

namespace crashbox::base {
class MemoryBudget;
class MetricsRegistry;
}  // namespace crashbox::base

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

// What the server shares with the rest of the process; both may be null.
struct HttpServerDeps {
  // Charged with every request body buffered; shared with the collector.
  base::MemoryBudget* budget = nullptr;
  base::MetricsRegistry* metrics = nullptr;
};

class HttpServer {
 public:
  // `router` (and the deps) must outlive the server.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpOptions& options,
                                                   const Router& router,
                                                   HttpServerDeps deps = {});
  // Stops accepting, lets running handlers finish and their answers go out
  // (a few seconds at most), then closes every connection.
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  std::string url() const;  // http://host:port

  class Impl;  // server.cc

 private:
  HttpServer() = default;
  std::unique_ptr<Impl> impl_;
  std::string host_;
  int port_ = 0;
};

}  // namespace crashbox::web
