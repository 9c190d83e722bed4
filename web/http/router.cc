// SPDX-License-Identifier: MPL-2.0
#include "web/http/router.h"

#include <nlohmann/json.hpp>

namespace crashbox::web {

void Router::Add(std::string method, std::string path, Handler h) {
  Route r{std::move(method), std::move(path), false, std::move(h)};
  if (!r.path.empty() && r.path.back() == '*') {
    r.path.pop_back();
    r.prefix = true;
  }
  routes_.push_back(std::move(r));
}

void Router::Dispatch(Request& req, Response& resp) const {
  bool path_known = false;
  for (const Route& r : routes_) {
    bool match = r.prefix ? req.path.starts_with(r.path) : req.path == r.path;
    if (!match) continue;
    path_known = true;
    if (r.method == req.method || (r.method == "GET" && req.method == "HEAD")) {
      r.handler(req, resp);
      return;
    }
  }
  bool api = req.path.starts_with("/api/");
  if (!path_known && !api && fallback_ && (req.method == "GET" || req.method == "HEAD")) {
    fallback_(req, resp);
    return;
  }
  if (path_known) {
    resp.headers.emplace_back("Allow", "GET, HEAD, POST");
    if (api) {
      resp.Json(405, R"({"error": "Method not allowed"})");
    } else {
      resp.Text(405, "Method Not Allowed\n");
    }
    resp.close = req.content_length.value_or(0) > 0 || req.chunked;
    return;
  }
  if (api) {
    std::string name = req.path.substr(5);
    if (!name.empty() && name.back() == '/') name.pop_back();
    resp.Json(404, nlohmann::json{{"error", "No service called '" + name + "'"}}.dump());
  } else {
    resp.Text(404, "Not Found\n");
  }
  resp.close = req.content_length.value_or(0) > 0 || req.chunked;
}

}  // namespace crashbox::web
