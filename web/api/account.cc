// SPDX-License-Identifier: MPL-2.0
#include "web/api/account.h"

#include <algorithm>
#include <cstdlib>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/auth/secrets.h"
#include "app/base/iso_time.h"
#include "app/base/strings.h"
#include "web/api/forms.h"
#include "web/ui/pages.h"

namespace crashbox::web {
namespace {

using nlohmann::json;

void Redirect(Response& resp, std::string_view to) {
  resp.status = 303;
  resp.headers.emplace_back("Location", std::string(to));
  resp.body.clear();
}

bool WantsJson(const Request& req) {
  return req.Header("Accept").value_or("").find("application/json") !=
         std::string::npos;
}

// A form post from another site's page: its Origin names another host.
bool CrossSite(const Request& req) {
  std::optional<std::string> origin = req.Header("Origin");
  if (!origin) return false;
  std::string host = req.Header("Host").value_or("");
  size_t scheme = origin->find("://");
  std::string_view o = *origin;
  if (scheme != std::string::npos) o = o.substr(scheme + 3);
  return o != host;
}

// `next` when it is a path on this server, else "/".
std::string LocalPath(std::string_view next) {
  if (next.size() >= 1 && next[0] == '/' &&
      (next.size() == 1 || (next[1] != '/' && next[1] != '\\')) &&
      next.find_first_of("\r\n") == std::string_view::npos)
    return std::string(next);
  return "/";
}

json SessionJson(const auth::Caller& c, bool first_run) {
  return {{"user", c.signed_in() ? json(c.user) : json(nullptr)},
          {"via", auth::ViaName(c.via)},
          {"permissions", auth::PermissionNames(c.permissions)},
          {"csrf_token", c.csrf.empty() ? json(nullptr) : json(c.csrf)},
          {"first_run", first_run}};
}

bool FirstRun(Access& access) {
  Result<bool> any = access.authenticator().store().HasUsers();
  return access.authenticator().enabled() && any.ok() && !any.value();
}

json TokenJson(const auth::Token& t) {
  auto iso = [](int64_t ms) { return base::IsoTimestampSeconds(ms / 1000); };
  return {{"id", t.id},
          {"permissions", auth::PermissionNames(t.permissions)},
          {"notes", t.notes},
          {"created", iso(t.created_ms)},
          {"expires", iso(t.expires_ms)}};
}

}  // namespace

AccountHandlers MakeAccountHandlers(Access& access) {
  AccountHandlers h;
  h.login_page =
      MakeAssetHandler("html/login.html", "text/html; charset=utf-8");
  h.setup_page = [&access, page = MakeAssetHandler("html/setup.html",
                                                   "text/html; charset=utf-8")](
                     Request& req, Response& resp) {
    if (!FirstRun(access)) return Redirect(resp, "/login");
    if (!req.is_loopback) {
      resp.Text(403,
                "The first admin is created from this machine: open this "
                "page on the server itself, or run `crashbox user add --admin "
                "NAME` there.\n");
      return;
    }
    page(req, resp);
  };
  h.home = [&access, page = MakeAssetHandler("html/index.html",
                                             "text/html; charset=utf-8")](
               Request& req, Response& resp) {
    if (FirstRun(access) && req.is_loopback) return Redirect(resp, "/setup");
    page(req, resp);
  };
  h.session = [&access](Request& req, Response& resp) {
    std::optional<auth::Caller> caller = access.Identify(req, resp);
    if (!caller) return;
    resp.headers.emplace_back("Cache-Control", "no-store");
    resp.Json(200, SessionJson(*caller, FirstRun(access)).dump());
  };
  h.login = [&access](Request& req, Response& resp) {
    const bool json_client = WantsJson(req);
    if (CrossSite(req))
      return ErrorJson(resp, 403, "cross-site sign-in refused");
    std::optional<Params> form = ReadForm(req, resp);
    if (!form) return;
    std::string user = FormField(*form, "username");
    std::string next = LocalPath(FormField(*form, "next"));
    Result<std::string> cookie = access.authenticator().Login(
        user, FormField(*form, "password"), req.remote_addr);
    if (!cookie.ok()) {
      bool throttled = cookie.status().code() == Status::Code::kLimitExceeded;
      if (json_client)
        return ErrorJson(resp, throttled ? 429 : 401,
                         cookie.status().message());
      if (throttled) {
        resp.Text(429, cookie.status().message() + "\n");
        return;
      }
      return Redirect(resp, "/login?failed=1");
    }
    resp.headers.emplace_back("Set-Cookie",
                              access.SessionCookie(req, cookie.value()));
    if (!json_client) return Redirect(resp, next);
    auth::Credentials c;
    c.cookie = cookie.value();
    Result<auth::Caller> who = access.authenticator().Identify(c);
    resp.Json(200, SessionJson(who.ok() ? *who : auth::Caller{}, false).dump());
  };
  h.logout = [&access](Request& req, Response& resp) {
    std::optional<Params> form = ReadForm(req, resp);
    if (!form) return;
    std::optional<auth::Caller> caller =
        access.Identify(req, resp, FormField(*form, "csrf_token"));
    if (!caller) return;
    (void)access.authenticator().Logout(*caller);
    resp.headers.emplace_back("Set-Cookie", access.ClearedCookie(req));
    Redirect(resp, "/");
  };
  h.setup = [&access](Request& req, Response& resp) {
    if (!req.is_loopback || CrossSite(req))
      return ErrorJson(resp, 403,
                       "the first admin is created from this machine only");
    std::optional<Params> form = ReadForm(req, resp);
    if (!form) return;
    std::string user = FormField(*form, "username");
    std::string password = FormField(*form, "password");
    if (password != FormField(*form, "password2"))
      return ErrorJson(resp, 400, "the two passwords differ");
    if (password.size() < auth::kMinPasswordBytes)
      return ErrorJson(resp, 400, "a password has at least 8 characters");
    Result<std::string> hash = access.authenticator().HashPassword(password);
    if (!hash.ok()) {
      int code =
          hash.status().code() == Status::Code::kLimitExceeded ? 429 : 400;
      return ErrorJson(resp, code, hash.status().message());
    }
    auth::User u;
    u.name = user;
    u.password_hash = hash.value();
    u.permissions = auth::kAdmin;
    u.created_ms = access.authenticator().store().NowMs();
    Status added =
        access.authenticator().store().AddUser(u, /*only_if_none=*/true);
    if (!added.ok()) {
      int code = added.code() == Status::Code::kPermissionDenied ? 403 : 400;
      return ErrorJson(resp, code, added.message());
    }
    auth::Caller shell;
    shell.user = user;
    shell.via = auth::Via::kAnonymous;
    access.Audit(req, shell, "user.add", user, "first admin (setup page)");
    Result<std::string> cookie = access.authenticator().StartSession(user);
    if (cookie.ok())
      resp.headers.emplace_back("Set-Cookie",
                                access.SessionCookie(req, cookie.value()));
    Redirect(resp, "/");
  };
  h.tokens_page =
      MakeAssetHandler("html/tokens.html", "text/html; charset=utf-8");
  h.tokens_list = [&access](Request& req, Response& resp) {
    std::optional<auth::Caller> caller = access.Identify(req, resp);
    if (!caller) return;
    if (!caller->signed_in()) return ErrorJson(resp, 403, "sign in first");
    Result<std::vector<auth::Token>> tokens =
        access.authenticator().store().ListTokens(caller->user);
    if (!tokens.ok()) return ErrorJson(resp, 500, tokens.status().ToString());
    json list = json::array();
    for (const auth::Token& t : *tokens) list.push_back(TokenJson(t));
    resp.headers.emplace_back("Cache-Control", "no-store");
    resp.Json(200, json{{"tokens", list}}.dump());
  };
  h.tokens_create = [&access](Request& req, Response& resp) {
    std::optional<Params> form = ReadForm(req, resp);
    if (!form) return;
    std::optional<auth::Caller> caller =
        access.Identify(req, resp, FormField(*form, "csrf_token"));
    if (!caller) return;
    // A token never mints another: a leaked one must not outlive revocation.
    if (caller->via != auth::Via::kSession)
      return ErrorJson(resp, 403,
                       "tokens are created from a signed-in session");
    std::vector<std::string> names = FormValues(*form, "permissions");
    std::string bad;
    std::optional<auth::PermSet> perms = auth::ParsePermissions(names, &bad);
    if (!perms) return ErrorJson(resp, 400, "unknown permission " + bad);
    if ((auth::Expand(*perms) & ~caller->permissions) != 0)
      return ErrorJson(resp, 403,
                       "a token carries a subset of its owner's permissions");
    std::string days_text = FormField(*form, "days");
    int days = days_text.empty() ? 90 : std::atoi(days_text.c_str());
    if (days < 1 || days > 3650)
      return ErrorJson(resp, 400, "days is 1 to 3650");
    std::string notes = FormField(*form, "notes");
    if (notes.size() > 1000)
      return ErrorJson(resp, 400, "notes are 1000 bytes at most");
    auth::AuthStore& store = access.authenticator().store();
    auth::Token t;
    t.user = caller->user;
    t.permissions = *perms;
    t.notes = base::Utf8Lossy(notes);
    t.created_ms = store.NowMs();
    t.expires_ms = t.created_ms + int64_t{days} * 86'400'000;
    Result<std::string> key = store.CreateToken(t);
    if (!key.ok()) return ErrorJson(resp, 500, key.status().ToString());
    access.Audit(req, *caller, "token.create", caller->user,
                 fmt::format("{}", fmt::join(names, ",")));
    resp.headers.emplace_back("Cache-Control", "no-store");
    resp.Json(200, json{{"key", key.value()}}.dump());
  };
  h.tokens_revoke = [&access](Request& req, Response& resp) {
    std::optional<auth::Caller> caller = access.Identify(req, resp);
    if (!caller) return;
    if (!caller->signed_in()) return ErrorJson(resp, 403, "sign in first");
    std::string id = req.QueryParam("id").value_or("");
    auth::AuthStore& store = access.authenticator().store();
    Result<std::vector<auth::Token>> all = store.ListTokens();
    if (!all.ok()) return ErrorJson(resp, 500, all.status().ToString());
    auto it = std::find_if(all->begin(), all->end(), [&](const auth::Token& t) {
      return !id.empty() && t.id == id;
    });
    if (it == all->end() ||
        (it->user != caller->user && !caller->Has(auth::kAdmin)))
      return ErrorJson(resp, 404, "no such token");
    Result<auth::Token> gone = store.RevokeToken(it->id);
    if (!gone.ok()) return ErrorJson(resp, 500, gone.status().ToString());
    access.Audit(req, *caller, "token.revoke", gone->user, gone->id);
    resp.Json(200, json{{"revoked", gone->id}}.dump());
  };
  return h;
}

}  // namespace crashbox::web
