// SPDX-License-Identifier: MPL-2.0
#include "app/auth/auth_store.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/auth/secrets.h"

namespace crashbox::auth {
namespace {

using nlohmann::json;
using store::lmdb::Db;
using store::lmdb::ReadTxn;
using store::lmdb::WriteTxn;

constexpr std::string_view kUserPrefix = "user/";
constexpr std::string_view kTokenPrefix = "token/";
constexpr std::string_view kSessionPrefix = "session/";
constexpr std::string_view kSecretKey = "secret";

std::string UserKey(std::string_view name) {
  return std::string(kUserPrefix) + std::string(name);
}

json Encode(const User& u) {
  return {{"name", u.name},
          {"password", u.password_hash},
          {"active", u.active},
          {"permissions", PermissionNames(u.permissions)},
          {"groups", u.groups},
          {"source", u.source},
          {"created_ms", u.created_ms},
          {"last_login_ms", u.last_login_ms}};
}

// Unknown permission names (from a newer crashbox) are dropped, never
// widened into others.
PermSet DecodePermissions(const json& j) {
  PermSet set = 0;
  if (!j.is_array()) return set;
  for (const json& n : j) {
    if (!n.is_string()) continue;
    if (auto p = ParsePermission(n.get<std::string>())) set |= *p;
  }
  return set;
}

// A stored record as a JSON object, or kCorrupt naming `what`.
Result<json> ParseRecord(std::string_view text, std::string_view what) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object())
    return Status::Corrupt(fmt::format("auth: unreadable {} record", what));
  return j;
}

Result<User> DecodeUser(std::string_view text) {
  CB_ASSIGN_OR_RETURN(json j, ParseRecord(text, "user"));
  User u;
  u.name = j.value("name", "");
  u.password_hash = j.value("password", "");
  u.active = j.value("active", false);
  u.permissions = DecodePermissions(j.value("permissions", json::array()));
  for (const json& g : j.value("groups", json::array())) {
    if (g.is_string()) u.groups.push_back(g.get<std::string>());
  }
  u.source = j.value("source", "local");
  u.created_ms = j.value("created_ms", int64_t{0});
  u.last_login_ms = j.value("last_login_ms", int64_t{0});
  return u;
}

json Encode(const Token& t) {
  return {{"id", t.id},
          {"user", t.user},
          {"permissions", PermissionNames(t.permissions)},
          {"notes", t.notes},
          {"created_ms", t.created_ms},
          {"expires_ms", t.expires_ms}};
}

Result<Token> DecodeToken(std::string_view text) {
  CB_ASSIGN_OR_RETURN(json j, ParseRecord(text, "token"));
  Token t;
  t.id = j.value("id", "");
  t.user = j.value("user", "");
  t.permissions = DecodePermissions(j.value("permissions", json::array()));
  t.notes = j.value("notes", "");
  t.created_ms = j.value("created_ms", int64_t{0});
  t.expires_ms = j.value("expires_ms", int64_t{0});
  return t;
}

Result<Session> DecodeSession(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return Status::Corrupt("auth: unreadable session record");
  Session s;
  s.user = j.value("user", "");
  s.csrf = j.value("csrf", "");
  s.created_ms = j.value("created_ms", int64_t{0});
  s.expires_ms = j.value("expires_ms", int64_t{0});
  return s;
}

json Encode(const AuditEntry& e) {
  return {{"time_ms", e.time_ms}, {"actor", e.actor},   {"via", e.via},
          {"action", e.action},   {"target", e.target}, {"address", e.address},
          {"detail", e.detail}};
}

AuditEntry DecodeAudit(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  AuditEntry e;
  if (!j.is_object()) return e;
  e.time_ms = j.value("time_ms", int64_t{0});
  e.actor = j.value("actor", "");
  e.via = j.value("via", "");
  e.action = j.value("action", "");
  e.target = j.value("target", "");
  e.address = j.value("address", "");
  e.detail = j.value("detail", "");
  return e;
}

