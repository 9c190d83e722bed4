// SPDX-License-Identifier: MPL-2.0
// A fixture for the executor's tests: a real index in a temp dir, crashes
// built from a base processed crash, and Parse + Run in one call.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "app/base/iso_time.h"
#include "app/search/execute.h"
#include "app/search/query.h"
#include "store/sqlite/search_index.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::search::testing {

using nlohmann::json;

// 2024-05-07T12:00:00Z: "now" of every search.
inline constexpr int64_t kNow = 1715083200;

inline std::string IsoAt(int64_t epoch_seconds, int micros = 0) {
  return base::IsoTimestampMicros(std::chrono::system_clock::time_point(
      std::chrono::microseconds(epoch_seconds * 1'000'000 + micros)));
}

class ExecuteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto index = store::sqlite::SearchIndex::Open(dir_ / "search.sqlite",
                                                  /*read_only=*/false);
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = std::move(index).value();
  }

  // Indexes a crash: a Firefox 128.0 Linux crash an hour before now, with
  // `fields` merged over it (a null value removes the field).
  void Add(const std::string& id, const json& fields) {
    json crash = {{"signature", "sig"},
                  {"product", "Firefox"},
                  {"version", "128.0"},
                  {"os_name", "Linux"},
                  {"date_processed", IsoAt(kNow - 3600)}};
    for (const auto& [k, v] : fields.items()) {
      if (v.is_null()) {
        crash.erase(k);
      } else {
        crash[k] = v;
      }
    }
    store::sqlite::IndexItem item{id, crash};
    ASSERT_TRUE(
        index_->IndexBatch(std::span<const store::sqlite::IndexItem>(&item, 1))
            .ok());
  }

  Result<json> Try(const Params& params,
                   Audience audience = Audience::kUnredacted,
                   RunOptions options = {}) {
    ParseOptions o;
    o.now = Timestamp(std::chrono::seconds(kNow));
    Result<Query> q = Parse(params, audience, o);
    if (!q.ok()) return q.status();
    return search::Run(q.value(), audience, *index_, options);
  }

  json Search(const Params& params, Audience audience = Audience::kUnredacted) {
    Result<json> r = Try(params, audience);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : json();
  }

  // The crash ids a search finds, in crash id order.
  std::vector<std::string> Ids(Params params) {
    params.emplace_back("_columns", "uuid");
    params.emplace_back("_sort", "uuid");
    json r = Search(params);
    std::vector<std::string> ids;
    if (!r.contains("hits")) return ids;
    for (const json& h : r["hits"]) ids.push_back(h["uuid"].get<std::string>());
    EXPECT_EQ(r["total"].get<size_t>(), ids.size());
    return ids;
  }

  crashbox::testing::TempDir dir_;
  std::unique_ptr<store::sqlite::SearchIndex> index_;
};

using IdList = std::vector<std::string>;

}  // namespace crashbox::search::testing
