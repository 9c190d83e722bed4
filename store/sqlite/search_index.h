// SPDX-License-Identifier: MPL-2.0
// SearchIndex: the search index of processed crashes (var/search.sqlite),
// SQLite in WAL mode. schema.h documents the tables; docs/decisions.md
// ("Search index") says why they are so.
//
// Caveats:
// - One writer at a time per file (SQLite's rule). Writers wait up to
//   busy_timeout for the lock, then fail with kUnavailable. Readers, in this
//   process or another, never block the writer and see each committed
//   batch whole (WAL snapshots).
// - A SearchIndex is not thread-safe: one per thread, or the caller
//   serializes. Readers open their own (read_only = true).
// - Read-only opens need the -wal and -shm files beside the database to be
//   creatable or present, i.e. a writable directory or a live writer.
// - The index holds protected fields (url, user_comments, email...): who may
//   read or filter on them is the search layer's decision, not this one's.
// - The index is derived data. It never depends on the crash store; a
//   corrupt file is rebuilt by the caller (Clear(), then IndexBatch() over
//   the store).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/base/status.h"
#include "store/sqlite/value.h"

namespace crashbox::store::sqlite {

class Connection;
class Statement;

struct SearchIndexOptions {
  // Open without writing: no schema creation or migration, no IndexBatch.
  bool read_only = false;
  // How long a statement waits for another connection's lock.
  std::chrono::milliseconds busy_timeout{5000};
  // Text values longer than this are cut (at a UTF-8 boundary) in the index;
  // the processed crash keeps them whole. Bounds the FTS work per crash.
  size_t max_text_bytes = 64 * 1024;
};

// One crash to index. `processed` must outlive the IndexBatch call.
struct IndexItem {
  std::string_view crash_id;
  const nlohmann::json& processed;
};

// Longest crash id accepted (Socorro's are 36 characters).
inline constexpr size_t kMaxCrashIdBytes = 64;

struct SignatureCount {
  std::string signature;
  int64_t count = 0;
};

struct SignatureFirstSeen {
  int64_t first_date_micros = 0;       // earliest date_processed
  std::optional<int64_t> first_build;  // lowest numeric build id
};

struct QueryOptions {
  // The statement is interrupted past this (zero: no limit) and the query
  // fails with kLimitExceeded.
  std::chrono::milliseconds time_limit{0};
  // Rows beyond this are not read; QueryResult::truncated says so.
  size_t max_rows = 100'000;
};

// One argument of a caller-defined SQL function (RegisterFunction), viewed
// in place: text (and blobs, as their bytes) is valid only during the call.
using SqlArg = std::variant<std::monostate, int64_t, double, std::string_view>;
// A deterministic scalar SQL function: arguments in, one value out. Runs on
// the thread that runs the statement; must not throw.
using ScalarFunction = std::function<Value(std::span<const SqlArg> args)>;

struct QueryResult {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  bool truncated = false;  // more rows than max_rows
};

class SearchIndex {
 public:
  // Opens the index at `path`. Read-write: creates the file if needed, sets
  // WAL, synchronous=NORMAL and the busy timeout, and migrates the schema to
  // kSchemaVersion. Read-only: the file must exist at kSchemaVersion.
  // Errors: kNotFound (read-only, no file), kCorrupt (not a database, or a
  // damaged header), kInvalidArgument (a schema newer than this build),
  // kUnavailable (read-only, older schema: open read-write once to
  // migrate; or the file is locked past busy_timeout), kIoError.
  static Result<std::unique_ptr<SearchIndex>> Open(
      const std::filesystem::path& path, const SearchIndexOptions& options);
  static Result<std::unique_ptr<SearchIndex>> Open(
      const std::filesystem::path& path, bool read_only);
  ~SearchIndex();
  SearchIndex(const SearchIndex&) = delete;
  SearchIndex& operator=(const SearchIndex&) = delete;