std::string AuditKey(int64_t micros) {
  return fmt::format("{:016x}-{}", static_cast<uint64_t>(micros), RandomHex(4));
}

// Runs `visit` over every record under `prefix`, copying each value out
// (a read transaction's views die with it).
Status ScanAll(
    store::lmdb::Env& env, Db db, std::string_view prefix,
    const std::function<void(std::string_view, std::string_view)>& visit) {
  return env.Read([&](ReadTxn& txn) {
    return txn.Scan(db, prefix, [&](std::string_view k, std::string_view v) {
      visit(k, v);
      return true;
    });
  });
}

}  // namespace

PermSet EffectivePermissions(const User& u) {
  if (!u.active) return 0;
  PermSet set = u.permissions;
  for (const std::string& g : u.groups) {
    if (const GroupInfo* info = FindGroup(g)) set |= info->permissions;
  }
  return Expand(set);
}

bool ValidUserName(std::string_view name) {
  if (name.empty() || name.size() > 150) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') ||
           std::string_view("@.+-_").find(c) != std::string_view::npos;
  });
}

int64_t AuthStore::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             clock_.Now().time_since_epoch())
      .count();
}

Status AuthStore::AddUser(const User& user, bool only_if_none) {
  if (!ValidUserName(user.name))
    return Status::InvalidArgument(
        "a user name is 1 to 150 letters, digits and @ . + - _");
  std::string value = Encode(user).dump();
  return env_.Write(value.size(), [&](WriteTxn& txn) -> Status {
    if (only_if_none) {
      Result<std::string> any = txn.LastKeyWithPrefix(Db::kAuth, kUserPrefix);
      if (any.ok()) return Status::PermissionDenied("a user exists already");
    }
    if (txn.Get(Db::kAuth, UserKey(user.name)).ok())
      return Status::InvalidArgument(
          fmt::format("user {} exists already", user.name));
    return txn.Put(Db::kAuth, UserKey(user.name), value);
  });
}

Result<User> AuthStore::GetUser(std::string_view name) {
  std::string value;
  Status s = env_.Read([&](ReadTxn& txn) -> Status {
    Result<std::string_view> v = txn.Get(Db::kAuth, UserKey(name));
    if (!v.ok()) return v.status();
    value = v.value();
    return {};
  });
  if (s.code() == Status::Code::kNotFound)
    return Status::NotFound(fmt::format("no user {}", name));
  if (!s.ok()) return s;
  return DecodeUser(value);
}

Status AuthStore::UpdateUser(std::string_view name,
                             const std::function<Status(User&)>& change) {
  return env_.Write(512, [&](WriteTxn& txn) -> Status {
    Result<std::string> old = txn.Get(Db::kAuth, UserKey(name));
    if (!old.ok()) {
      return old.status().code() == Status::Code::kNotFound
                 ? Status::NotFound(fmt::format("no user {}", name))
                 : old.status();
    }
    CB_ASSIGN_OR_RETURN(User u, DecodeUser(old.value()));
    CB_RETURN_IF_ERROR(change(u));
    return txn.Put(Db::kAuth, UserKey(name), Encode(u).dump());
  });
}

Result<std::vector<User>> AuthStore::ListUsers() {
  std::vector<User> out;
  Status bad;
  CB_RETURN_IF_ERROR(ScanAll(env_, Db::kAuth, kUserPrefix,
                             [&](std::string_view, std::string_view v) {
                               Result<User> u = DecodeUser(v);
                               if (u.ok()) {
                                 out.push_back(std::move(u).value());
                               } else {
                                 bad = u.status();
                               }
                             }));
  CB_RETURN_IF_ERROR(bad);
  return out;
}

Result<bool> AuthStore::HasUsers() {
  bool any = false;
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) {
    return txn.Scan(Db::kAuth, kUserPrefix, [&](auto, auto) {
      any = true;
      return false;
    });
  }));
  return any;
}

