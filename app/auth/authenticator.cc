// SPDX-License-Identifier: MPL-2.0
#include "app/auth/authenticator.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "app/auth/secrets.h"

namespace crashbox::auth {
namespace {

bool IsHex32(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

}  // namespace

std::string_view ViaName(Via v) {
  switch (v) {
    case Via::kAnonymous:
      return "anonymous";
    case Via::kSession:
      return "session";
    case Via::kToken:
      return "token";
    case Via::kProxy:
      return "proxy";
    case Via::kAuthOff:
      return "auth-off";
  }
  return "anonymous";
}

// A few threads that only check passwords; a check is refused, not
// queued, while all are busy.
class Authenticator::Checkers {
 public:
  explicit Checkers(int n) {
    for (int i = 0; i < std::max(1, n); ++i)
      threads_.emplace_back([this] { Loop(); });
  }
  ~Checkers() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  // Runs `job` on one of the threads and waits for it; false, and `job`
  // not run, while every thread is busy.
  bool Run(std::function<void()> job) {
    std::packaged_task<void()> task(std::move(job));
    std::future<void> done = task.get_future();
    {
      std::lock_guard lock(mu_);
      if (busy_ + jobs_.size() >= threads_.size()) return false;
      jobs_.push_back(std::move(task));
    }
    wake_.notify_one();
    done.get();
    return true;
  }

