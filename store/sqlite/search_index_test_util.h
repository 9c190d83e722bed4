// SPDX-License-Identifier: MPL-2.0
// Helpers shared by the search index's tests: a processed crash with the
// fields the index reads, and short forms of the index's calls.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "app/base/iso_time.h"
#include "store/sqlite/schema.h"
#include "store/sqlite/search_index.h"

namespace crashbox::store::sqlite::test {

using nlohmann::json;

// 2024-05-07T12:00:00Z
constexpr int64_t kMay7 = 1715083200;
constexpr int64_t kMay7Day = kMay7 / 86400;

inline std::string Date(int64_t epoch_seconds, int micros = 0) {
  return base::IsoTimestampMicros(std::chrono::system_clock::time_point(
      std::chrono::microseconds(epoch_seconds * kMicrosPerSecond + micros)));
}

inline json Crash(std::string signature, int64_t date = kMay7,
                  std::string build = "20240501000000",
                  std::string version = "128.0") {
  std::string d = Date(date, 123456);
  return {{"signature", signature},
          {"product", "Firefox"},
          {"version", version},
          {"os_name", "Linux"},
          {"process_type", "parent"},
          {"date_processed", d},
          {"submitted_timestamp", d},
          {"build", build},
          {"uptime", 42},
          {"success", true},
          {"uptime_ts", 1.5},
          {"json_dump", {{"system_info", {{"os", "Linux"}, {"cpu_count", 8}}}}},
          {"url", "https://example.com/page"},
          {"user_comments", "it crashed while typing"}};
}

inline std::unique_ptr<SearchIndex> OpenOrDie(const std::filesystem::path& p,
                                              bool read_only = false) {
  auto index = SearchIndex::Open(p, read_only);
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return index.ok() ? std::move(index).value() : nullptr;
}

inline Status IndexOne(SearchIndex& index, std::string_view id,
                       const json& crash) {
  IndexItem item{id, crash};
  return index.IndexBatch(std::span<const IndexItem>(&item, 1));
}

// The ids a query's first column returns, in order.
inline std::vector<std::string> Ids(SearchIndex& index, std::string_view sql,
                                    std::vector<Value> params) {
  auto r = index.Query(sql, params);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> ids;
  if (!r.ok()) return ids;
  for (const auto& row : r->rows) ids.push_back(std::get<std::string>(row[0]));
  return ids;
}

// Runs SQL on the file directly, as another program (or a bug) would.
inline void RawExec(const std::filesystem::path& p, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(p.string().c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

}  // namespace crashbox::store::sqlite::test
