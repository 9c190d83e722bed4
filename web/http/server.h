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
#include "web/http/server_options.h"

namespace crashbox::base {
class MemoryBudget;
class MetricsRegistry;
}  // namespace crashbox::base

namespace crashbox::web {

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
