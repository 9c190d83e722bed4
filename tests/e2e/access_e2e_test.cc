// SPDX-License-Identifier: MPL-2.0
// Access control on a real server (issue 13): who sees what through every
// endpoint that shows or changes crash data, with accounts and tokens made
// by `crashbox user` and `crashbox token` beside the running server.
#include <algorithm>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/base/strings.h"
#include "app/httpclient/http_client.h"
#include "app/report/fields.h"
#include "app/submitter/submitter.h"
#include "tests/e2e/e2e_http.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/temp_dir.h"

namespace crashbox {
namespace {

using nlohmann::json;

constexpr const char* kSecretUrl = "https://secret.example/matrix";
constexpr const char* kSecretComment = "my phone number is 555-0100";

testing::CommandResult Cli(const std::string& data,
                           std::vector<std::string> args,
                           const std::string& stdin_text = "") {
  args.insert(args.end(), {"--data-dir", data});
  return testing::RunCrashbox(args, stdin_text);
}

std::string NewToken(const std::string& data, const std::string& user,
                     const std::vector<std::string>& perms) {
  std::vector<std::string> args = {"token", "create", user};
  for (const std::string& p : perms)
    args.insert(args.end(), {"--permission", p});
  testing::CommandResult r = Cli(data, args);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return std::string(base::Trim(r.out));
}

struct Reply {
  long status = 0;
  std::string body;
};

Reply Call(const std::string& url, const std::string& token,
           const std::string& post_body = "", bool post = false) {
  httpclient::HttpClient http;
  std::vector<std::string> headers;
  if (!token.empty()) headers.push_back("Auth-Token: " + token);
  auto r = post ? http.Post(url, post_body,
                            [&] {
                              headers.push_back(
                                  "Content-Type: "
                                  "application/x-www-form-urlencoded");
                              return headers;
                            }())
                : http.Get(url, headers);
  if (!r.ok()) return {};
  return {r->status, r->body};
}

class AccessE2E : public ::testing::Test {
 protected:
  testing::TempDir dir_;
  std::string data_ = (dir_ / "var").string();
  std::string log_ = (dir_ / "server.log").string();
};

// The permission matrix: anonymous, a user without permissions, a token
// with a subset, and a token with everything, on each endpoint.
TEST_F(AccessE2E, EachCallerSeesExactlyWhatItMay) {
  testing::ServerProcess server(data_, {"--auth", "on"}, log_);
  ASSERT_TRUE(server.started());
  ASSERT_EQ(
      Cli(data_, {"user", "add", "full", "--admin"}, "password-1\n").exit_code,
      0);
  ASSERT_EQ(Cli(data_, {"user", "add", "plain"}, "password-2\n").exit_code, 0);
  // A token carries a subset of its owner's permissions, never more.
  EXPECT_EQ(Cli(data_, {"token", "create", "plain", "--permission", "view_pii"})
                .exit_code,
            1);
  const std::string all = NewToken(
      data_, "full",
      {"view_pii", "view_rawdump", "reprocess_crashes", "upload_symbols"});
  const std::string pii_only = NewToken(data_, "full", {"view_pii"});
  const std::string none = NewToken(data_, "plain", {});
  ASSERT_EQ(all.size(), 32u);

  // Every protected field the processor copies from a text annotation
  // gets a value of its own, to look for in every answer.
  submitter::CrashPayload p;
  p.annotations = {{"ProductName", "Firefox"},
                   {"Version", "128.0"},
                   {"URL", kSecretUrl},
                   {"Comments", kSecretComment}};
  std::vector<std::string> markers = {"secret.example", "555-0100"};
  for (const report::FieldSpec& f : report::AllFields()) {
    if (!f.is_protected() || f.annotation.empty() ||
        f.type != report::FieldType::kString ||
        p.annotations.contains(std::string(f.annotation)))
      continue;
    std::string marker = "pii-marker-" + std::string(f.name);
    p.annotations[std::string(f.annotation)] = marker;
    markers.push_back(marker);
  }
  ASSERT_GT(markers.size(), 5u);
  p.dumps.emplace_back("upload_file_minidump", std::string(100, 'z'));
  auto submitted = submitter::Submitter({server.url()}).Submit(p);
  ASSERT_TRUE(submitted.ok());
  const std::string id = submitted.value();
  ASSERT_TRUE(testing::WaitForQueues(server.url()));
  // And indexed.
  for (int i = 0; i < 600; ++i) {
    Reply r = Call(server.url() + "/api/SuperSearch/?_results_number=0", "");
    if (json::parse(r.body, nullptr, false).value("total", 0) == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  struct Who {
    const char* name;
    std::string token;
    bool pii, rawdump, reprocess, upload;
  };
  const std::vector<Who> callers = {
      {"anonymous", "", false, false, false, false},
      {"user without permissions", none, false, false, false, false},
      {"token with view_pii only", pii_only, true, false, false, false},
      {"token with everything", all, true, true, true, true},
  };
  const std::string u = server.url();
  for (const Who& w : callers) {
    SCOPED_TRACE(w.name);
    auto shows_secret = [&](const Reply& r) {
      return std::any_of(markers.begin(), markers.end(), [&](auto& m) {
        return r.body.find(m) != std::string::npos;
      });
    };
    Reply processed = Call(u + "/api/ProcessedCrash/?crash_id=" + id, w.token);
    EXPECT_EQ(processed.status, 200) << processed.body;
    EXPECT_EQ(shows_secret(processed), w.pii) << processed.body;
    EXPECT_NE(processed.body.find("\"signature\""), std::string::npos);

    Reply meta = Call(u + "/api/RawCrash/?crash_id=" + id, w.token);
    EXPECT_EQ(meta.status, 200);
    EXPECT_EQ(shows_secret(meta), w.pii) << meta.body;
    EXPECT_EQ(meta.body.find("user_agent") != std::string::npos, w.pii)
        << "metadata is protected";

    Reply raw =
        Call(u + "/api/RawCrash/?crash_id=" + id + "&format=raw", w.token);
    if (w.rawdump) {
      EXPECT_EQ(raw.status, 200);
      EXPECT_EQ(raw.body, std::string(100, 'z'));
    } else {
      EXPECT_EQ(raw.status, 403);
      EXPECT_EQ(json::parse(raw.body)["error"],
                "Binary response requires permissions: View Raw Dumps");
    }

    // Every search field with permissions_needed asked for, faceted on
    // and filtered on.
    std::string columns;
    json fields = json::parse(Call(u + "/api/SuperSearchFields/", "").body);
    for (const auto& [name, def] : fields.items()) {
      if (def["permissions_needed"].empty()) continue;
      columns +=
          "&_columns=" + name + "&_facets=" + name + "&" + name + "=!__null__";
    }
    ASSERT_NE(columns.find("_columns=url"), std::string::npos);
    Reply public_all =
        Call(u + "/api/SuperSearch/?_results_number=5" + columns, w.token);
    EXPECT_EQ(public_all.status, 200) << public_all.body;
    EXPECT_FALSE(shows_secret(public_all)) << public_all.body;
    Reply unredacted = Call(
        u + "/api/SuperSearchUnredacted/?_columns=url&url=~secret", w.token);
    if (w.pii) {
      EXPECT_EQ(unredacted.status, 200) << unredacted.body;
      EXPECT_TRUE(shows_secret(unredacted)) << unredacted.body;
    } else {
      EXPECT_EQ(unredacted.status, 403);
      EXPECT_EQ(json::parse(unredacted.body)["error"],
                "Use of this endpoint requires the 'View Personal "
                "Identifiable Information' permission");
    }
    // The public endpoint never shows nor filters on a protected field.
    Reply public_search = Call(
        u + "/api/SuperSearch/?_columns=url&url=~secret&_facets=url", w.token);
    EXPECT_EQ(public_search.status, 200);
    EXPECT_FALSE(shows_secret(public_search)) << public_search.body;

    Reply reprocess =
        Call(u + "/api/Reprocessing/", w.token, "crash_ids=" + id, true);
    EXPECT_EQ(reprocess.status, w.reprocess ? 200 : 403) << reprocess.body;
    if (!w.reprocess) {
      EXPECT_EQ(json::parse(reprocess.body)["error"],
                "Use of this endpoint requires the 'Reprocess Crashes' "
                "permission");
    }

    Reply upload = Call(u + "/upload/", w.token, "not a symbol file", true);
    if (w.upload) {
      EXPECT_NE(upload.status, 403) << upload.body;
    } else {
      EXPECT_EQ(upload.status, 403) << upload.body;
    }
  }
  ASSERT_TRUE(testing::WaitForQueues(server.url()));

  // The command line uploads with a token (as Tecken's scripts do).
  std::string sym = (dir_ / "app.sym").string();
  testing::WriteFileOrDie(
      sym,
      "MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 "
      "app\nFUNC 1000 10 0 main\n");
  testing::CommandResult without =
      testing::RunCrashbox({"symbols", "upload", sym, "--url", u});
  EXPECT_NE(without.exit_code, 0);
  EXPECT_NE((without.out + without.err).find("Upload Symbols Files"),
            std::string::npos)
      << without.out << without.err;
  testing::CommandResult with = testing::RunCrashbox(
      {"symbols", "upload", sym, "--url", u, "--token", all});
  EXPECT_EQ(with.exit_code, 0) << with.out << with.err;

  // Bad tokens: Socorro's three answers.
  auto error_of = [&](const std::string& token) {
    Reply r = Call(u + "/api/ProcessedCrash/?crash_id=" + id, token);
    EXPECT_EQ(r.status, 403);
    return json::parse(r.body, nullptr, false).value("error", "");
  };
  EXPECT_EQ(error_of("0123456789abcdef0123456789abcdef"),
            "API Token not matched");
  EXPECT_EQ(error_of("' OR 1=1 --"), "API Token not matched");
  ASSERT_EQ(Cli(data_, {"user", "disable", "plain"}).exit_code, 0);
  EXPECT_EQ(error_of(none), "User of API token not active");
  testing::CommandResult listed = Cli(data_, {"token", "list", "full"});
  std::smatch m;
  std::string list_out = listed.out;
  ASSERT_TRUE(std::regex_search(list_out, m, std::regex("\n([0-9a-f]{12}) ")))
      << listed.out;
  ASSERT_EQ(Cli(data_, {"token", "revoke", m[1].str()}).exit_code, 0);
  // One of full's two tokens is gone; the other still works.
  int working = 0;
  for (const std::string& t : {all, pii_only}) {
    working += Call(u + "/api/ProcessedCrash/?crash_id=" + id, t).status == 200;
  }
  EXPECT_EQ(working, 1);

  // A permission taken from the owner leaves their tokens at once.
  ASSERT_EQ(Cli(data_, {"user", "revoke", "full", "admin"}).exit_code, 0);
  for (const std::string& t : {all, pii_only}) {
    Reply r = Call(u + "/api/SuperSearchUnredacted/", t);
    EXPECT_NE(r.status, 200) << r.body;
  }

  // The audit log names who read what; neither it nor the server's log
  // holds a protected value.
  testing::CommandResult audit = Cli(data_, {"audit", "--format", "json"});
  ASSERT_EQ(audit.exit_code, 0) << audit.err;
  EXPECT_NE(audit.out.find("\"view_pii\""), std::string::npos) << audit.out;
  EXPECT_NE(audit.out.find("\"view_rawdump\""), std::string::npos);
  EXPECT_NE(audit.out.find("\"reprocess\""), std::string::npos);
  EXPECT_NE(audit.out.find("\"token.create\""), std::string::npos);
  EXPECT_NE(audit.out.find("\"token.revoke\""), std::string::npos);
  EXPECT_NE(audit.out.find("\"user.revoke\""), std::string::npos);
  server.Stop();
  std::ifstream in(log_);
  std::stringstream log;
  log << in.rdbuf();
  for (const std::string& marker : markers) {
    EXPECT_EQ(log.str().find(marker), std::string::npos)
        << marker << ": " << log.str();
    EXPECT_EQ(audit.out.find(marker), std::string::npos) << marker;
  }
}

std::string HeaderOf(const std::string& response, const std::string& name) {
  std::string head = response.substr(0, response.find("\r\n\r\n"));
  std::string needle = "\r\n" + base::ToLower(name) + ": ";
  std::string lower = base::ToLower(head);
  size_t at = lower.find(needle);
  if (at == std::string::npos) return "";
  size_t start = at + needle.size();
  return head.substr(start, head.find("\r\n", start) - start);
}

std::string Request(const std::string& method, const std::string& path,
                    const std::string& headers, const std::string& body = "") {
  return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers +
         (body.empty() && method == "GET"
              ? ""
              : "Content-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: " +
                    std::to_string(body.size()) + "\r\n") +
         "Connection: close\r\n\r\n" + body;
}

// "crashbox_session=<value>" from a Set-Cookie header.
std::string CookieOf(const std::string& response) {
  std::string set = HeaderOf(response, "Set-Cookie");
  return set.substr(0, set.find(';'));
}

// First run, sign-in, CSRF, sign-out, a foreign cookie, and the sign-on
// proxy header, through raw HTTP as a browser sends it.
TEST_F(AccessE2E, FirstRunSessionsCsrfAndProxySignOn) {
  testing::ServerProcess server(
      data_, {"--auth", "on", "--auth-proxy-header", "X-Forwarded-User",
              "--auth-proxy-addresses", "127.0.0.2"});
  ASSERT_TRUE(server.started());
  const int port = server.port();
  std::string home = testing::RawHttp(port, Request("GET", "/", ""));
  EXPECT_EQ(testing::StatusOf(home), 303);
  EXPECT_EQ(HeaderOf(home, "Location"), "/setup");
  EXPECT_EQ(
      testing::StatusOf(testing::RawHttp(port, Request("GET", "/setup", ""))),
      200);
  // Another site's page cannot create the admin.
  std::string form =
      "username=ada&password=longpassword&password2=longpassword";
  EXPECT_EQ(testing::StatusOf(testing::RawHttp(
                port, Request("POST", "/setup",
                              "Origin: http://evil.example\r\n", form))),
            403);
  std::string setup =
      testing::RawHttp(port, Request("POST", "/setup", "", form));
  ASSERT_EQ(testing::StatusOf(setup), 303) << setup;
  std::string cookie = CookieOf(setup);
  EXPECT_NE(HeaderOf(setup, "Set-Cookie").find("HttpOnly; SameSite=Lax"),
            std::string::npos);
  // Only once.
  EXPECT_EQ(testing::StatusOf(testing::RawHttp(
                port, Request("POST", "/setup", "",
                              "username=eve&password=longpassword&"
                              "password2=longpassword"))),
            403);
  EXPECT_EQ(HeaderOf(testing::RawHttp(port, Request("GET", "/setup", "")),
                     "Location"),
            "/login");

  std::string session = testing::RawHttp(
      port, Request("GET", "/api/Session/", "Cookie: " + cookie + "\r\n"));
  json who = json::parse(testing::BodyOf(session));
  EXPECT_EQ(who["user"], "ada");
  EXPECT_EQ(who["via"], "session");
  EXPECT_NE(who["permissions"].dump().find("admin"), std::string::npos);
  std::string csrf = who["csrf_token"];

  // A state-changing request made with the cookie needs the CSRF token.
  std::string ids = "crash_ids=de1e7e1e-0000-4000-8000-000000261206";
  std::string no_csrf = testing::RawHttp(
      port,
      Request("POST", "/api/Reprocessing/", "Cookie: " + cookie + "\r\n", ids));
  EXPECT_EQ(testing::StatusOf(no_csrf), 403);
  EXPECT_NE(no_csrf.find("CSRF token missing or incorrect"), std::string::npos);
  std::string with_csrf = testing::RawHttp(
      port,
      Request("POST", "/api/Reprocessing/",
              "Cookie: " + cookie + "\r\nX-CSRF-Token: " + csrf + "\r\n", ids));
  EXPECT_EQ(testing::StatusOf(with_csrf), 200) << with_csrf;

  // Tokens from the browser: with the session and its CSRF token only; a
  // token never mints another.
  const std::string session_headers =
      "Cookie: " + cookie + "\r\nX-CSRF-Token: " + csrf + "\r\n";
  EXPECT_EQ(
      testing::StatusOf(testing::RawHttp(
          port, Request("POST", "/api/Tokens/", "Cookie: " + cookie + "\r\n",
                        "permissions=view_pii"))),
      403);
  std::string made =
      testing::RawHttp(port, Request("POST", "/api/Tokens/", session_headers,
                                     "permissions=view_pii&notes=ci&days=5"));
  ASSERT_EQ(testing::StatusOf(made), 200) << made;
  const std::string key = json::parse(testing::BodyOf(made))["key"];
  std::string minted = testing::RawHttp(
      port, Request("POST", "/api/Tokens/", "Auth-Token: " + key + "\r\n",
                    "permissions=view_pii"));
  EXPECT_EQ(testing::StatusOf(minted), 403);
  EXPECT_NE(minted.find("tokens are created from a signed-in session"),
            std::string::npos);
  EXPECT_EQ(testing::StatusOf(testing::RawHttp(
                port, Request("POST", "/api/Tokens/", session_headers,
                              "permissions=fly"))),
            400);
  std::string listed = testing::RawHttp(
      port, Request("GET", "/api/Tokens/", "Cookie: " + cookie + "\r\n"));
  EXPECT_EQ(json::parse(testing::BodyOf(listed))["tokens"][0]["notes"], "ci");
  EXPECT_EQ(listed.find(key), std::string::npos) << "keys are never listed";

  // Passwords: wrong, right, throttled per address.
  auto login = [&](const std::string& password, const std::string& extra = "") {
    return testing::RawHttp(
        port, Request("POST", "/login", extra,
                      "username=ada&password=" + password + "&next=/x"));
  };
  std::string wrong = login("nope");
  EXPECT_EQ(testing::StatusOf(wrong), 303);
  EXPECT_EQ(HeaderOf(wrong, "Location"), "/login?failed=1");
  EXPECT_TRUE(CookieOf(wrong).empty());
  EXPECT_EQ(testing::StatusOf(
                login("longpassword", "Origin: http://evil.example\r\n")),
            403);
  std::string right = login("longpassword");
  EXPECT_EQ(testing::StatusOf(right), 303);
  EXPECT_EQ(HeaderOf(right, "Location"), "/x");
  std::string second = CookieOf(right);
  ASSERT_FALSE(second.empty());
  EXPECT_EQ(testing::StatusOf(login("nope", "Accept: application/json\r\n")),
            401);

  // Sign-out ends that session only.
  std::string csrf2 = json::parse(testing::BodyOf(testing::RawHttp(
      port, Request("GET", "/api/Session/",
                    "Cookie: " + second + "\r\n"))))["csrf_token"];
  std::string out = testing::RawHttp(
      port, Request("POST", "/logout", "Cookie: " + second + "\r\n",
                    "csrf_token=" + csrf2));
  EXPECT_EQ(testing::StatusOf(out), 303) << out;
  auto via = [&](const std::string& headers, const std::string& from = "") {
    std::string r =
        testing::RawHttp(port, Request("GET", "/api/Session/", headers),
                         std::chrono::seconds(10), from);
    json j = json::parse(testing::BodyOf(r), nullptr, false);
    return j.is_object()
               ? j.value("via", "") + ":" +
                     (j["user"].is_string() ? j["user"].get<std::string>() : "")
               : "?";
  };
  EXPECT_EQ(via("Cookie: " + second + "\r\n"), "anonymous:");
  EXPECT_EQ(via("Cookie: " + cookie + "\r\n"), "session:ada");

  // A cookie made by another server (its own secret) is nobody here.
  testing::TempDir other_dir;
  testing::ServerProcess other((other_dir / "var").string(), {"--auth", "on"});
  ASSERT_TRUE(other.started());
  std::string other_setup =
      testing::RawHttp(other.port(), Request("POST", "/setup", "", form));
  std::string foreign = CookieOf(other_setup);
  ASSERT_FALSE(foreign.empty());
  EXPECT_EQ(via("Cookie: " + foreign + "\r\n"), "anonymous:");

  // The proxy header counts from the proxy's address only.
  EXPECT_EQ(via("X-Forwarded-User: grace\r\n"), "anonymous:");
  EXPECT_EQ(via("X-Forwarded-User: grace\r\n", "127.0.0.2"), "proxy:grace");
  testing::CommandResult users =
      Cli(data_, {"user", "list", "--format", "json"});
  EXPECT_NE(users.out.find("\"grace\""), std::string::npos) << users.out;
}

// Brute force over HTTP: 1,000 wrong passwords from one address are
// throttled (few are even tried), and the owner still signs in from
// another address.
TEST_F(AccessE2E, GuessingPasswordsIsThrottledWithoutLockingTheOwnerOut) {
  testing::ServerProcess server(data_, {"--auth", "on"});
  ASSERT_TRUE(server.started());
  ASSERT_EQ(Cli(data_, {"user", "add", "ada"}, "right-password\n").exit_code,
            0);
  auto login = [&](const std::string& password, const std::string& from) {
    return testing::StatusOf(testing::RawHttp(
        server.port(),
        Request("POST", "/login", "Accept: application/json\r\n",
                "username=ada&password=" + password),
        std::chrono::seconds(10), from));
  };
  int wrong = 0, throttled = 0;
  for (int i = 0; i < 1000; ++i) {
    int status = login("guess" + std::to_string(i), "127.0.0.7");
    wrong += status == 401;
    throttled += status == 429;
  }
  EXPECT_EQ(wrong + throttled, 1000);
  EXPECT_LE(wrong, 10);
  EXPECT_EQ(login("right-password", "127.0.0.7"), 429);
  EXPECT_EQ(login("right-password", "127.0.0.8"), 200);
}

// --auth off is for loopback sandboxes only.
TEST_F(AccessE2E, AuthOffIsRefusedOffLoopback) {
  testing::CommandResult r =
      Cli(data_, {"serve", "--auth", "off", "--listen", "0.0.0.0:0"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("CRASHBOX_AUTH=off"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace crashbox
