// SPDX-License-Identifier: MPL-2.0
// The rest of Socorro's crash API on a real server (issue 13): each
// endpoint's answer and 400 bodies, the generic /api/ rules (404, 405,
// CORS, ?pretty=print) and the API rate limits.
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/base/strings.h"
#include "app/httpclient/http_client.h"
#include "app/submitter/submitter.h"
#include "tests/e2e/e2e_http.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/temp_dir.h"

namespace crashbox {
namespace {

using nlohmann::json;

struct Reply {
  long status = 0;
  json body;
  std::string raw;
};

Reply Ask(const std::string& url, const std::string& token = "",
          std::optional<std::string> post = std::nullopt,
          const std::string& type = "application/x-www-form-urlencoded") {
  httpclient::HttpClient http;
  std::vector<std::string> headers;
  if (!token.empty()) headers.push_back("Auth-Token: " + token);
  if (post) headers.push_back("Content-Type: " + type);
  auto r = post ? http.Post(url, *post, headers) : http.Get(url, headers);
  if (!r.ok()) return {};
  return {r->status, json::parse(r->body, nullptr, false), r->body};
}

json Error(const std::string& message) { return {{"error", message}}; }
json Required(const std::string& field) {
  return {{"errors", {{field, {"This field is required."}}}}};
}

class CrashApiE2E : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  std::string data_ = (dir_ / "var").string();
};

TEST_F(CrashApiE2E, EveryEndpointAnswersAsSocorro) {
  testing::ServerProcess server(data_, {"--auth", "on"});
  ASSERT_TRUE(server.started());
  const std::string u = server.url() + "/api/";
  ASSERT_EQ(testing::RunCrashbox(
                {"user", "add", "root", "--admin", "--data-dir", data_},
                "password-1\n")
                .exit_code,
            0);
  testing::CommandResult made =
      testing::RunCrashbox({"token", "create", "root", "--permission", "admin",
                            "--data-dir", data_});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const std::string admin = std::string(base::Trim(made.out));

  submitter::CrashPayload p;
  p.annotations = {{"ProductName", "Firefox"},
                   {"Version", "128.0b2"},
                   {"BuildID", "20240601000000"},
                   {"ReleaseChannel", "beta"}};
  p.dumps.emplace_back("upload_file_minidump", std::string(100, 'z'));
  auto id = submitter::Submitter({server.url()}).Submit(p);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(testing::WaitForQueues(server.url()));
  std::string sig;
  for (int i = 0; i < 600 && sig.empty(); ++i) {
    Reply s = Ask(u + "SuperSearch/?_columns=signature");
    if (s.status == 200 && s.body["total"] == 1) {
      sig = s.body["hits"][0]["signature"];
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  ASSERT_FALSE(sig.empty());
  const std::string esig = base::PercentEncode(sig);

  // SignatureFirstDate.
  Reply first = Ask(u + "SignatureFirstDate/?signatures=" + esig +
                    "&signatures=never-seen");
  ASSERT_EQ(first.status, 200) << first.raw;
  EXPECT_EQ(first.body["total"], 1);
  EXPECT_EQ(first.body["hits"][0]["signature"], sig);
  EXPECT_EQ(first.body["hits"][0]["first_build"], "20240601000000");
  EXPECT_NE(first.body["hits"][0]["first_date"].get<std::string>().find("T"),
            std::string::npos);
  EXPECT_EQ(Ask(u + "SignatureFirstDate/").body, Required("signatures"));

  // CrashSignature: the processor's own generator.
  json crash_data = {
      {"os", "Linux"},
      {"crashing_thread", 0},
      {"threads",
       {{{"frames",
          {{{"module", "libc.so.6"}, {"function", "abort"}},
           {{"module", "app"}, {"function", "Widget::Paint(Canvas&)"}}}}}}}};
  Reply gen = Ask(u + "CrashSignature/", "",
                  json{{"jobs", {crash_data}}}.dump(), "application/json");
  ASSERT_EQ(gen.status, 200) << gen.raw;
  testing::CommandResult cli = testing::RunCrashbox(
      {"signature", "--format", "json"}, crash_data.dump());
  ASSERT_EQ(cli.exit_code, 0);
  EXPECT_NE(
      cli.out.find(gen.body["results"][0]["signature"].get<std::string>()),
      std::string::npos)
      << cli.out;
  EXPECT_EQ(gen.body["results"][0]["signature"], "abort | Widget::Paint");
  EXPECT_TRUE(gen.body["results"][0]["notes"].is_array());
  EXPECT_TRUE(gen.body["results"][0].contains("extra"));
  EXPECT_EQ(
      Ask(u + "CrashSignature/", "", R"({"jobs": []})", "application/json")
          .body,
      Error("no jobs specified"));
  EXPECT_EQ(Ask(u + "CrashSignature/", "", "{nope", "application/json").body,
            Error("Payload is not valid JSON"));
  Reply deep =
      Ask(u + "CrashSignature/", "", "{\"jobs\": " + std::string(100000, '['),
          "application/json");
  EXPECT_EQ(deep.status, 400);
  EXPECT_EQ(
      testing::StatusOf(testing::RawHttp(
          server.port(),
          "POST /api/CrashSignature/ HTTP/1.1\r\nHost: x\r\nContent-Type: "
          "application/json\r\nContent-Length: " +
              std::to_string(2 << 20) + "\r\n\r\n")),
      413);
  EXPECT_EQ(Ask(server.url() + "/__lbheartbeat__").status, 200);

  // The report page's URL rules (Socorro's).
  std::string bp = testing::RawHttp(
      server.port(), "GET /report/index/bp-" + *id +
                         " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(testing::StatusOf(bp), 302);
  EXPECT_NE(bp.find("Location: /report/index/" + *id + "\r\n"),
            std::string::npos);
  std::string bad_id =
      testing::RawHttp(server.port(),
                       "GET /report/index/nope HTTP/1.1\r\nHost: "
                       "x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(testing::StatusOf(bad_id), 400);
  EXPECT_EQ(testing::BodyOf(bad_id), "Invalid crash ID\n");

  // CrashVerify.
  Reply verify = Ask(u + "CrashVerify/?crash_id=" + *id);
  EXPECT_EQ(verify.body, (json{{"uuid", *id},
                               {"raw_crash", true},
                               {"processed_crash", true},
                               {"elasticsearch_crash", true},
                               {"telemetry_crash", false}}));
  EXPECT_EQ(Ask(u + "CrashVerify/?crash_id=xyz").body,
            Error("unknown crash id"));
  EXPECT_EQ(
      Ask(u + "CrashVerify/?crash_id=de1e7e1e-0000-4000-8000-000000261206")
          .body["raw_crash"],
      false);

  // Bugs: admins associate; everyone reads.
  Reply denied = Ask(u + "Bugs/", "", "bug_id=123&signatures=" + esig);
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(denied.body,
            Error("Use of this endpoint requires the 'Administer Users, Tokens "
                  "and Bugs' permission"));
  Reply added = Ask(u + "Bugs/", admin, "bug_id=123&signatures=" + esig);
  EXPECT_EQ(added.status, 200) << added.raw;
  EXPECT_EQ(added.body["added"], 1);
  ASSERT_EQ(testing::RunCrashbox({"bugs", "add", "123", "other | signature",
                                  "--data-dir", data_})
                .exit_code,
            0);
  ASSERT_EQ(testing::RunCrashbox(
                {"bugs", "add", "99", "unrelated", "--data-dir", data_})
                .exit_code,
            0);
  json both = {{"hits",
                {{{"id", 123}, {"signature", sig}},
                 {{"id", 123}, {"signature", "other | signature"}}}},
               {"total", 2}};
  if (sig > "other | signature") std::swap(both["hits"][0], both["hits"][1]);
  EXPECT_EQ(Ask(u + "Bugs/?signatures=" + esig).body, both);
  EXPECT_EQ(Ask(u + "Bugs/", "", "signatures=" + esig).body, both)
      << "a POST without bug_id is the query";
  EXPECT_EQ(Ask(u + "SignaturesByBugs/?bug_ids=123").body, both);
  EXPECT_EQ(Ask(u + "SignaturesByBugs/?bug_ids=12x").body,
            (json{{"errors", {{"bug_ids", {"Enter a whole number."}}}}}));
  std::string del = testing::RawHttp(
      server.port(), "DELETE /api/Bugs/?bug_id=123&signatures=" + esig +
                         " HTTP/1.1\r\nHost: x\r\nAuth-Token: " + admin +
                         "\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(testing::StatusOf(del), 200) << del;
  EXPECT_EQ(Ask(u + "SignaturesByBugs/?bug_ids=123").body["total"], 1);

  // VersionString, from the indexed crashes.
  EXPECT_EQ(Ask(u + "VersionString/?product=Firefox&channel=beta&build_id="
                    "20240601000000")
                .body,
            (json{{"hits", {{{"version_string", "128.0b2"}}}}, {"total", 1}}));
  EXPECT_EQ(Ask(u + "VersionString/?product=Firefox&channel=beta").body,
            Required("build_id"));

  // NoOp, and the rules of every /api/ answer.
  EXPECT_EQ(Ask(u + "NoOp/?product=Firefox").body,
            (json{{"hits", json::array()}, {"total", 0}}));
  EXPECT_EQ(Ask(u + "NoOp/?product=bad").status, 400);
  EXPECT_EQ(Ask(u + "NoOp/").body, Required("product"));
  EXPECT_EQ(Ask(u + "Nope/").body, Error("No service called 'Nope'"));
  Reply wrong_method = Ask(u + "NoOp/?product=x", "", "");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.body, Error("Method not allowed"));
  std::string noop = testing::RawHttp(
      server.port(),
      "GET /api/NoOp/?product=Firefox&pretty=print HTTP/1.1\r\nHost: "
      "x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(noop.find("Access-Control-Allow-Origin: *"), std::string::npos);
  EXPECT_NE(testing::BodyOf(noop).find("\n  \"hits\""), std::string::npos)
      << noop;
}

// /symbolicate/v5 as Eliot answers it, from the server's symbol store.
TEST_F(CrashApiE2E, SymbolicateV5FromTheSymbolStore) {
  std::string sym = (dir_ / "app.sym").string();
  testing::WriteFileOrDie(
      sym,
      "MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 app.so\n"
      "INFO CODE_ID 0123456789ABCDEF app.so\n"
      "FILE 0 src/widget.cc\n"
      "FUNC 1000 40 0 Widget::Paint(Canvas&)\n"
      "1000 20 17 0\n"
      "1020 20 18 0\n");
  testing::ServerProcess server(data_, {"--auth", "on"});
  ASSERT_TRUE(server.started());
  ASSERT_EQ(
      testing::RunCrashbox({"symbols", "upload", sym, "--data-dir", data_})
          .exit_code,
      0);
  json request = json::parse(R"({"jobs": [{
      "memoryMap": [["app.so", "0123456789ABCDEF0123456789ABCDEF0"],
                    ["missing.so", "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0"],
                    ["unused.so", "EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE0"]],
      "stacks": [[[0, 4132], [1, 16], [-1, 0]]]}], "version": 5})");
  Reply r = Ask(server.url() + "/symbolicate/v5", "", request.dump(),
                "application/json");
  ASSERT_EQ(r.status, 200) << r.raw;
  const json& frames = r.body["results"][0]["stacks"][0];
  EXPECT_EQ(frames[0]["function"], "Widget::Paint(Canvas&)");
  EXPECT_EQ(frames[0]["function_offset"], "0x24");
  EXPECT_EQ(frames[0]["module_offset"], "0x1024");
  EXPECT_EQ(frames[0]["file"], "src/widget.cc");
  EXPECT_EQ(frames[0]["line"], 18);
  EXPECT_FALSE(frames[1].contains("function"));
  EXPECT_EQ(frames[2]["module"], "<unknown>");
  EXPECT_EQ(r.body["results"][0]["found_modules"],
            (json{{"app.so/0123456789ABCDEF0123456789ABCDEF0", true},
                  {"missing.so/FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF0", false},
                  {"unused.so/EEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE0", nullptr}}));
  EXPECT_EQ(
      Ask(server.url() + "/symbolicate/v5", "", "{nope", "application/json")
          .body,
      (json{{"title", "Payload is not valid JSON"}}));
  EXPECT_EQ(Ask(server.url() + "/symbolicate/v5", "", std::string(1 << 20, '['),
                "application/json")
                .status,
            400);
  std::string preflight = testing::RawHttp(
      server.port(),
      "OPTIONS /symbolicate/v5 HTTP/1.1\r\nHost: x\r\nOrigin: "
      "https://profiler.firefox.com\r\nAccess-Control-Request-Method: "
      "POST\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(testing::StatusOf(preflight), 204) << preflight;
  EXPECT_NE(preflight.find("Access-Control-Allow-Origin: *"),
            std::string::npos);
  EXPECT_NE(preflight.find("Access-Control-Allow-Methods: POST"),
            std::string::npos);
  // A body past the bound is refused from its Content-Length, unread (a
  // client still sending it may see the connection close instead).
  EXPECT_EQ(testing::StatusOf(testing::RawHttp(
                server.port(),
                "POST /symbolicate/v5 HTTP/1.1\r\nHost: x\r\nContent-Type: "
                "application/json\r\nContent-Length: " +
                    std::to_string(17 << 20) + "\r\n\r\n")),
            413);
  EXPECT_EQ(Ask(server.url() + "/__lbheartbeat__").status, 200);
}

// 429 past the per-minute rate: per address without an account, per token
// with one; loopback clients are not limited.
TEST_F(CrashApiE2E, RateLimitsPerAddressAndPerToken) {
  testing::ServerProcess server(
      data_, {"--auth", "on", "--trusted-proxies", "127.0.0.1",
              "--api-rate-anonymous", "5", "--api-rate-authenticated", "3"});
  ASSERT_TRUE(server.started());
  auto status = [&](const std::string& headers) {
    return testing::StatusOf(testing::RawHttp(
        server.port(),
        "GET /api/NoOp/?product=Firefox HTTP/1.1\r\nHost: x\r\n" + headers +
            "Connection: close\r\n\r\n"));
  };
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(status("X-Forwarded-For: 203.0.113.5\r\n"), 200) << i;
  std::string refused = testing::RawHttp(
      server.port(),
      "GET /api/NoOp/?product=Firefox HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: "
      "203.0.113.5\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(testing::StatusOf(refused), 429);
  EXPECT_NE(refused.find("Retry-After: "), std::string::npos);
  EXPECT_EQ(status("X-Forwarded-For: 203.0.113.6\r\n"), 200);
  for (int i = 0; i < 20; ++i) ASSERT_EQ(status(""), 200) << "loopback";

  ASSERT_EQ(testing::RunCrashbox({"user", "add", "bot", "--data-dir", data_},
                                 "password-1\n")
                .exit_code,
            0);
  testing::CommandResult made =
      testing::RunCrashbox({"token", "create", "bot", "--data-dir", data_});
  std::string token = std::string(base::Trim(made.out));
  // The same address with a token: its own, smaller allowance.
  const std::string with_token =
      "X-Forwarded-For: 203.0.113.5\r\nAuth-Token: " + token + "\r\n";
  for (int i = 0; i < 3; ++i) EXPECT_EQ(status(with_token), 200) << i;
  EXPECT_EQ(status(with_token), 429);
}

}  // namespace
}  // namespace crashbox
