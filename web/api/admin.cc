// SPDX-License-Identifier: MPL-2.0
#include "web/api/admin.h"

#include <algorithm>
#include <chrono>
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

constexpr std::string_view kStatusSetting = "status_message";
constexpr size_t kMaxStatusBytes = 1000;
constexpr size_t kMaxAuditEntries = 1000;
constexpr size_t kMaxBugAssociations = 10'000;

std::string Iso(int64_t ms) {
  return ms > 0 ? base::IsoTimestampSeconds(ms / 1000) : "";
}

json UserJson(const auth::User& u) {
  return {
      {"name", u.name},
      {"active", u.active},
      {"source", u.source},
      {"permissions", json(auth::PermissionNames(u.permissions))},
      {"groups", u.groups},
      {"effective", json(auth::PermissionNames(auth::EffectivePermissions(u)))},
      {"created", Iso(u.created_ms)},
      {"last_login", Iso(u.last_login_ms)}};
}

// The caller of a request that needs `admin`, or nullopt after answering.
// `form` carries the CSRF token of a form post.
std::optional<auth::Caller> Admin(Access& access, const Request& req,
                                  Response& resp,
                                  const Params* form = nullptr) {
  std::optional<auth::Caller> caller = access.Identify(
      req, resp,
      form ? std::optional<std::string_view>(FormField(*form, "csrf_token"))
           : std::nullopt);
  if (!caller || !Access::Require(*caller, auth::kAdmin, resp))
    return std::nullopt;
  return caller;
}

// The permissions and groups a form names; nullopt after a 400 for an
// unknown one.
struct Grants {
  auth::PermSet permissions = 0;
  std::vector<std::string> groups;
};
std::optional<Grants> ReadGrants(const Params& form, Response& resp) {
  Grants g;
  std::string bad;
  std::optional<auth::PermSet> perms =
      auth::ParsePermissions(FormValues(form, "permissions"), &bad);
  if (!perms) {
    ErrorJson(resp, 400, "unknown permission " + bad);
    return std::nullopt;
  }
  g.permissions = *perms;
  for (const std::string& name : FormValues(form, "groups")) {
    if (auth::FindGroup(name) == nullptr) {
      ErrorJson(resp, 400, "unknown group " + name);
      return std::nullopt;
    }
    if (std::find(g.groups.begin(), g.groups.end(), name) == g.groups.end())
      g.groups.push_back(name);
  }
  return g;
}

// A user form from an admin: its fields, who sent it, the grants it names;
// nullopt after answering.
struct UserForm {
  Params form;
  auth::Caller caller;
  Grants grants;
};
std::optional<UserForm> ReadUserForm(Access& access, Request& req,
                                     Response& resp) {
  std::optional<Params> form = ReadForm(req, resp);
  if (!form) return std::nullopt;
  std::optional<auth::Caller> caller = Admin(access, req, resp, &*form);
  if (!caller) return std::nullopt;
  std::optional<Grants> grants = ReadGrants(*form, resp);
  if (!grants) return std::nullopt;
  return UserForm{std::move(*form), std::move(*caller), std::move(*grants)};
}

// A password as the HTTP API accepts it: hashed on the password threads.
Result<std::string> NewPasswordHash(Access& access, std::string_view password) {
  if (password.size() < auth::kMinPasswordBytes)
    return Status::InvalidArgument("a password has at least 8 characters");
  return access.authenticator().HashPassword(password);
}

int HttpCode(const Status& s) {
  switch (s.code()) {
    case Status::Code::kNotFound:
      return 404;
    case Status::Code::kInvalidArgument:
      return 400;
    case Status::Code::kLimitExceeded:
      return 429;
    case Status::Code::kPermissionDenied:
      return 403;
    default:
      return 500;
  }
}

std::string GrantsDetail(const auth::User& u) {
  return fmt::format("active={} permissions={} groups={}", u.active,
                     fmt::join(auth::PermissionNames(u.permissions), ","),
                     fmt::join(u.groups, ","));
}

}  // namespace

