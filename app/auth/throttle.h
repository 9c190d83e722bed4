// SPDX-License-Identifier: MPL-2.0
// LoginThrottle: failed-login limits per client address and per account,
// in memory (a restart forgets them; Argon2id's cost still bounds guessing).
//
// - An address with `per_address` failures within `window` is refused on
//   every account until its window ends.
// - An account with `per_account` failures within `window` is locked
//   against the addresses that failed on it; an address that has not failed
//   on it may still try (and is refused after its first failure). So an
//   attacker cannot lock the owner out, and the owner, from an address that
//   never guessed wrong, still logs in with the right password.
// Both tables are bounded: past `max_entries`, expired entries go, then the
// oldest.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "app/base/thread_annotations.h"

namespace crashbox::auth {

struct ThrottleOptions {
  int per_address = 10;
  int per_account = 20;
  std::chrono::seconds window{15 * 60};
  size_t max_entries = 100'000;
};

class LoginThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LoginThrottle(ThrottleOptions o = {}) : options_(o) {}

  // Whether a login on `account` from `address` may be tried at `now`.
  bool Allowed(std::string_view account, std::string_view address,
               Clock::time_point now);
  void Failed(std::string_view account, std::string_view address,
              Clock::time_point now);
  // A success clears the address's record on that account.
  void Succeeded(std::string_view account, std::string_view address);

 private:
  struct Window {
    Clock::time_point start;
    int failures = 0;
  };
  using Table = std::map<std::string, Window, std::less<>>;
  int Count(const Table& t, std::string_view key, Clock::time_point now) const
      CB_REQUIRES(mu_);
  void Bump(Table& t, std::string key, Clock::time_point now) CB_REQUIRES(mu_);

  const ThrottleOptions options_;
  std::mutex mu_;
  Table by_address_ CB_GUARDED_BY(mu_);
  Table by_account_ CB_GUARDED_BY(mu_);
  Table by_pair_ CB_GUARDED_BY(mu_);  // account '\0' address
};

}  // namespace crashbox::auth