Result<std::string> AuthStore::CreateToken(Token token) {
  std::string key = RandomHex(16);
  std::string digest = DigestHex(key);
  token.id = digest.substr(0, 12);
  if (token.created_ms == 0) token.created_ms = NowMs();
  std::string value = Encode(token).dump();
  CB_RETURN_IF_ERROR(env_.Write(value.size(), [&](WriteTxn& txn) -> Status {
    if (!txn.Get(Db::kAuth, UserKey(token.user)).ok())
      return Status::NotFound(fmt::format("no user {}", token.user));
    return txn.Put(Db::kAuth, std::string(kTokenPrefix) + digest, value);
  }));
  return key;
}

Result<Token> AuthStore::FindToken(std::string_view key) {
  const std::string digest = DigestHex(key);
  std::string stored_key = std::string(kTokenPrefix) + digest, value;
  Status s = env_.Read([&](ReadTxn& txn) -> Status {
    // The lookup finds the record by the digest; the comparison that grants
    // access is the constant-time one below.
    Status found = txn.Scan(Db::kAuth, stored_key,
                            [&](std::string_view k, std::string_view v) {
                              if (ConstantTimeEquals(k, stored_key)) value = v;
                              return false;
                            });
    CB_RETURN_IF_ERROR(found);
    return value.empty() ? Status::NotFound("API Token not matched")
                         : Status::Ok();
  });
  if (!s.ok()) return s;
  return DecodeToken(value);
}

Result<std::vector<Token>> AuthStore::ListTokens(std::string_view user) {
  std::vector<Token> out;
  CB_RETURN_IF_ERROR(ScanAll(env_, Db::kAuth, kTokenPrefix,
                             [&](std::string_view, std::string_view v) {
                               Result<Token> t = DecodeToken(v);
                               if (t.ok() && (user.empty() || t->user == user))
                                 out.push_back(std::move(t).value());
                             }));
  std::sort(out.begin(), out.end(), [](const Token& a, const Token& b) {
    return a.created_ms < b.created_ms;
  });
  return out;
}

Result<Token> AuthStore::RevokeToken(std::string_view id) {
  if (id.size() < 6)
    return Status::InvalidArgument("give at least 6 characters of a token id");
  // Find the one record whose id starts with `id`, then delete it.
  std::vector<std::pair<std::string, Token>> matches;
  CB_RETURN_IF_ERROR(ScanAll(env_, Db::kAuth, kTokenPrefix,
                             [&](std::string_view k, std::string_view v) {
                               Result<Token> t = DecodeToken(v);
                               if (t.ok() &&
                                   t->id.compare(0, id.size(), id) == 0)
                                 matches.emplace_back(std::string(k), *t);
                             }));
  if (matches.empty()) return Status::NotFound(fmt::format("no token {}", id));
  if (matches.size() > 1)
    return Status::InvalidArgument(fmt::format(
        "{} names {} tokens; give more of its id", id, matches.size()));
  CB_RETURN_IF_ERROR(env_.Write(64, [&](WriteTxn& txn) {
    return txn.Delete(Db::kAuth, matches[0].first);
  }));
  return matches[0].second;
}

Result<std::string> AuthStore::CreateSession(std::string_view user,
                                             std::chrono::seconds ttl) {
  std::string id = RandomHex(32);
  const int64_t now = NowMs();
  json j = {
      {"user", user},
      {"csrf", RandomHex(16)},
      {"created_ms", now},
      {"expires_ms",
       now +
           std::chrono::duration_cast<std::chrono::milliseconds>(ttl).count()}};
  std::string value = j.dump();
  CB_RETURN_IF_ERROR(env_.Write(value.size(), [&](WriteTxn& txn) {
    return txn.Put(Db::kAuth, std::string(kSessionPrefix) + DigestHex(id),
                   value);
  }));
  return id;
}

Result<Session> AuthStore::GetSession(std::string_view id) {
  std::string value;
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) -> Status {
    Result<std::string_view> v =
        txn.Get(Db::kAuth, std::string(kSessionPrefix) + DigestHex(id));
    if (!v.ok()) return v.status();
    value = v.value();
    return {};
  }));
  return DecodeSession(value);
}

