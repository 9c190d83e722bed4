// SPDX-License-Identifier: MPL-2.0
#include "web/http/router.h"

#include <gtest/gtest.h>

namespace crashbox::web {
namespace {

// Dispatches `method path` and returns the status and body.
std::pair<int, std::string> Call(const Router& r, std::string method,
                                 std::string path) {
  Request req;
  req.method = std::move(method);
  req.path = std::move(path);
  Response resp;
  r.Dispatch(req, resp);
  return {resp.status, resp.body};
}

TEST(Router, RouteOptionsFollowTheMatch) {
  Router r;
  r.Post("/submit", [](Request&, Response&) {}, {.max_body_bytes = 25 << 20});
  r.Get("/__lbheartbeat__", [](Request&, Response&) {}, {.priority = true});
  EXPECT_EQ(r.OptionsFor("POST", "/submit").max_body_bytes, 25u << 20);
  EXPECT_FALSE(r.OptionsFor("POST", "/submit").priority);
  EXPECT_TRUE(r.OptionsFor("GET", "/__lbheartbeat__").priority);
  EXPECT_TRUE(r.OptionsFor("HEAD", "/__lbheartbeat__").priority);
  // Another method on a known path, or an unknown path: the defaults.
  EXPECT_EQ(r.OptionsFor("GET", "/submit").max_body_bytes,
            RouteOptions{}.max_body_bytes);
  EXPECT_FALSE(r.OptionsFor("POST", "/__lbheartbeat__").priority);
  EXPECT_EQ(r.OptionsFor("PUT", "/elsewhere").max_body_bytes,
            RouteOptions{}.max_body_bytes);
}

TEST(Request, ReadBodyEndsWithTheBodyError) {
  Request req;
  req.body = RequestBody("abcdef");
  char buf[4];
  EXPECT_EQ(req.read_body(buf, 4).value(), 4u);
  EXPECT_EQ(req.read_body(buf, 4).value(), 2u);
  EXPECT_EQ(req.read_body(buf, 4).value(), 0u);
  Request cut;
  cut.body = RequestBody("ab");
  cut.body_error = Status::LimitExceeded("too large");
  EXPECT_EQ(cut.read_body(buf, 4).value(), 2u);
  EXPECT_FALSE(cut.read_body(buf, 4).ok());
}

TEST(RequestBody, GrowsWithWhatArrivesAndChargesTheBudget) {
  base::MemoryBudget budget(1 << 20);
  RequestBody body;
  body.SetBudget(&budget);
  // A declared 1 GiB reserves nothing until bytes come: 64 KiB for the first.
  ASSERT_TRUE(body.Append("abc", uint64_t{1} << 30));
  EXPECT_EQ(budget.used(), 64u * 1024);
  std::string big(200 * 1024, 'x');
  ASSERT_TRUE(body.Append(big, uint64_t{1} << 30));
  EXPECT_EQ(body.size(), 3 + big.size());
  EXPECT_LE(budget.used(), 2 * body.size() + 64 * 1024);
  // More than the budget holds is refused.
  EXPECT_FALSE(body.Append(std::string(1 << 20, 'y'), 0));
  // Reading gives the bytes back in order and frees chunks as it goes.
  char buf[3];
  EXPECT_EQ(body.Read(buf, 3), 3u);
  EXPECT_EQ(std::string(buf, 3), "abc");
  std::string rest = body.ReadAll();
  EXPECT_EQ(rest.substr(0, big.size()), big);
  EXPECT_EQ(body.Read(buf, 3), 0u);
  EXPECT_EQ(budget.used(), 0u);
}

TEST(RequestBody, NextLendsPiecesInPlaceAndFreesThem) {
  base::MemoryBudget budget(1 << 30);
  RequestBody body;
  body.SetBudget(&budget);
  std::string data(300 * 1024, 'q');
  data[0] = 'a';
  ASSERT_TRUE(body.Append(data, 0));
  char first[1];
  ASSERT_EQ(body.Read(first, 1), 1u);  // a read and pieces mix
  std::string joined(first, 1);
  while (true) {
    std::string_view piece = body.Next();
    if (piece.empty()) break;
    joined.append(piece);
  }
  EXPECT_EQ(joined, data);
  EXPECT_EQ(budget.used(), 0u);
}

TEST(Request, ReadBodyPieceEndsWithTheBodyError) {
  Request cut;
  cut.body = RequestBody("ab");
  cut.body_error = Status::LimitExceeded("too large");
  EXPECT_EQ(cut.read_body_piece().value(), "ab");
  EXPECT_FALSE(cut.read_body_piece().ok());
}

TEST(RequestBody, LastChunkStopsAtTheDeclaredLength) {
  base::MemoryBudget budget(1 << 30);
  RequestBody body;
  body.SetBudget(&budget);
  std::string data(100 * 1024, 'z');
  ASSERT_TRUE(body.Append(data, data.size()));
  EXPECT_EQ(budget.used(), data.size());
  EXPECT_EQ(body.ReadAll(), data);
}

TEST(Router, UnknownApiNameThatIsNotUtf8) {
  Router r;
  auto [status, body] = Call(r, "GET", "/api/\xff/");
  EXPECT_EQ(status, 404);
  EXPECT_NE(body.find("No service called '\xef\xbf\xbd'"), std::string::npos)
      << body;
}

TEST(Router, DispatchesByMethodAndPath) {
  Router r;
  r.Get("/a", [](Request&, Response& resp) { resp.Text(200, "get a"); });
  r.Post("/a", [](Request&, Response& resp) { resp.Text(200, "post a"); });
  r.Get("/files/*",
        [](Request& req, Response& resp) { resp.Text(200, req.path); });
  auto call = [&](std::string method, std::string path) {
    return Call(r, std::move(method), std::move(path));
  };
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
  r.Fallback([](Request& req, Response& resp) {
    resp.Text(200, "fallback " + req.path);
  });
  auto call = [&](std::string method, std::string path) {
    return Call(r, std::move(method), std::move(path));
  };
  EXPECT_EQ(call("GET", "/a/B/a.sym").second, "fallback /a/B/a.sym");
  EXPECT_EQ(call("HEAD", "/a/B/a.sym").second, "fallback /a/B/a.sym");
  EXPECT_EQ(call("GET", "/submit").first, 405);  // a known path keeps its 405
  EXPECT_EQ(call("POST", "/a/B/a.sym").first, 404);
  EXPECT_EQ(call("GET", "/api/Nope/").first, 404);
}

}  // namespace
}  // namespace crashbox::web
