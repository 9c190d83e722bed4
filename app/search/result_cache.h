// SPDX-License-Identifier: MPL-2.0
// ResultCache: finished Super Search answers, kept until the index changes.
//
// Elasticsearch, under Socorro, keeps a request cache per shard and drops it
// at each refresh; Crash Stats leans on it (Top Crashers is the same few
// searches asked again and again). This is crashbox's equivalent:
// - An answer is stored under its canonical query (QueryToJson of the
//   parsed query, so parameter order and spelling do not matter, plus the
//   audience) and the index generation it was computed at.
// - The generation is the indexer's count of commits (Indexer::generation):
//   any commit, a batch of new crashes or a reprocessed one, makes every
//   stored answer stale at once. An answer computed while a commit lands is
//   stored under the older generation and never served again: a stale
//   answer is never returned.
// - Bounded: at most `max_bytes` of answers (least recently used dropped
//   first), none larger than `max_entry_bytes`.
// - A date range that ends "now" (no upper bound given, as Top Crashers
//   and most scripts ask) is keyed as "now" by the caller and stored with a
//   time to live: such an answer is served for at most that long, so a
//   crash never stays outside a moving window longer than that (a crash
//   indexed meanwhile moves the generation anyway).
//
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace crashbox::search {

class ResultCache {
 public:
  ResultCache(size_t max_bytes, size_t max_entry_bytes);

  // The answer stored for `key` at `generation`, or null.
  std::shared_ptr<const std::string> Find(uint64_t generation,
                                          const std::string& key);
  // Stores `body` for `key` as computed at `generation` (ignored when a
  // newer generation has been seen, or when it is over max_entry_bytes),
  // to be served until `expires` (default: as long as the generation
  // lasts).
  using Clock = std::chrono::steady_clock;
  void Put(uint64_t generation, const std::string& key, std::string body,
           Clock::time_point expires = Clock::time_point::max());

  size_t bytes() const;
  size_t entries() const;

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const std::string> body;
    Clock::time_point expires;
  };
  void Erase(std::list<Entry>::iterator it);
  // Drops everything when `generation` is newer than the stored answers'.
  // False when it is older (nothing it computed may be kept or served).
  bool Advance(uint64_t generation);
  static size_t Cost(const Entry& e) { return e.key.size() + e.body->size(); }

  const size_t max_bytes_, max_entry_bytes_;
  mutable std::mutex mu_;
  uint64_t generation_ = 0;
  size_t bytes_ = 0;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> by_key_;
};

}  // namespace crashbox::search