Status AuthStore::DeleteSession(std::string_view id) {
  return env_.Write(64, [&](WriteTxn& txn) {
    Status s =
        txn.Delete(Db::kAuth, std::string(kSessionPrefix) + DigestHex(id));
    return s.code() == Status::Code::kNotFound ? Status::Ok() : s;
  });
}

Result<size_t> AuthStore::Sweep() {
  const int64_t now = NowMs();
  std::vector<std::string> expired;
  for (std::string_view prefix : {kSessionPrefix, kTokenPrefix}) {
    CB_RETURN_IF_ERROR(ScanAll(
        env_, Db::kAuth, prefix, [&](std::string_view k, std::string_view v) {
          json j = json::parse(v, nullptr, false);
          if (j.is_object() && j.value("expires_ms", now + 1) <= now)
            expired.emplace_back(k);
        }));
  }
  if (expired.empty()) return size_t{0};
  CB_RETURN_IF_ERROR(env_.Write(expired.size() * 64, [&](WriteTxn& txn) {
    for (const std::string& k : expired) {
      Status s = txn.Delete(Db::kAuth, k);
      if (!s.ok() && s.code() != Status::Code::kNotFound) return s;
    }
    return Status::Ok();
  }));
  return expired.size();
}

Result<std::string> AuthStore::ServerSecret() {
  std::string secret;
  Status s = env_.Read([&](ReadTxn& txn) -> Status {
    Result<std::string_view> v = txn.Get(Db::kAuth, kSecretKey);
    if (!v.ok()) return v.status();
    secret = v.value();
    return {};
  });
  if (s.ok()) return secret;
  if (s.code() != Status::Code::kNotFound) return s;
  std::string fresh = RandomHex(32);
  CB_RETURN_IF_ERROR(env_.Write(fresh.size(), [&](WriteTxn& txn) -> Status {
    // Another process may have made it meanwhile: keep theirs.
    Result<std::string> had = txn.Get(Db::kAuth, kSecretKey);
    if (had.ok()) {
      fresh = had.value();
      return {};
    }
    return txn.Put(Db::kAuth, kSecretKey, fresh);
  }));
  return fresh;
}

Result<std::string> AuthStore::GetSetting(std::string_view name) {
  std::string value;
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) -> Status {
    Result<std::string_view> v =
        txn.Get(Db::kAuth, "setting/" + std::string(name));
    if (v.ok()) value = v.value();
    return v.ok() || v.status().code() == Status::Code::kNotFound ? Status{}
                                                                  : v.status();
  }));
  return value;
}

Status AuthStore::PutSetting(std::string_view name, std::string_view value) {
  const std::string key = "setting/" + std::string(name);
  return env_.Write(key.size() + value.size(), [&](WriteTxn& txn) -> Status {
    if (value.empty()) {
      Status s = txn.Delete(Db::kAuth, key);
      return s.code() == Status::Code::kNotFound ? Status{} : s;
    }
    return txn.Put(Db::kAuth, key, value);
  });
}

Status AuthStore::Audit(AuditEntry entry) {
  const int64_t micros = std::chrono::duration_cast<std::chrono::microseconds>(
                             clock_.Now().time_since_epoch())
                             .count();
  if (entry.time_ms == 0) entry.time_ms = micros / 1000;
  std::string value = Encode(entry).dump();
  return env_.Write(value.size(), [&](WriteTxn& txn) {
    return txn.Put(Db::kAudit, AuditKey(micros), value);
  });
}

Result<std::vector<AuditEntry>> AuthStore::ReadAudit(int64_t since_ms,
                                                     size_t limit) {
  std::vector<AuditEntry> out;
  std::string start = fmt::format(
      "{:016x}", static_cast<uint64_t>(std::max<int64_t>(0, since_ms) * 1000));
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) {
    return txn.ScanFrom(Db::kAudit, "", start,
                        [&](std::string_view, std::string_view v) {
                          out.push_back(DecodeAudit(v));
                          return out.size() < limit;
                        });
  }));
  return out;
}

}  // namespace crashbox::auth
