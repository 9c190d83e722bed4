// SPDX-License-Identifier: MPL-2.0
// Router: the one route table. Routes are registered before the server
// starts (civetweb forbids changing handlers while serving) and matched by
// method and exact path, or by path prefix for routes ending in '*'.
// Unknown paths answer 404, known paths with another method 405.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "web/http/request.h"

namespace crashbox::web {

struct RouteOptions {
  // The server buffers at most this many body bytes (plus one, so the handler
  // can tell "too large"); a larger body is not read and the connection closes
  // after the handler's answer.
  uint64_t max_body_bytes = 1 << 20;
  // Served by the priority workers.
  bool priority = false;
};

class Router {
 public:
  void Get(std::string path, Handler h, RouteOptions o = {}) {
    Add("GET", std::move(path), std::move(h), o);
  }
  void Post(std::string path, Handler h, RouteOptions o = {}) {
    Add("POST", std::move(path), std::move(h), o);
  }
  void Add(std::string method, std::string path, Handler h,
           RouteOptions o = {});
  // Handles GET and HEAD requests whose path no route matches (outside
  // /api/), e.g. symbol downloads at /<debug_file>/<debug_id>/<name>.
  void Fallback(Handler h) { fallback_ = std::move(h); }

  // Thread-safe once routes are registered.
  void Dispatch(Request& req, Response& resp) const;
  // The options of the route Dispatch would choose (defaults when none).
  RouteOptions OptionsFor(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::string path;  // exact, or prefix when `prefix`
    bool prefix = false;
    Handler handler;
    RouteOptions options;
  };
  const Route* Match(std::string_view method, std::string_view path,
                     bool* path_known) const;
  std::vector<Route> routes_;
  Handler fallback_;
};

}  // namespace crashbox::web
