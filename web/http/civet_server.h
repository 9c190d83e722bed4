// SPDX-License-Identifier: MPL-2.0
// HttpServer: civetweb behind crashbox's Request/Response and Router. The
// only includer of civetweb.h. A bounded pool of worker threads serves
// connections; per-read timeouts and a whole-body deadline keep slow or
// stalled clients from holding a worker for long.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "app/base/status.h"
#include "web/http/router.h"

namespace crashbox::web {

struct HttpOptions {
  // host:port; port 0 picks a free port (see HttpServer::port()).
  std::string listen = "127.0.0.1:8888";
  int num_threads = 64;
  // A read or write on a connection that makes no progress for this long fails.
  int request_timeout_ms = 30000;
  int keep_alive_timeout_ms = 15000;
  // A request body must arrive within this time in total, however it trickles.
  std::chrono::seconds body_deadline{300};
};

class HttpServer {
 public:
  // `router` must outlive the server.
  static Result<std::unique_ptr<HttpServer>> Start(const HttpOptions& options, const Router& router);
  ~HttpServer();  // stops accepting and waits for running handlers
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const { return port_; }
  std::string url() const;  // http://host:port

  struct Impl;  // defined in civet_server.cc

 private:
  HttpServer() = default;
  std::unique_ptr<Impl> impl_;
  std::string host_;
  int port_ = 0;
};

}  // namespace crashbox::web
