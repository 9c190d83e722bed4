// SPDX-License-Identifier: MPL-2.0
// A thin owner of one SQLite connection and its prepared statements: RAII,
// Status results, values bound as parameters. Internal to store/sqlite; the
// header names SQLite's types only by declaration so it never leaks
// sqlite3.h.
//
// Thread-safety: a Connection and its Statements belong to one thread at a
// time (the caller serializes).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>

#include "app/base/status.h"
#include "store/sqlite/value.h"

struct sqlite3;
struct sqlite3_stmt;

namespace crashbox::store::sqlite {

// Converts an SQLite result code into a Status: SQLITE_CORRUPT and
// SQLITE_NOTADB → kCorrupt, SQLITE_BUSY/LOCKED → kUnavailable, SQLITE_FULL →
// kUnavailable (disk full), SQLITE_INTERRUPT and SQLITE_TOOBIG →
// kLimitExceeded, SQLITE_ERROR/RANGE/MISMATCH/CONSTRAINT → kInvalidArgument,
// else kIoError. `what` starts the message; `db` (may be null) adds
// sqlite3_errmsg().
Status StatusFromSqlite(int rc, sqlite3* db, std::string_view what);

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&& o) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // 1-based, as SQLite numbers parameters. Text is copied by SQLite.
  Status Bind(int index, const Value& v);
  Status BindAll(std::span<const Value> values);
  // True when a row is ready, false when the statement is done.
  Result<bool> Step();
  // Steps to the end, then resets (for statements that return no rows).
  Status Run();
  // Resets and clears bindings so the statement can be reused.
  void Reset();

  int ColumnCount() const;
  std::string ColumnName(int i) const;
  Value Column(int i) const;
  int64_t ColumnInt(int i) const;
  std::string ColumnText(int i) const;
  // The column as a view into SQLite's buffer, valid until the next Step.
  std::variant<std::monostate, int64_t, double, std::string_view> ColumnView(
      int i) const;
  bool ColumnIsNull(int i) const;
  // True when the statement cannot write (sqlite3_stmt_readonly).
  bool IsReadOnly() const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class Connection {
 public:
  // Opens `path` read-write (creating it) or read-only. Nothing is read yet:
  // SQLite reads the header on the first statement.
  static Result<Connection> Open(const std::filesystem::path& path,
                                 bool read_only, int busy_timeout_ms);
  Connection() = default;
  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;

  // Runs trusted SQL (the schema's own DDL, pragmas); may hold several
  // statements. Never for values: bind those through Prepare().
  Status Exec(std::string_view sql);
  // Prepares exactly one statement; kInvalidArgument when `sql` holds more.
  // `persistent` hints SQLite that the statement is reused many times.
  Result<Statement> Prepare(std::string_view sql, bool persistent = false);
  // The first column of the first row of a trusted query, as an integer.
  Result<int64_t> QueryInt(std::string_view sql);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;
  // A transaction is open (BEGIN without its COMMIT or ROLLBACK yet).
  bool InTransaction() const;

  sqlite3* get() const { return db_.get(); }
  const std::string& path() const { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  std::unique_ptr<sqlite3, Closer> db_;
  std::string path_;
};

}  // namespace crashbox::store::sqlite
