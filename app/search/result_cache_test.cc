// SPDX-License-Identifier: MPL-2.0
#include "app/search/result_cache.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace crashbox::search {
namespace {

TEST(ResultCache, ServesAnAnswerUntilTheGenerationMoves) {
  ResultCache cache(1 << 20, 1 << 16);
  EXPECT_EQ(cache.Find(1, "q"), nullptr);
  cache.Put(1, "q", "answer");
  auto hit = cache.Find(1, "q");
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(*hit, "answer");
  EXPECT_EQ(cache.Find(1, "other"), nullptr);
  // A commit: every answer is stale, and memory is given back at once.
  EXPECT_EQ(cache.Find(2, "q"), nullptr);
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  // The answer already handed out stays valid for its reader.
  EXPECT_EQ(*hit, "answer");
}

TEST(ResultCache, AnAnswerComputedBeforeACommitIsNeverStoredAfterIt) {
  ResultCache cache(1 << 20, 1 << 16);
  cache.Put(5, "q", "new");
  cache.Put(4, "q", "old");  // a slow search that started before commit 5
  EXPECT_EQ(*cache.Find(5, "q"), "new");
  EXPECT_EQ(cache.Find(4, "q"), nullptr);  // nor served to a late reader
  EXPECT_EQ(cache.entries(), 1u);
}

TEST(ResultCache, KeepsWithinItsBytesDroppingTheLeastRecentlyUsed) {
  ResultCache cache(100, 100);
  cache.Put(1, "a", std::string(40, 'a'));  // each entry costs 41 bytes
  cache.Put(1, "b", std::string(40, 'b'));
  ASSERT_NE(cache.Find(1, "a"), nullptr);   // a is now the most recent
  cache.Put(1, "c", std::string(40, 'c'));  // 123 > 100: b goes
  EXPECT_NE(cache.Find(1, "a"), nullptr);
  EXPECT_EQ(cache.Find(1, "b"), nullptr);
  EXPECT_NE(cache.Find(1, "c"), nullptr);
  EXPECT_EQ(cache.bytes(), 82u);
  // Replacing an entry does not count it twice.
  cache.Put(1, "c", std::string(10, 'c'));
  EXPECT_EQ(cache.bytes(), 52u);
  EXPECT_EQ(*cache.Find(1, "c"), std::string(10, 'c'));
}

TEST(ResultCache, AnAnswerWithATimeToLiveIsServedOnlyUntilThen) {
  ResultCache cache(1 << 20, 1 << 16);
  const auto now = ResultCache::Clock::now();
  cache.Put(1, "past", "a", now - std::chrono::seconds(1));
  cache.Put(1, "future", "b", now + std::chrono::hours(1));
  EXPECT_EQ(cache.Find(1, "past"), nullptr);
  EXPECT_EQ(cache.entries(), 1u);  // the expired one is gone
  EXPECT_EQ(*cache.Find(1, "future"), "b");
}

TEST(ResultCache, RefusesAnAnswerLargerThanAnEntryMayBe) {
  ResultCache cache(1000, 50);
  cache.Put(1, "big", std::string(48, 'x'));  // 3 + 48 > 50
  EXPECT_EQ(cache.Find(1, "big"), nullptr);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ResultCache, IsSafeFromManyThreads) {
  ResultCache cache(4096, 512);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        uint64_t gen = static_cast<uint64_t>(i / 100);
        std::string key = std::to_string((i * 7 + t) % 50);
        cache.Put(gen, key, key + "!");
        if (auto hit = cache.Find(gen, key)) {
          EXPECT_EQ(*hit, key + "!");
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_LE(cache.bytes(), 4096u);
}

}  // namespace
}  // namespace crashbox::search
