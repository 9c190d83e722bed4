// SPDX-License-Identifier: MPL-2.0
// Site administration over HTTP (web/api/admin.h): users, groups and
// permissions, the status message, bug associations, the audit log, and
// the symbol list, each refused to callers without the permission.
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/base/strings.h"
#include "app/httpclient/http_client.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/temp_dir.h"

namespace crashbox {
namespace {

using nlohmann::json;

struct Reply {
  long status = 0;
  json body;
};

class AdminE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Cli({"user", "add", "ada", "--admin"}, "password-1\n").exit_code,
              0);
    ASSERT_EQ(Cli({"user", "add", "pat"}, "password-2\n").exit_code, 0);
    ASSERT_EQ(Cli({"user", "grant", "pat", "view_pii"}).exit_code, 0);
    admin_ = NewToken("ada", {"admin"});
    pii_ = NewToken("pat", {"view_pii"});
  }

  testing::CommandResult Cli(std::vector<std::string> args,
                             const std::string& stdin_text = "") {
    args.insert(args.end(), {"--data-dir", data_});
    return testing::RunCrashbox(args, stdin_text);
  }
  std::string NewToken(const std::string& user,
                       const std::vector<std::string>& perms) {
    std::vector<std::string> args = {"token", "create", user};
    for (const std::string& p : perms)
      args.insert(args.end(), {"--permission", p});
    testing::CommandResult r = Cli(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return std::string(base::Trim(r.out));
  }
  // `method` on `path` with a form body, as `token` ("" anonymous).
  Reply Call(const std::string& method, const std::string& path,
             const std::string& token, const std::string& form = "") {
    std::string headers;
    if (!token.empty()) headers += "Auth-Token: " + token + "\r\n";
    std::string req =
        method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers +
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: " +
        std::to_string(form.size()) + "\r\nConnection: close\r\n\r\n" + form;
    std::string raw = testing::RawHttp(port_, req);
    return {testing::StatusOf(raw),
            json::parse(testing::BodyOf(raw), nullptr, false)};
  }

  testing::TempDir dir_;
  std::string data_ = (dir_ / "var").string();
  std::string admin_, pii_;
  int port_ = 0;
};

const json* FindUser(const json& list, const std::string& name) {
  for (const json& u : list["users"]) {
    if (u["name"] == name) return &u;
  }
  return nullptr;
}

