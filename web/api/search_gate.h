// SPDX-License-Identifier: MPL-2.0
// How many searches run at once, in all and per client address: a search
// runs on an HTTP worker thread, so without a cap a few clients sending slow
// searches would hold every worker (docs/decisions.md, "Indexer, product
// details and the search endpoints"). Thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <string>

namespace crashbox::web {

class SearchGate {
 public:
  SearchGate(size_t max_total, size_t max_per_address)
      : max_total_(max_total), max_per_address_(max_per_address) {}

  // Takes a place for `address`; false, and nothing taken, when all places
  // or that address's share are taken.
  bool Enter(const std::string& address) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = per_address_.find(address);
    size_t mine = it == per_address_.end() ? 0 : it->second;
    if (total_ >= max_total_ || mine >= max_per_address_) return false;
    ++total_;
    ++per_address_[address];
    return true;
  }
  // Gives back a place Enter took.
  void Leave(const std::string& address) {
    std::lock_guard<std::mutex> lock(mu_);
    --total_;
    auto it = per_address_.find(address);
    if (--it->second == 0) per_address_.erase(it);
  }
  // Addresses holding a place (bounded by max_total: the map never grows
  // with addresses that were refused).
  size_t addresses() const {
    std::lock_guard<std::mutex> lock(mu_);
    return per_address_.size();
  }

 private:
  mutable std::mutex mu_;
  const size_t max_total_, max_per_address_;
  size_t total_ = 0;
  std::map<std::string, size_t> per_address_;
};

}  // namespace crashbox::web
