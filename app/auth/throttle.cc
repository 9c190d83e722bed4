// SPDX-License-Identifier: MPL-2.0
#include "app/auth/throttle.h"

#include <algorithm>

namespace crashbox::auth {
namespace {

std::string PairKey(std::string_view account, std::string_view address) {
  std::string k(account);
  k += '\0';
  k += address;
  return k;
}

}  // namespace

int LoginThrottle::Count(const Table& t, std::string_view key,
                         Clock::time_point now) const {
  auto it = t.find(key);
  if (it == t.end() || now - it->second.start >= options_.window) return 0;
  return it->second.failures;
}

void LoginThrottle::Bump(Table& t, std::string key, Clock::time_point now) {
  auto it = t.find(key);
  if (it != t.end()) {
    if (now - it->second.start >= options_.window) it->second = {now, 0};
    ++it->second.failures;
    return;
  }
  if (t.size() >= options_.max_entries) {
    std::erase_if(t, [&](const auto& e) {
      return now - e.second.start >= options_.window;
    });
  }
  if (t.size() >= options_.max_entries) {
    t.erase(std::min_element(t.begin(), t.end(), [](auto& a, auto& b) {
      return a.second.start < b.second.start;
    }));
  }
  t.emplace(std::move(key), Window{now, 1});
}

bool LoginThrottle::Allowed(std::string_view account, std::string_view address,
                            Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (Count(by_address_, address, now) >= options_.per_address) return false;
  if (Count(by_account_, account, now) >= options_.per_account &&
      Count(by_pair_, PairKey(account, address), now) > 0)
    return false;
  return true;
}

void LoginThrottle::Failed(std::string_view account, std::string_view address,
                           Clock::time_point now) {
  std::lock_guard lock(mu_);
  Bump(by_address_, std::string(address), now);
  Bump(by_account_, std::string(account), now);
  Bump(by_pair_, PairKey(account, address), now);
}

void LoginThrottle::Succeeded(std::string_view account,
                              std::string_view address) {
  std::lock_guard lock(mu_);
  auto it = by_pair_.find(PairKey(account, address));
  if (it != by_pair_.end()) by_pair_.erase(it);
}

}  // namespace crashbox::auth
