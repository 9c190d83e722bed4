// SPDX-License-Identifier: MPL-2.0
#include "app/search/result_cache.h"

namespace crashbox::search {

ResultCache::ResultCache(size_t max_bytes, size_t max_entry_bytes)
    : max_bytes_(max_bytes), max_entry_bytes_(max_entry_bytes) {}

bool ResultCache::Advance(uint64_t generation) {
  if (generation < generation_) return false;
  if (generation > generation_) {
    lru_.clear();
    by_key_.clear();
    bytes_ = 0;
    generation_ = generation;
  }
  return true;
}

std::shared_ptr<const std::string> ResultCache::Find(uint64_t generation,
                                                     const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!Advance(generation)) return nullptr;
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return nullptr;
  if (it->second->expires <= Clock::now()) {
    Erase(it->second);
    return nullptr;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->body;
}

void ResultCache::Erase(std::list<Entry>::iterator it) {
  bytes_ -= Cost(*it);
  by_key_.erase(it->key);
  lru_.erase(it);
}

void ResultCache::Put(uint64_t generation, const std::string& key,
                      std::string body, Clock::time_point expires) {
  if (key.size() + body.size() > max_entry_bytes_) return;
  auto shared = std::make_shared<const std::string>(std::move(body));
  std::lock_guard<std::mutex> lock(mu_);
  if (!Advance(generation)) return;
  if (auto it = by_key_.find(key); it != by_key_.end()) Erase(it->second);
  lru_.push_front({key, std::move(shared), expires});
  by_key_.emplace(key, lru_.begin());
  bytes_ += Cost(lru_.front());
  while (bytes_ > max_bytes_) Erase(std::prev(lru_.end()));
}

size_t ResultCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t ResultCache::entries() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

}  // namespace crashbox::search
