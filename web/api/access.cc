// SPDX-License-Identifier: MPL-2.0
#include "web/api/access.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/auth/secrets.h"
#include "app/base/log.h"
#include "app/base/strings.h"

namespace crashbox::web {
namespace {

void Forbidden(Response& resp, std::string_view message) {
  resp.Json(403, nlohmann::json{{"error", base::Utf8Lossy(message)}}.dump());
}

bool ChangesState(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

}  // namespace

bool RateLimiter::Admit(const std::string& key, int per_minute,
                        Clock::time_point now, int* retry_after) {
  if (per_minute <= 0) return true;
  constexpr auto kWindow = std::chrono::minutes(1);
  std::lock_guard lock(mu_);
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= max_keys_) {
      std::erase_if(windows_, [&](const auto& w) {
        return now - w.second.start >= kWindow;
      });
    }
    if (windows_.size() >= max_keys_) {
      windows_.erase(std::min_element(windows_.begin(), windows_.end(),
                                      [](const auto& a, const auto& b) {
                                        return a.second.start < b.second.start;
                                      }));
    }
    it = windows_.emplace(key, Window{now, 0}).first;
  }
  Window& w = it->second;
  if (now - w.start >= kWindow) w = {now, 0};
  if (w.count >= per_minute) {
    *retry_after = static_cast<int>(
        std::chrono::ceil<std::chrono::seconds>(w.start + kWindow - now)
            .count());
    return false;
  }
  ++w.count;
  return true;
}

std::optional<std::string> CookieValue(const Request& req,
                                       std::string_view name) {
  for (const auto& [k, v] : req.headers) {
    if (base::ToLower(k) != "cookie") continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = base::Trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? "" : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name)
        return std::string(pair.substr(eq + 1));
    }
  }
  return std::nullopt;
}

std::optional<auth::Caller> Access::Identify(
    const Request& req, Response& resp,
    std::optional<std::string_view> form_csrf) {
  auth::Credentials c;
  c.peer = req.peer_addr;
  c.token = req.Header("Auth-Token");
  if (!auth_.options().proxy_header.empty())
    c.proxy_user = req.Header(auth_.options().proxy_header);
  c.cookie = CookieValue(req, auth::kSessionCookie);
  Result<auth::Caller> who = auth_.Identify(c);
  if (!who.ok()) {
    if (who.status().code() == Status::Code::kPermissionDenied) {
      Forbidden(resp, who.status().message());
    } else {
      resp.Json(500, nlohmann::json{{"error",
                                     base::Utf8Lossy(who.status().ToString())}}
                         .dump());
    }
    return std::nullopt;
  }
  if (!req.is_loopback) {
    const bool known = who->signed_in();
    std::string key = !who->token_id.empty() ? "token:" + who->token_id
                      : known                ? "user:" + who->user
                                             : "addr:" + req.remote_addr;
    int retry_after = 0;
    if (!rate_.Admit(key,
                     known ? auth_.options().api_rate_authenticated
                           : auth_.options().api_rate_anonymous,
                     RateLimiter::Clock::now(), &retry_after)) {
      resp.headers.emplace_back("Retry-After", std::to_string(retry_after));
      resp.Json(429, R"({"error": "Too many requests; slow down"})");
      return std::nullopt;
    }
  }
  if (who->via == auth::Via::kSession && ChangesState(req.method)) {
    std::optional<std::string> sent = req.Header("X-CSRF-Token");
    std::string_view token =
        sent ? std::string_view(*sent) : form_csrf.value_or(std::string_view());
    if (!auth::ConstantTimeEquals(token, who->csrf)) {
      Forbidden(resp, "CSRF token missing or incorrect");
      return std::nullopt;
    }
  }
  return std::move(who).value();
}

bool Access::Require(const auth::Caller& caller, auth::Perm p, Response& resp) {
  if (caller.Has(p)) return true;
  Forbidden(resp,
            fmt::format("Use of this endpoint requires the '{}' permission",
                        auth::InfoFor(p).display));
  return false;
}

void Access::Audit(const Request& req, const auth::Caller& caller,
                   std::string_view action, std::string_view target,
                   std::string_view detail) {
  if (!caller.signed_in()) return;
  auth::AuditEntry e;
  e.actor = caller.user;
  e.via = std::string(auth::ViaName(caller.via));
  if (!caller.token_id.empty()) e.via += ":" + caller.token_id;
  e.action = std::string(action);
  e.target = std::string(target);
  e.address = req.remote_addr;
  e.detail = std::string(detail);
  if (Status s = auth_.store().Audit(std::move(e)); !s.ok())
    CB_LOG_WARNING("audit: cannot record {} by {}: {}", action, caller.user,
                   s.ToString());
}

std::string Access::SessionCookie(const Request& req,
                                  std::string_view value) const {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}",
                     auth::kSessionCookie, value,
                     auth_.options().session_ttl.count(),
                     req.https ? "; Secure" : "");
}

std::string Access::ClearedCookie(const Request& req) const {
  return fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}",
                     auth::kSessionCookie, req.https ? "; Secure" : "");
}

}  // namespace crashbox::web