AdminHandlers MakeAdminHandlers(Access& access, store::lmdb::BugStore& bugs) {
  AdminHandlers h;
  h.page = MakeAssetHandler("html/admin.html", "text/html; charset=utf-8");

  h.users_list = [&access](Request& req, Response& resp) {
    if (!Admin(access, req, resp)) return;
    Result<std::vector<auth::User>> users =
        access.authenticator().store().ListUsers();
    if (!users.ok()) return ErrorJson(resp, 500, users.status().ToString());
    json list = json::array();
    for (const auth::User& u : users.value()) list.push_back(UserJson(u));
    json perms = json::array();
    for (const auth::PermissionInfo& p : auth::AllPermissions())
      perms.push_back({{"codename", p.codename}, {"display", p.display}});
    json groups = json::array();
    for (const auth::GroupInfo& g : auth::AllGroups())
      groups.push_back(
          {{"name", g.name},
           {"permissions", json(auth::PermissionNames(g.permissions))}});
    ReplyJson(
        resp, 200,
        json{{"users", list}, {"permissions", perms}, {"groups", groups}});
  };

  h.users_create = [&access](Request& req, Response& resp) {
    std::optional<UserForm> f = ReadUserForm(access, req, resp);
    if (!f) return;
    auth::User u;
    u.name = FormField(f->form, "username");
    if (!auth::ValidUserName(u.name))
      return ErrorJson(resp, 400,
                       "a user name is 1 to 150 letters, digits and @.+-_");
    Result<std::string> hash =
        NewPasswordHash(access, FormField(f->form, "password"));
    if (!hash.ok())
      return ErrorJson(resp, HttpCode(hash.status()), hash.status().message());
    u.password_hash = hash.value();
    u.permissions = f->grants.permissions;
    u.groups = f->grants.groups;
    auth::AuthStore& store = access.authenticator().store();
    u.created_ms = store.NowMs();
    if (Status s = store.AddUser(u); !s.ok())
      return ErrorJson(resp, HttpCode(s), s.message());
    access.Audit(req, f->caller, "user.add", u.name, GrantsDetail(u));
    ReplyJson(resp, 201, json{{"user", UserJson(u)}});
  };

  h.users_update = [&access](Request& req, Response& resp) {
    std::optional<UserForm> f = ReadUserForm(access, req, resp);
    if (!f) return;
    const std::string name = FormField(f->form, "username");
    const std::string active = FormField(f->form, "active");
    if (active != "true" && active != "false")
      return ErrorJson(resp, 400, "active is true or false");
    std::string hash;
    if (std::string password = FormField(f->form, "password");
        !password.empty()) {
      Result<std::string> hashed = NewPasswordHash(access, password);
      if (!hashed.ok())
        return ErrorJson(resp, HttpCode(hashed.status()),
                         hashed.status().message());
      hash = hashed.value();
    }
    auth::User after;
    Status s = access.authenticator().store().UpdateUser(
        name, [&](auth::User& u) -> Status {
          u.active = active == "true";
          u.permissions = f->grants.permissions;
          u.groups = f->grants.groups;
          if (!hash.empty()) u.password_hash = hash;
          // A site must keep a way in: its admin cannot lock themself out.
          if (u.name == f->caller.user &&
              (!u.active || !(auth::EffectivePermissions(u) & auth::kAdmin)))
            return Status::InvalidArgument(
                "you cannot disable yourself or drop your own admin "
                "permission; another admin can");
          after = u;
          return {};
        });
    if (!s.ok()) return ErrorJson(resp, HttpCode(s), s.message());
    access.Audit(req, f->caller, "user.update", name,
                 GrantsDetail(after) + (hash.empty() ? "" : " password"));
    ReplyJson(resp, 200, json{{"user", UserJson(after)}});
  };

  h.audit_log = [&access](Request& req, Response& resp) {
    if (!Admin(access, req, resp)) return;
    int64_t since_ms =
        access.authenticator().store().NowMs() - int64_t{7} * 86'400'000;
    if (std::string since = req.QueryParam("since").value_or("");
        !since.empty()) {
      if (since.size() == 10) since += "T00:00:00+00:00";
      std::optional<int64_t> t = base::ParseIsoTimestampSeconds(since);
      if (!t)
        return ErrorJson(resp, 400,
                         "since is a date: YYYY-MM-DD or "
                         "YYYY-MM-DDTHH:MM:SS+00:00");
      since_ms = *t * 1000;
    }
    size_t limit = 200;
    if (std::string l = req.QueryParam("limit").value_or(""); !l.empty()) {
      char* end = nullptr;
      long n = std::strtol(l.c_str(), &end, 10);
      if (*end != '\0' || n < 1 || n > static_cast<long>(kMaxAuditEntries))
        return ErrorJson(resp, 400, "limit is 1 to 1000");
      limit = static_cast<size_t>(n);
    }
    Result<std::vector<auth::AuditEntry>> entries =
        access.authenticator().store().ReadAudit(since_ms, limit + 1);
    if (!entries.ok()) return ErrorJson(resp, 500, entries.status().ToString());
    bool more = entries->size() > limit;
    if (more) entries->pop_back();
    json list = json::array();
    for (const auth::AuditEntry& e : entries.value()) {
      list.push_back({{"time", base::IsoTimestampMicros(
                                   std::chrono::system_clock::time_point(
                                       std::chrono::milliseconds(e.time_ms)))},
                      {"actor", e.actor},
                      {"via", e.via},
                      {"action", e.action},
                      {"target", e.target},
                      {"address", e.address},
                      {"detail", e.detail}});
    }
    ReplyJson(resp, 200, json{{"entries", list}, {"more", more}});
  };

  h.status_get = [&access](Request& req, Response& resp) {
    std::optional<auth::Caller> caller = access.Identify(req, resp);
    if (!caller) return;
    Result<std::string> v =
        access.authenticator().store().GetSetting(kStatusSetting);
    if (!v.ok()) return ErrorJson(resp, 500, v.status().ToString());
    json status = json::parse(v.value(), nullptr, false);
    if (!status.is_object()) status = {{"message", nullptr}};
    ReplyJson(resp, 200, status);
  };

  h.status_set = [&access](Request& req, Response& resp) {
    std::optional<Params> form = ReadForm(req, resp);
    if (!form) return;
    std::optional<auth::Caller> caller = Admin(access, req, resp, &*form);
    if (!caller) return;
    std::string message = FormField(*form, "message");
    std::string severity = FormField(*form, "severity");
    if (severity.empty()) severity = "info";
    if (severity != "info" && severity != "warning" && severity != "critical")
      return ErrorJson(resp, 400, "severity is info, warning or critical");
    if (message.size() > kMaxStatusBytes)
      return ErrorJson(resp, 400, "a status message is 1000 bytes at most");
    auth::AuthStore& store = access.authenticator().store();
    json status = {{"message", nullptr}};
    if (!message.empty()) {
      status = {{"message", base::Utf8Lossy(message)},
                {"severity", severity},
                {"created", Iso(store.NowMs())},
                {"author", caller->user}};
    }
    Status s = store.PutSetting(
        kStatusSetting, message.empty() ? std::string() : status.dump());
    if (!s.ok()) return ErrorJson(resp, 500, s.ToString());
    access.Audit(req, *caller, message.empty() ? "status.clear" : "status.set",
                 severity, base::Utf8Lossy(message));
    ReplyJson(resp, 200, status);
  };

  h.bug_associations = [&access, &bugs](Request& req, Response& resp) {
    std::optional<auth::Caller> caller = access.Identify(req, resp);
    if (!caller) return;
    Result<std::vector<store::lmdb::BugAssociation>> all =
        bugs.All(kMaxBugAssociations);
    if (!all.ok()) return ErrorJson(resp, 500, all.status().ToString());
    json hits = json::array();
    for (const auto& a : all.value())
      hits.push_back({{"id", a.bug_id}, {"signature", a.signature}});
    ReplyJson(resp, 200, json{{"hits", hits}, {"total", hits.size()}});
  };
  return h;
}

}  // namespace crashbox::web
