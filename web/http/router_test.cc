// SPDX-License-Identifier: MPL-2.0
#include "web/http/router.h"

#include <gtest/gtest.h>

namespace crashbox::web {
namespace {

// Dispatches `method path` and returns the status and body.
std::pair<int, std::string> Call(const Router& r, std::string method, std::string path) {
  Request req;
  req.method = std::move(method);
  req.path = std::move(path);
  Response resp;
  r.Dispatch(req, resp);
  return {resp.status, resp.body};
}

TEST(Router, DispatchesByMethodAndPath) {
  Router r;
  r.Get("/a", [](Request&, Response& resp) { resp.Text(200, "get a"); });
  r.Post("/a", [](Request&, Response& resp) { resp.Text(200, "post a"); });
  r.Get("/files/*", [](Request& req, Response& resp) { resp.Text(200, req.path); });
  auto call = [&](std::string method, std::string path) { return Call(r, std::move(method), std::move(path)); };
  EXPECT_EQ(call("GET", "/a").second, "get a");
  EXPECT_EQ(call("HEAD", "/a").second, "get a");
  EXPECT_EQ(call("POST", "/a").second, "post a");
  EXPECT_EQ(call("DELETE", "/a").first, 405);
  EXPECT_EQ(call("GET", "/files/x/y").second, "/files/x/y");
  EXPECT_EQ(call("GET", "/nope").first, 404);
  auto api = call("GET", "/api/Nope/");
  EXPECT_EQ(api.first, 404);
  EXPECT_EQ(api.second, R"({"error":"No service called 'Nope'"})");
}

TEST(Router, FallbackTakesUnmatchedGetAndHeadOutsideApi) {
  Router r;
  r.Post("/submit", [](Request&, Response& resp) { resp.Text(200, "submit"); });
  r.Fallback([](Request& req, Response& resp) { resp.Text(200, "fallback " + req.path); });
  auto call = [&](std::string method, std::string path) { return Call(r, std::move(method), std::move(path)); };
  EXPECT_EQ(call("GET", "/a/B/a.sym").second, "fallback /a/B/a.sym");
  EXPECT_EQ(call("HEAD", "/a/B/a.sym").second, "fallback /a/B/a.sym");
  EXPECT_EQ(call("GET", "/submit").first, 405);  // a known path keeps its 405
  EXPECT_EQ(call("POST", "/a/B/a.sym").first, 404);
  EXPECT_EQ(call("GET", "/api/Nope/").first, 404);
}

}  // namespace
}  // namespace crashbox::web
