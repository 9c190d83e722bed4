// SPDX-License-Identifier: MPL-2.0
#include "app/run/auth_commands.h"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/auth/auth_store.h"
#include "app/auth/secrets.h"
#include "app/base/iso_time.h"
#include "app/run/common.h"

namespace crashbox::run {
namespace {

using nlohmann::json;

std::string Date(int64_t ms) {
  if (ms <= 0) return "-";
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// One line from stdin, echo off on a terminal.
std::optional<std::string> ReadSecretLine(const char* prompt) {
  const bool tty = ::isatty(STDIN_FILENO) == 1;
  termios old{};
  if (tty) {
    std::fputs(prompt, stderr);
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fputs("\n", stderr);
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

Result<std::string> NewPasswordHash() {
  std::optional<std::string> p = ReadSecretLine("Password: ");
  if (!p) return Status::InvalidArgument("no password given on stdin");
  if (::isatty(STDIN_FILENO) == 1) {
    std::optional<std::string> again = ReadSecretLine("Password again: ");
    if (!again || *again != *p)
      return Status::InvalidArgument("the two passwords differ");
  }
  if (p->size() < auth::kMinPasswordBytes)
    return Status::InvalidArgument("a password has at least 8 characters");
  return auth::HashPassword(*p);
}

auth::AuditEntry ShellEntry(std::string action, std::string target,
                            std::string detail = {}) {
  auth::AuditEntry e;
  const char* who = std::getenv("USER");
  e.actor = who != nullptr ? fmt::format("shell:{}", who) : "shell";
  e.via = "cli";
  e.action = std::move(action);
  e.target = std::move(target);
  e.detail = std::move(detail);
  return e;
}

// Splits WHAT into permissions and groups; false (after a message) when a
// name is neither.
bool ParseWhat(const std::vector<std::string>& what, auth::PermSet* perms,
               std::vector<std::string>* groups) {
  for (const std::string& w : what) {
    if (auto p = auth::ParsePermission(w)) {
      *perms |= *p;
    } else if (auth::FindGroup(w) != nullptr) {
      groups->push_back(w);
    } else {
      std::vector<std::string> names;
      for (const auto& i : auth::AllPermissions())
        names.emplace_back(i.codename);
      for (const auto& g : auth::AllGroups()) names.emplace_back(g.name);
      CommandError("user",
                   fmt::format("'{}' is no permission or group ({})", w,
                               fmt::join(names, ", ")),
                   2);
      return false;
    }
  }
  return true;
}

json UserJson(const auth::User& u) {
  return {{"name", u.name},
          {"active", u.active},
          {"permissions", auth::PermissionNames(u.permissions)},
          {"groups", u.groups},
          {"effective", auth::PermissionNames(auth::EffectivePermissions(u))},
          {"source", u.source},
          {"created", Date(u.created_ms)},
          {"last_login", Date(u.last_login_ms)}};
}

json TokenJson(const auth::Token& t) {
  return {{"id", t.id},
          {"user", t.user},
          {"permissions", auth::PermissionNames(t.permissions)},
          {"notes", t.notes},
          {"created", Date(t.created_ms)},
          {"expires", Date(t.expires_ms)}};
}

struct Opened {
  OpenStore store;
  base::SystemClock clock;
  std::unique_ptr<auth::AuthStore> auth;
};

Result<std::unique_ptr<Opened>> OpenAuth(const config::Config& config) {
  auto o = std::make_unique<Opened>();
  CB_ASSIGN_OR_RETURN(o->store, OpenCrashStore(config, /*read_only=*/false));
  o->auth = std::make_unique<auth::AuthStore>(*o->store.env, o->clock);
  return o;
}

int Refused(const char* command, const Status& s) {
  return CommandError(command, s.message(),
                      s.code() == Status::Code::kIoError ? 2 : 1);
}

}  // namespace

int User(const config::Config& config, const UserCommand& c) {
  Result<std::unique_ptr<Opened>> opened = OpenAuth(config);
  if (!opened.ok()) return CommandError("user", opened.status().ToString(), 2);
  auth::AuthStore& store = *opened.value()->auth;
  if (c.action == "list") {
    Result<std::vector<auth::User>> users = store.ListUsers();
    if (!users.ok()) return Refused("user", users.status());
    json out = json::array();
    for (const auth::User& u : *users) out.push_back(UserJson(u));
    if (c.format == "json") {
      std::printf("%s\n", out.dump(2).c_str());
      return 0;
    }
    std::printf("%-24s %-8s %-6s %s\n", "NAME", "ACTIVE", "SOURCE",
                "PERMISSIONS (groups)");
    for (const auth::User& u : *users) {
      std::printf(
          "%-24s %-8s %-6s %s%s\n", u.name.c_str(), u.active ? "yes" : "no",
          u.source.c_str(),
          fmt::format("{}",
                      fmt::join(auth::PermissionNames(u.permissions), ","))
              .c_str(),
          u.groups.empty()
              ? ""
              : fmt::format(" ({})", fmt::join(u.groups, ", ")).c_str());
    }
    return 0;
  }
  if (c.name.empty()) return CommandError("user", "give a user name", 2);
  Status s;
  if (c.action == "add") {
    Result<std::string> hash = NewPasswordHash();
    if (!hash.ok()) return CommandError("user", hash.status().message(), 2);
    auth::User u;
    u.name = c.name;
    u.password_hash = hash.value();
    u.permissions = c.admin ? auth::PermSet{auth::kAdmin} : auth::PermSet{0};
    u.created_ms = store.NowMs();
    s = store.AddUser(u);
    if (s.ok())
      s = store.Audit(ShellEntry("user.add", c.name, c.admin ? "admin" : ""));
  } else if (c.action == "passwd") {
    Result<std::string> hash = NewPasswordHash();
    if (!hash.ok()) return CommandError("user", hash.status().message(), 2);
    s = store.UpdateUser(c.name, [&](auth::User& u) {
      u.password_hash = hash.value();
      return Status::Ok();
    });
    if (s.ok()) s = store.Audit(ShellEntry("user.passwd", c.name));
  } else if (c.action == "disable" || c.action == "enable") {
    s = store.UpdateUser(c.name, [&](auth::User& u) {
      u.active = c.action == "enable";
      return Status::Ok();
    });
    if (s.ok()) s = store.Audit(ShellEntry("user." + c.action, c.name));
  } else if (c.action == "grant" || c.action == "revoke") {
    auth::PermSet perms = 0;
    std::vector<std::string> groups;
    if (c.what.empty())
      return CommandError("user", "name permissions or groups", 2);
    if (!ParseWhat(c.what, &perms, &groups)) return 2;
    const bool grant = c.action == "grant";
    s = store.UpdateUser(c.name, [&](auth::User& u) {
      if (grant) {
        u.permissions |= perms;
        for (const std::string& g : groups) {
          if (std::find(u.groups.begin(), u.groups.end(), g) == u.groups.end())
            u.groups.push_back(g);
        }
      } else {
        u.permissions &= ~perms;
        std::erase_if(u.groups, [&](const std::string& g) {
          return std::find(groups.begin(), groups.end(), g) != groups.end();
        });
      }
      return Status::Ok();
    });
    if (s.ok())
      s = store.Audit(ShellEntry("user." + c.action, c.name,
                                 fmt::format("{}", fmt::join(c.what, ","))));
  } else {
    return CommandError("user", "unknown action " + c.action, 2);
  }
  if (!s.ok()) return Refused("user", s);
  Result<auth::User> u = store.GetUser(c.name);
  if (u.ok()) {
    std::printf("%s: %s\n", u->name.c_str(),
                fmt::format("{}", fmt::join(auth::PermissionNames(
                                                auth::EffectivePermissions(*u)),
                                            ", "))
                    .c_str());
  }
  return 0;
}

int Token(const config::Config& config, const TokenCommand& c) {
  Result<std::unique_ptr<Opened>> opened = OpenAuth(config);
  if (!opened.ok()) return CommandError("token", opened.status().ToString(), 2);
  auth::AuthStore& store = *opened.value()->auth;
  if (c.action == "create") {
    if (c.arg.empty()) return CommandError("token", "give the owner's name", 2);
    std::string bad;
    std::optional<auth::PermSet> perms =
        auth::ParsePermissions(c.permissions, &bad);
    if (!perms) return CommandError("token", "no permission " + bad, 2);
    if (c.days < 1 || c.days > 3650)
      return CommandError("token", "--days is 1 to 3650", 2);
    Result<auth::User> owner = store.GetUser(c.arg);
    if (!owner.ok()) return Refused("token", owner.status());
    auth::PermSet lacking =
        auth::Expand(*perms) & ~auth::EffectivePermissions(*owner);
    if (lacking != 0)
      return CommandError(
          "token",
          fmt::format("{} does not hold {}: a token carries a subset of its "
                      "owner's permissions",
                      c.arg, fmt::join(auth::PermissionNames(lacking), ", ")),
          1);
    auth::Token t;
    t.user = c.arg;
    t.permissions = *perms;
    t.notes = c.notes;
    t.created_ms = store.NowMs();
    t.expires_ms = t.created_ms + int64_t{c.days} * 86'400'000;
    Result<std::string> key = store.CreateToken(t);
    if (!key.ok()) return Refused("token", key.status());
    (void)store.Audit(ShellEntry(
        "token.create", c.arg,
        fmt::format("{}", fmt::join(auth::PermissionNames(*perms), ","))));
    std::printf("%s\n", key->c_str());
    std::fprintf(stderr,
                 "crashbox token: the key above is shown once; it expires %s. "
                 "Send it as the Auth-Token header.\n",
                 Date(t.expires_ms).c_str());
    return 0;
  }
  if (c.action == "list") {
    Result<std::vector<auth::Token>> tokens = store.ListTokens(c.arg);
    if (!tokens.ok()) return Refused("token", tokens.status());
    if (c.format == "json") {
      json out = json::array();
      for (const auth::Token& t : *tokens) out.push_back(TokenJson(t));
      std::printf("%s\n", out.dump(2).c_str());
      return 0;
    }
    std::printf("%-12s  %-20s %-20s %-40s %s\n", "ID", "USER", "EXPIRES",
                "PERMISSIONS", "NOTES");
    for (const auth::Token& t : *tokens) {
      std::printf(
          "%-12s  %-20s %-20s %-40s %s\n", t.id.c_str(), t.user.c_str(),
          Date(t.expires_ms).c_str(),
          fmt::format("{}",
                      fmt::join(auth::PermissionNames(t.permissions), ","))
              .c_str(),
          t.notes.c_str());
    }
    return 0;
  }
  if (c.action == "revoke") {
    Result<auth::Token> gone = store.RevokeToken(c.arg);
    if (!gone.ok()) return Refused("token", gone.status());
    (void)store.Audit(ShellEntry("token.revoke", gone->user, gone->id));
    std::printf("revoked %s (%s)\n", gone->id.c_str(), gone->user.c_str());
    return 0;
  }
  return CommandError("token", "unknown action " + c.action, 2);
}

int Audit(const config::Config& config, const AuditCommand& c) {
  Result<std::unique_ptr<Opened>> opened = OpenAuth(config);
  if (!opened.ok()) return CommandError("audit", opened.status().ToString(), 2);
  int64_t since_ms = 0;
  if (!c.since.empty()) {
    std::string when =
        c.since.size() == 10 ? c.since + "T00:00:00+00:00" : c.since;
    std::optional<int64_t> t = base::ParseIsoTimestampSeconds(when);
    if (!t) return CommandError("audit", "--since is a date: YYYY-MM-DD", 2);
    since_ms = *t * 1000;
  }
  Result<std::vector<auth::AuditEntry>> entries =
      opened.value()->auth->ReadAudit(since_ms, c.limit);
  if (!entries.ok()) return Refused("audit", entries.status());
  if (c.format == "json") {
    for (const auth::AuditEntry& e : *entries) {
      std::printf("%s\n", json{{"time", Date(e.time_ms)},
                               {"actor", e.actor},
                               {"via", e.via},
                               {"action", e.action},
                               {"target", e.target},
                               {"address", e.address},
                               {"detail", e.detail}}
                              .dump()
                              .c_str());
    }
    return 0;
  }
  for (const auth::AuditEntry& e : *entries) {
    std::printf("%s  %-20s %-14s %-16s %s%s%s\n", Date(e.time_ms).c_str(),
                e.actor.c_str(), e.via.c_str(), e.action.c_str(),
                e.target.c_str(), e.address.empty() ? "" : "  from ",
                e.address.c_str());
  }
  return 0;
}

}  // namespace crashbox::run