  // Indexes the batch in one transaction: each crash replaces any row with
  // its crash_id (reprocessing), and the aggregates move with it. All or
  // nothing. kInvalidArgument, before anything is written, for an empty or
  // over-long crash id or a processed crash that is not a JSON object;
  // kPermissionDenied on a read-only index; kUnavailable when the write
  // lock stays taken. Inside InTransaction's `work` the batch joins that
  // transaction (an error then undoes the whole transaction).
  Status IndexBatch(std::span<const IndexItem> items);
  // Runs `work` in one write transaction, committed when it returns OK and
  // rolled back otherwise: several IndexBatch calls, one commit. A caller
  // parses a few hundred crashes at a time yet commits thousands at once
  // (a commit flushes a new FTS segment and may merge older ones, so fewer
  // commits index faster) without holding thousands of parsed crashes.
  Status InTransaction(const std::function<Status()>& work);
  // Removes one crash and its contribution to the counts. kNotFound when it
  // is not indexed.
  Status Remove(std::string_view crash_id);
  // Drops and recreates every table: an empty index, ready for a rebuild.
  Status Clear();
  // Merges the FTS index's segments into one and refreshes the planner's
  // statistics (PRAGMA optimize): for a quiet hour (the compact job) or
  // after a rebuild; minutes on a large index, holding the write lock.
  Status Optimize();

  // Crashes indexed.
  Result<int64_t> Count();
  // True when `crash_id` is indexed.
  Result<bool> Contains(std::string_view crash_id);
  // Crashes per signature of `product` (and `version`, unless empty) on days
  // [from_day, to_day] (DayOf()), from the aggregate table alone; most first,
  // then by signature; at most `limit`.
  Result<std::vector<SignatureCount>> SignatureCounts(std::string_view product,
                                                      std::string_view version,
                                                      int64_t from_day,
                                                      int64_t to_day,
                                                      size_t limit = 50);
  // kNotFound when the signature was never indexed.
  Result<SignatureFirstSeen> FindFirstSeen(std::string_view signature);
  // PRAGMA user_version of the file.
  Result<int> SchemaVersion();
  // PRAGMA quick_check: kCorrupt naming the first problems SQLite reports.
  // Reads every page: seconds on a large index.
  Status IntegrityCheck();

  // Runs one read-only statement with `params` bound to ?1, ?2... (every
  // value from a user goes here, never into `sql`). kInvalidArgument for SQL
  // that does not compile, holds several statements or would write;
  // kLimitExceeded past options.time_limit.
  Result<QueryResult> Query(std::string_view sql,
                            std::span<const Value> params = {},
                            const QueryOptions& options = {});

  // Makes `fn` callable from this index's statements as `name(...)` with
  // exactly `num_args` arguments (the search layer's regexp and word
  // matching, which need libraries this module does not own). Registered
  // once per name: a second call with a known name changes nothing and
  // succeeds, so callers may register on every request. The function is
  // deterministic and direct-only (never callable from the schema's triggers
  // or views). kInvalidArgument for a name SQLite refuses.
  Status RegisterFunction(const std::string& name, int num_args,
                          ScalarFunction fn);

  // Runs one read-only statement as Query does, but hands each row to
  // `row` as views (valid during the call) instead of copying it: for
  // callers that fold many rows into little (counting terms). A non-OK
  // Status from `row` stops the statement and is returned. max_rows is
  // ignored; the time limit applies.
  using RowFn = std::function<Status(std::span<const SqlArg> columns)>;
  Status QueryEach(std::string_view sql, std::span<const Value> params,
                   const QueryOptions& options, const RowFn& row);

  const std::filesystem::path& path() const { return path_; }
  bool read_only() const { return options_.read_only; }

 private:
  SearchIndex(std::filesystem::path path, SearchIndexOptions options,
              std::unique_ptr<Connection> db);
  Status PrepareWriters();

  std::filesystem::path path_;
  SearchIndexOptions options_;
  std::unique_ptr<Connection> db_;
  // Reused for every crash of every batch (read-write only).
  std::unique_ptr<Statement> insert_;
  std::unique_ptr<Statement> delete_;
  std::vector<std::string> functions_;  // names registered
};

}  // namespace crashbox::store::sqlite