TEST_F(AdminE2E, UsersGroupsAndPermissions) {
  testing::ServerProcess server(data_, {"--auth", "on"});
  ASSERT_TRUE(server.started());
  port_ = server.port();

  // Only admins: anonymous callers and a view_pii token are refused.
  for (const std::string& who : {std::string(), pii_}) {
    EXPECT_EQ(Call("GET", "/api/Users/", who).status, 403);
    EXPECT_EQ(
        Call("POST", "/api/Users/", who, "username=eve&password=password-9")
            .status,
        403);
    EXPECT_EQ(Call("GET", "/api/AuditLog/", who).status, 403);
  }

  Reply list = Call("GET", "/api/Users/", admin_);
  ASSERT_EQ(list.status, 200) << list.body;
  const json* ada = FindUser(list.body, "ada");
  ASSERT_NE(ada, nullptr);
  EXPECT_NE((*ada)["effective"].dump().find("admin"), std::string::npos);
  EXPECT_EQ(list.body["groups"][0]["name"], "Hackers");
  EXPECT_FALSE(list.body["permissions"].empty());

  // A new user in Hackers holds its permissions.
  Reply made = Call("POST", "/api/Users/", admin_,
                    "username=bob&password=password-3&groups=Hackers");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(made.body["user"]["groups"], json::array({"Hackers"}));
  EXPECT_NE(made.body["user"]["effective"].dump().find("view_pii"),
            std::string::npos);
  // Bad input: each a 400 with what is wrong, nothing created.
  EXPECT_EQ(
      Call("POST", "/api/Users/", admin_, "username=bob&password=password-3")
          .status,
      400);  // exists
  Reply bad = Call("POST", "/api/Users/", admin_,
                   "username=carl&password=password-3&permissions=fly");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"], "unknown permission fly");
  EXPECT_EQ(Call("POST", "/api/Users/", admin_, "username=carl&password=short")
                .status,
            400);
  EXPECT_EQ(Call("POST", "/api/Users/", admin_,
                 "username=%3Cscript%3E&password=password-3")
                .status,
            400);
  EXPECT_EQ(Call("POST", "/api/Users/", admin_,
                 "username=carl&password=password-3&groups=Nope")
                .status,
            400);
  EXPECT_EQ(FindUser(Call("GET", "/api/Users/", admin_).body, "carl"), nullptr);

  // Disabling pat ends their token at once.
  ASSERT_EQ(Call("GET", "/api/ProcessedCrash/?crash_id=x", pii_).status, 400);
  Reply off = Call("PUT", "/api/Users/", admin_,
                   "username=pat&active=false&permissions=view_pii");
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.body["user"]["active"], false);
  Reply refused = Call("GET", "/api/ProcessedCrash/?crash_id=x", pii_);
  EXPECT_EQ(refused.status, 403);
  EXPECT_EQ(refused.body["error"], "User of API token not active")
      << refused.body;
  // Grants are replaced as a whole.
  Reply regrant = Call("PUT", "/api/Users/", admin_,
                       "username=pat&active=true&permissions=view_rawdump");
  ASSERT_EQ(regrant.status, 200) << regrant.body;
  EXPECT_EQ(regrant.body["user"]["permissions"], json::array({"view_rawdump"}));
  EXPECT_EQ(
      Call("PUT", "/api/Users/", admin_, "username=nobody&active=true").status,
      404);
  EXPECT_EQ(
      Call("PUT", "/api/Users/", admin_, "username=pat&active=maybe").status,
      400);

  // An admin cannot lock themself out; the site keeps its way in.
  Reply self = Call("PUT", "/api/Users/", admin_, "username=ada&active=true");
  EXPECT_EQ(self.status, 400);
  EXPECT_NE(self.body["error"].get<std::string>().find("your own admin"),
            std::string::npos);
  EXPECT_EQ(Call("PUT", "/api/Users/", admin_,
                 "username=ada&active=false&permissions=admin")
                .status,
            400);

  // Every change is in the audit log, in order; limit pages it.
  Reply audit = Call("GET", "/api/AuditLog/?limit=1000", admin_);
  ASSERT_EQ(audit.status, 200) << audit.body;
  std::vector<std::string> actions;
  for (const json& e : audit.body["entries"]) {
    if (e["actor"] == "ada") actions.push_back(e["action"]);
  }
  EXPECT_EQ(actions, (std::vector<std::string>{"user.add", "user.update",
                                               "user.update"}));
  Reply one = Call("GET", "/api/AuditLog/?limit=1&since=2000-01-01", admin_);
  EXPECT_EQ(one.body["entries"].size(), 1u);
  EXPECT_EQ(one.body["more"], true);
  EXPECT_EQ(Call("GET", "/api/AuditLog/?since=yesterday", admin_).status, 400);
  EXPECT_EQ(Call("GET", "/api/AuditLog/?limit=0", admin_).status, 400);
}

