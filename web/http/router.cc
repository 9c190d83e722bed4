// SPDX-License-Identifier: MPL-2.0
#include "web/http/router.h"

#include <nlohmann/json.hpp>

#include "app/base/strings.h"

namespace crashbox::web {

void Router::Add(std::string method, std::string path, Handler h,
                 RouteOptions o) {
  Route r{std::move(method), std::move(path), false, std::move(h), o};
  if (!r.path.empty() && r.path.back() == '*') {
    r.path.pop_back();
    r.prefix = true;
  }
  routes_.push_back(std::move(r));
}

const Router::Route* Router::Match(std::string_view method,
                                   std::string_view path,
                                   bool* path_known) const {
  *path_known = false;
  for (const Route& r : routes_) {
    bool match = r.prefix ? path.starts_with(r.path) : path == r.path;
    if (!match) continue;
    *path_known = true;
    if (r.method == method || (r.method == "GET" && method == "HEAD"))
      return &r;
  }
  return nullptr;
}

RouteOptions Router::OptionsFor(std::string_view method,
                                std::string_view path) const {
  bool path_known = false;
  const Route* r = Match(method, path, &path_known);
  return r ? r->options : RouteOptions{};
}

void Router::Dispatch(Request& req, Response& resp) const {
  bool path_known = false;
  if (const Route* r = Match(req.method, req.path, &path_known)) {
    r->handler(req, resp);
    return;
  }
  bool api = req.path.starts_with("/api/");
  if (!path_known && !api && fallback_ &&
      (req.method == "GET" || req.method == "HEAD")) {
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
    resp.Json(404, nlohmann::json{{"error", "No service called '" +
                                                base::Utf8Lossy(name) + "'"}}
                       .dump());
  } else {
    resp.Text(404, "Not Found\n");
  }
  resp.close = req.content_length.value_or(0) > 0 || req.chunked;
}

}  // namespace crashbox::web
