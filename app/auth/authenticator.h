// SPDX-License-Identifier: MPL-2.0
// Authenticator: who a request is (Caller) from what it carries
// (Credentials), and password logins. In order:
//   1. authentication off (`--auth=off`, loopback servers only): everything;
//   2. an `Auth-Token` header: that token's permissions, as far as its
//      owner still holds them (Socorro's 403 messages when it is unknown,
//      expired or its owner disabled);
//   3. the configured proxy header, from a configured proxy address only:
//      that user, created on first sight without permissions;
//   4. a session cookie signed with this server's secret;
//   5. anonymous: public data only.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/auth/auth_store.h"
#include "app/auth/permissions.h"
#include "app/auth/throttle.h"

namespace crashbox::auth {

struct AuthOptions {
  bool enabled = true;
  // A request from one of `proxy_addresses` (exact TCP peers) with this
  // header is the user it names ("" = no proxy sign-on).
  std::string proxy_header;
  std::vector<std::string> proxy_addresses;
  std::chrono::seconds session_ttl{14 * 24 * 3600};
  ThrottleOptions throttle;
  // Password checks running at once (each Argon2id holds 19 MiB and a
  // worker for ~20 ms); more sign-ins are refused until one ends.
  int max_concurrent_password_checks = 2;
  // API requests per minute (Socorro's 100 and 1000): per address for
  // anonymous callers, per token or user otherwise; loopback clients are
  // not limited. 0 = no limit.
  int api_rate_anonymous = 100;
  int api_rate_authenticated = 1000;
};

enum class Via : uint8_t { kAnonymous, kSession, kToken, kProxy, kAuthOff };
std::string_view ViaName(Via v);

struct Caller {
  Via via = Via::kAnonymous;
  std::string user;  // "" when anonymous or with authentication off
  PermSet permissions = 0;
  std::string token_id;    // kToken
  std::string session_id;  // kSession (to log out)
  std::string csrf;        // kSession: what state-changing requests echo
  bool Has(Perm p) const { return (permissions & p) == p; }
  bool signed_in() const { return !user.empty(); }
};

struct Credentials {
  std::string peer;                       // the TCP peer's address
  std::optional<std::string> token;       // Auth-Token
  std::optional<std::string> proxy_user;  // the proxy header's value
  std::optional<std::string> cookie;      // the session cookie's value
};

inline constexpr std::string_view kSessionCookie = "crashbox_session";

class Authenticator {
 public:
  static Result<std::unique_ptr<Authenticator>> Create(AuthStore& store,
                                                       AuthOptions options);
  ~Authenticator();

  // kPermissionDenied with Socorro's body text for a token that does not
  // authenticate (or a disabled proxy user); else the caller.
  Result<Caller> Identify(const Credentials& c);

  // A password login from `address`: the session cookie's value.
  // kPermissionDenied for a wrong name or password (one message for both),
  // kLimitExceeded while throttled or while max_concurrent_password_checks
  // are running.
  Result<std::string> Login(std::string_view user, std::string_view password,
                            std::string_view address);
  // Signs `user` in without a password (the first-run page, just after it
  // created the user): the session cookie's value.
  Result<std::string> StartSession(std::string_view user);
  Status Logout(const Caller& caller);
  // auth::HashPassword on the password threads (never on the caller's:
  // see Checkers); kLimitExceeded while they are all busy.
  Result<std::string> HashPassword(std::string_view password);

  bool enabled() const { return options_.enabled; }
  const AuthOptions& options() const { return options_; }
  AuthStore& store() { return store_; }

 private:
  Authenticator(AuthStore& store, AuthOptions options, std::string secret);
  std::optional<Caller> FromCookie(std::string_view cookie);

  AuthStore& store_;
  const AuthOptions options_;
  const std::string secret_;
  LoginThrottle throttle_;
  // Password checks run on threads of their own: Argon2 takes 19 MiB from
  // the calling thread's malloc arena, which glibc keeps once freed (the
  // server raises its trim threshold for crash bodies), so checks on the
  // HTTP workers would leave 19 MiB in each of them. Here at most
  // max_concurrent_password_checks arenas hold it.
  class Checkers;
  std::unique_ptr<Checkers> checkers_;
};

}  // namespace crashbox::auth
