// SPDX-License-Identifier: MPL-2.0
// Access: every handler's view of authentication (app/auth). It reads a
// request's credentials (the Auth-Token header, the configured sign-on
// proxy header from a proxy address, the session cookie), answers
// Socorro's 403 bodies, checks the CSRF token of state-changing requests
// made with a session cookie, and writes the audit log.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "app/auth/authenticator.h"
#include "web/http/request.h"

namespace crashbox::web {

// Requests per caller per minute, in fixed one-minute windows, for a
// bounded number of callers (past it, expired windows go, then the oldest).
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RateLimiter(size_t max_keys = 100'000) : max_keys_(max_keys) {}
  // Whether one more request of `key` fits `per_minute`; else *retry_after
  // is the seconds until its window ends.
  bool Admit(const std::string& key, int per_minute, Clock::time_point now,
             int* retry_after);

 private:
  struct Window {
    Clock::time_point start;
    int count = 0;
  };
  const size_t max_keys_;
  std::mutex mu_;
  std::map<std::string, Window, std::less<>> windows_;
};

class Access {
 public:
  explicit Access(auth::Authenticator& auth) : auth_(auth) {}

  // The caller of `req`, or nullopt after writing the error (403 with
  // {"error": ...} for a bad token or a missing CSRF token, 429 past the
  // caller's API rate). A POST, PUT,
  // PATCH or DELETE made with a session cookie must carry the session's
  // CSRF token in an X-CSRF-Token header or as `form_csrf` (a form's
  // csrf_token field).
  std::optional<auth::Caller> Identify(
      const Request& req, Response& resp,
      std::optional<std::string_view> form_csrf = std::nullopt);

  // False after writing Socorro's 403 when `caller` lacks `p`.
  static bool Require(const auth::Caller& caller, auth::Perm p, Response& resp);

  // Records `action` on `target` by `caller` (signed-in callers only: with
  // authentication off nobody is known, and anonymous callers reach no
  // protected data).
  void Audit(const Request& req, const auth::Caller& caller,
             std::string_view action, std::string_view target,
             std::string_view detail = {});

  // Set-Cookie values: a new session's cookie, and one that clears it.
  std::string SessionCookie(const Request& req, std::string_view value) const;
  std::string ClearedCookie(const Request& req) const;

  auth::Authenticator& authenticator() { return auth_; }

 private:
  auth::Authenticator& auth_;
  RateLimiter rate_;
};

// The value of cookie `name` in the request's Cookie headers.
std::optional<std::string> CookieValue(const Request& req,
                                       std::string_view name);

}  // namespace crashbox::web