TEST_F(AdminE2E, StatusMessageBugAssociationsAndSymbolList) {
  testing::ServerProcess server(data_, {"--auth", "on"});
  ASSERT_TRUE(server.started());
  port_ = server.port();

  EXPECT_EQ(Call("GET", "/api/StatusMessage/", "").body,
            (json{{"message", nullptr}}));
  EXPECT_EQ(Call("POST", "/api/StatusMessage/", pii_, "message=hi").status,
            403);
  Reply set = Call("POST", "/api/StatusMessage/", admin_,
                   "message=%3Cb%3EUpgrade%3C%2Fb%3E+tonight&severity=warning");
  ASSERT_EQ(set.status, 200) << set.body;
  Reply shown = Call("GET", "/api/StatusMessage/", "");  // public
  EXPECT_EQ(shown.body["message"], "<b>Upgrade</b> tonight");
  EXPECT_EQ(shown.body["severity"], "warning");
  EXPECT_EQ(shown.body["author"], "ada");
  EXPECT_EQ(
      Call("POST", "/api/StatusMessage/", admin_, "message=x&severity=doom")
          .status,
      400);
  EXPECT_EQ(Call("POST", "/api/StatusMessage/", admin_,
                 "message=" + std::string(1001, 'x'))
                .status,
            400);
  EXPECT_EQ(Call("POST", "/api/StatusMessage/", admin_, "message=").status,
            200);
  EXPECT_EQ(Call("GET", "/api/StatusMessage/", "").body,
            (json{{"message", nullptr}}));

  ASSERT_EQ(
      Call("POST", "/api/Bugs/", admin_, "bug_id=123&signatures=OOM+%7C+small")
          .status,
      200);
  Reply bugs = Call("GET", "/api/BugAssociations/", "");
  ASSERT_EQ(bugs.status, 200) << bugs.body;
  EXPECT_EQ(bugs.body["hits"],
            json::parse(R"([{"id": 123, "signature": "OOM | small"}])"));
  EXPECT_EQ(bugs.body["total"], 1);

  // Symbols: public list, by prefix; a path character Tecken refuses is 400.
  std::string upload = NewToken("ada", {"upload_symbols"});
  std::string sym =
      "MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 libdemo.so\n"
      "FUNC 1000 10 0 demo\n";
  httpclient::HttpClient http;
  auto up = http.Post(
      server.url() + "/upload/", sym,
      {"Auth-Token: " + upload, "Content-Type: application/octet-stream"});
  ASSERT_TRUE(up.ok());
  ASSERT_EQ(up->status, 201) << up->body;
  Reply symbols = Call("GET", "/api/Symbols/?prefix=libdemo", "");
  ASSERT_EQ(symbols.status, 200) << symbols.body;
  EXPECT_EQ(symbols.body["hits"].size(), 1u);
  EXPECT_EQ(symbols.body["more"], false);
  EXPECT_EQ(symbols.body["hits"][0]["path"],
            "libdemo.so/0123456789ABCDEF0123456789ABCDEF0/libdemo.so.sym");
  EXPECT_TRUE(
      Call("GET", "/api/Symbols/?prefix=nothing", "").body["hits"].empty());
  EXPECT_EQ(Call("GET", "/api/Symbols/?prefix=a%3Cb", "").status, 400);

  Reply audit = Call("GET", "/api/AuditLog/", admin_);
  std::string log = audit.body.dump();
  EXPECT_NE(log.find("status.set"), std::string::npos) << log;
  EXPECT_NE(log.find("status.clear"), std::string::npos) << log;
}

// The API page's list comes from the route table: every endpoint it names
// is served with that method, and Socorro's main ones are there.
TEST_F(AdminE2E, EndpointListIsTheRouteTable) {
  testing::ServerProcess server(data_, {"--auth", "on"});
  ASSERT_TRUE(server.started());
  port_ = server.port();
  Reply list = Call("GET", "/api/Endpoints/", "");
  ASSERT_EQ(list.status, 200) << list.body;
  const json& endpoints = list.body["endpoints"];
  ASSERT_GE(endpoints.size(), 30u);
  std::set<std::string> names;
  for (const json& e : endpoints) {
    const std::string name = e["name"], method = e["method"];
    names.insert(name);
    EXPECT_FALSE(e["what"].get<std::string>().empty()) << name;
    Reply r = Call(method, "/api/" + name + "/", admin_);
    // Routed: not the router's 404 ("No service called ...") nor a 405.
    EXPECT_EQ(r.body.dump().find("No service called"), std::string::npos)
        << method << " " << name << ": " << r.body;
    EXPECT_NE(r.status, 405) << method << " " << name << ": " << r.body;
  }
  for (const char* n : {"SuperSearch", "ProcessedCrash", "RawCrash", "Bugs",
                        "Users", "Symbols", "Endpoints"})
    EXPECT_TRUE(names.contains(n)) << n;
}

}  // namespace
}  // namespace crashbox
