// SPDX-License-Identifier: MPL-2.0
// AuthStore: users, API tokens, sessions and the audit log, in the crash
// store's LMDB environment (databases "auth" and "audit"), so the server and
// the `crashbox user|token|audit` commands share them while both run.
//
// "auth" keys (values are JSON):
//   user/<name>              a User
//   token/<sha256 of key>    a Token (the key itself is never stored)
//   session/<sha256 of id>   a Session
//   secret                   the server's cookie-signing key (random, once)
//   setting/<name>           a site setting (GetSetting)
// "audit" keys: <micros since epoch, 16 hex><'-'><8 random hex> → an
// AuditEntry, so a scan reads them in time order.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/auth/permissions.h"
#include "app/base/clock.h"
#include "app/base/status.h"
#include "store/lmdb/env.h"

namespace crashbox::auth {

struct User {
  std::string name;
  std::string password_hash;  // Argon2id PHC string; "" = cannot log in
  bool active = true;
  PermSet permissions = 0;  // granted to the user directly
  std::vector<std::string> groups;
  std::string source = "local";  // or "proxy": created on first sight
  int64_t created_ms = 0;
  int64_t last_login_ms = 0;
};
// Direct grants, the groups' permissions, and everything for admin.
PermSet EffectivePermissions(const User& u);

struct Token {
  std::string id;  // the first 12 hex of the key's digest: list and revoke
  std::string user;
  PermSet permissions = 0;  // as created; intersected with the owner's
  std::string notes;
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
};

struct Session {
  std::string user;
  std::string csrf;  // the token forms and scripts send back
  int64_t created_ms = 0;
  int64_t expires_ms = 0;
};

struct AuditEntry {
  int64_t time_ms = 0;
  std::string actor;    // user name, "" anonymous, "shell" for the CLI
  std::string via;      // session, token, proxy, cli, auth-off
  std::string action;   // view_pii, view_rawdump, token.create, ...
  std::string target;   // a crash id, a user, a token id
  std::string address;  // the client's address ("" from the CLI)
  std::string detail;
};

// User names: 1 to 150 of letters, digits and @ . + - _ (Django's rule).
bool ValidUserName(std::string_view name);

class AuthStore {
 public:
  AuthStore(store::lmdb::Env& env, const base::Clock& clock)
      : env_(env), clock_(clock) {}

  int64_t NowMs() const;

  // Users. AddUser fails (kInvalidArgument) when the name is taken;
  // `only_if_none` makes it fail unless no user exists at all, checked in
  // the same transaction (the first-run page).
  Status AddUser(const User& user, bool only_if_none = false);
  Result<User> GetUser(std::string_view name);
  // Applies `change` to the stored user inside one transaction.
  Status UpdateUser(std::string_view name,
                    const std::function<Status(User&)>& change);
  Result<std::vector<User>> ListUsers();
  Result<bool> HasUsers();

  // Tokens. CreateToken returns the key: 32 lowercase hex, shown once.
  Result<std::string> CreateToken(Token token);
  // The token whose key is `key`, or kNotFound.
  Result<Token> FindToken(std::string_view key);
  // Every token ("" user: everyone's), oldest first.
  Result<std::vector<Token>> ListTokens(std::string_view user = "");
  // Removes the token with `id` (or a unique prefix of 6+ hex of it).
  Result<Token> RevokeToken(std::string_view id);

  // Sessions: CreateSession returns the session id (64 hex).
  Result<std::string> CreateSession(std::string_view user,
                                    std::chrono::seconds ttl);
  Result<Session> GetSession(std::string_view id);
  Status DeleteSession(std::string_view id);
  // Drops expired sessions and tokens; returns how many.
  Result<size_t> Sweep();

  // The cookie-signing key, made on first use.
  Result<std::string> ServerSecret();

  // Site settings ("setting/<name>" keys; the status banner): "" when
  // unset. Putting "" removes one.
  Result<std::string> GetSetting(std::string_view name);
  Status PutSetting(std::string_view name, std::string_view value);

  Status Audit(AuditEntry entry);
  // Entries from `since_ms` on, oldest first, at most `limit`.
  Result<std::vector<AuditEntry>> ReadAudit(int64_t since_ms, size_t limit);

 private:
  store::lmdb::Env& env_;
  const base::Clock& clock_;
};

}  // namespace crashbox::auth