 private:
  void Loop() {
    std::unique_lock lock(mu_);
    while (true) {
      wake_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping
      std::packaged_task<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      ++busy_;
      lock.unlock();
      job();
      lock.lock();
      --busy_;
    }
  }

  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::packaged_task<void()>> jobs_;
  size_t busy_ = 0;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

Authenticator::Authenticator(AuthStore& store, AuthOptions options,
                             std::string secret)
    : store_(store),
      options_(std::move(options)),
      secret_(std::move(secret)),
      throttle_(options_.throttle),
      checkers_(
          std::make_unique<Checkers>(options_.max_concurrent_password_checks)) {
}

Authenticator::~Authenticator() = default;

Result<std::unique_ptr<Authenticator>> Authenticator::Create(
    AuthStore& store, AuthOptions options) {
  CB_ASSIGN_OR_RETURN(std::string secret, store.ServerSecret());
  return std::unique_ptr<Authenticator>(
      new Authenticator(store, std::move(options), std::move(secret)));
}

Result<Caller> Authenticator::Identify(const Credentials& c) {
  Caller caller;
  if (!options_.enabled) {
    caller.via = Via::kAuthOff;
    caller.permissions = kAllPermissions;
    return caller;
  }
  if (c.token) {
    // Socorro's three answers; a malformed key is simply not matched.
    Result<Token> token = IsHex32(*c.token)
                              ? store_.FindToken(*c.token)
                              : Result<Token>(Status::NotFound(""));
    if (!token.ok()) {
      if (token.status().code() != Status::Code::kNotFound)
        return token.status();
      return Status::PermissionDenied("API Token not matched");
    }
    if (token->expires_ms <= store_.NowMs())
      return Status::PermissionDenied("API Token found but expired");
    Result<User> owner = store_.GetUser(token->user);
    if (!owner.ok() || !owner->active)
      return Status::PermissionDenied("User of API token not active");
    caller.via = Via::kToken;
    caller.user = owner->name;
    caller.token_id = token->id;
    caller.permissions =
        Expand(token->permissions) & EffectivePermissions(*owner);
    return caller;
  }
  const auto& proxies = options_.proxy_addresses;
  if (!options_.proxy_header.empty() && c.proxy_user &&
      !c.proxy_user->empty() &&
      std::find(proxies.begin(), proxies.end(), c.peer) != proxies.end()) {
    const std::string& name = *c.proxy_user;
    if (!ValidUserName(name))
      return Status::PermissionDenied(
          fmt::format("the sign-on proxy named an invalid user"));
    Result<User> u = store_.GetUser(name);
    if (!u.ok() && u.status().code() == Status::Code::kNotFound) {
      User fresh;
      fresh.name = name;
      fresh.source = "proxy";
      fresh.created_ms = store_.NowMs();
      Status added = store_.AddUser(fresh);
      // Another request may have created it meanwhile.
      u = store_.GetUser(name);
      if (!u.ok()) return added.ok() ? u.status() : added;
    }
    if (!u.ok()) return u.status();
    if (!u->active)
      return Status::PermissionDenied(
          fmt::format("user {} is disabled", u->name));
    caller.via = Via::kProxy;
    caller.user = u->name;
    caller.permissions = EffectivePermissions(*u);
    return caller;
  }
  if (c.cookie) {
    if (std::optional<Caller> s = FromCookie(*c.cookie)) return *s;
  }
  return caller;
}

std::optional<Caller> Authenticator::FromCookie(std::string_view cookie) {
  size_t dot = cookie.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::string_view id = cookie.substr(0, dot), mac = cookie.substr(dot + 1);
  // A cookie signed by another server (or forged) is never looked up.
  if (!ConstantTimeEquals(mac, HmacSha256Hex(secret_, id))) return std::nullopt;
  Result<Session> s = store_.GetSession(id);
  if (!s.ok() || s->expires_ms <= store_.NowMs()) return std::nullopt;
  Result<User> u = store_.GetUser(s->user);
  if (!u.ok() || !u->active) return std::nullopt;
  Caller caller;
  caller.via = Via::kSession;
  caller.user = u->name;
  caller.permissions = EffectivePermissions(*u);
  caller.session_id = std::string(id);
  caller.csrf = s->csrf;
  return caller;
}

Result<std::string> Authenticator::Login(std::string_view user,
                                         std::string_view password,
                                         std::string_view address) {
  const auto now = LoginThrottle::Clock::now();
  if (!throttle_.Allowed(user, address, now))
    return Status::LimitExceeded(
        "too many failed logins; wait 15 minutes and try again");
  Result<User> u = ValidUserName(user) ? store_.GetUser(user)
                                       : Result<User>(Status::NotFound(""));
  // Hash even for an unknown user, so timing does not tell names apart.
  static const std::string kDummy = [] {
    Result<std::string> h = auth::HashPassword("not a password of anyone");
    return h.ok() ? h.value() : std::string();
  }();
  // Bounded memory and workers however many addresses try at once.
  bool matched = false;
  if (!checkers_->Run([&] {
        matched = VerifyPassword(u.ok() ? u->password_hash : kDummy, password);
      }))
    return Status::LimitExceeded(
        "too many sign-ins at once; try again in a moment");
  bool ok = matched && u.ok() && u->active;
  if (!ok) {
    throttle_.Failed(user, address, now);
    return Status::PermissionDenied("wrong user name or password");
  }
  throttle_.Succeeded(user, address);
  (void)store_.UpdateUser(user, [&](User& x) {
    x.last_login_ms = store_.NowMs();
    return Status::Ok();
  });
  (void)store_.Sweep();
  return StartSession(user);
}

Result<std::string> Authenticator::StartSession(std::string_view user) {
  CB_ASSIGN_OR_RETURN(std::string id,
                      store_.CreateSession(user, options_.session_ttl));
  return id + "." + HmacSha256Hex(secret_, id);
}

Status Authenticator::Logout(const Caller& caller) {
  if (caller.session_id.empty()) return Status::Ok();
  return store_.DeleteSession(caller.session_id);
}

Result<std::string> Authenticator::HashPassword(std::string_view password) {
  Result<std::string> hash = Status::IoError("password hashing did not run");
  if (!checkers_->Run([&] { hash = auth::HashPassword(password); }))
    return Status::LimitExceeded(
        "too many password checks at once; try again in a moment");
  return hash;
}

}  // namespace crashbox::auth
