// SPDX-License-Identifier: MPL-2.0
// Router: the one route table. Routes are registered before the server
// starts (civetweb forbids changing handlers while serving) and matched by
// method and exact path, or by path prefix for routes ending in '*'.
// Unknown paths answer 404, known paths with another method 405.
#pragma once

#include <string>
#include <vector>

#include "web/http/request.h"

namespace crashbox::web {

class Router {
 public:
  void Get(std::string path, Handler h) { Add("GET", std::move(path), std::move(h)); }
  void Post(std::string path, Handler h) { Add("POST", std::move(path), std::move(h)); }
  void Add(std::string method, std::string path, Handler h);
  // Handles GET and HEAD requests whose path no route matches (outside
  // /api/), e.g. symbol downloads at /<debug_file>/<debug_id>/<name>.
  void Fallback(Handler h) { fallback_ = std::move(h); }

  // Thread-safe once routes are registered.
  void Dispatch(Request& req, Response& resp) const;

 private:
  struct Route {
    std::string method;
    std::string path;  // exact, or prefix when `prefix`
    bool prefix = false;
    Handler handler;
  };
  std::vector<Route> routes_;
  Handler fallback_;
};

}  // namespace crashbox::web
