// SPDX-License-Identifier: MPL-2.0
#include "store/sqlite/connection.h"

#include <sqlite3.h>

#include <limits>
#include <utility>

#include <fmt/format.h>

namespace crashbox::store::sqlite {

Status StatusFromSqlite(int rc, sqlite3* db, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return {};
  // The extended message says which table or which constraint; the bare code
  // string is all there is without a connection.
  std::string detail = db != nullptr && sqlite3_errcode(db) == rc
                           ? sqlite3_errmsg(db)
                           : sqlite3_errstr(rc);
  std::string msg = fmt::format("{}: {}", what, detail);
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corrupt(std::move(msg));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
      return Status::Unavailable(std::move(msg));
    case SQLITE_INTERRUPT:
    case SQLITE_TOOBIG:
      return Status::LimitExceeded(std::move(msg));
    case SQLITE_ERROR:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH:
    case SQLITE_CONSTRAINT:
      return Status::InvalidArgument(std::move(msg));
    default:
      return Status::IoError(std::move(msg));
  }
}

namespace {
// "<file>: <op>": which index failed, without plumbing its path around.
std::string Where(sqlite3* db, std::string_view op) {
  const char* file = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
  return fmt::format("{}: {}", file != nullptr ? file : "sqlite", op);
}
}  // namespace

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement::Statement(Statement&& o) noexcept
    : db_(std::exchange(o.db_, nullptr)),
      stmt_(std::exchange(o.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& o) noexcept {
  if (this != &o) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(o.db_, nullptr);
    stmt_ = std::exchange(o.stmt_, nullptr);
  }
  return *this;
}

Status Statement::Bind(int index, const Value& v) {
  int rc = SQLITE_OK;
  if (const auto* i = std::get_if<int64_t>(&v)) {
    rc = sqlite3_bind_int64(stmt_, index, *i);
  } else if (const auto* d = std::get_if<double>(&v)) {
    rc = sqlite3_bind_double(stmt_, index, *d);
  } else if (const auto* s = std::get_if<std::string>(&v)) {
    if (s->size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
      return Status::LimitExceeded("bind: text value too large");
    }
    rc = sqlite3_bind_text(stmt_, index, s->data(), static_cast<int>(s->size()),
                           SQLITE_TRANSIENT);
  } else {
    rc = sqlite3_bind_null(stmt_, index);
  }
  return StatusFromSqlite(rc, db_,
                          Where(db_, fmt::format("bind parameter {}", index)));
}

Status Statement::BindAll(std::span<const Value> values) {
  if (static_cast<int>(values.size()) != sqlite3_bind_parameter_count(stmt_)) {
    return Status::InvalidArgument(
        fmt::format("bind: {} values for {} parameters", values.size(),
                    sqlite3_bind_parameter_count(stmt_)));
  }
  for (size_t i = 0; i < values.size(); ++i) {
    CB_RETURN_IF_ERROR(Bind(static_cast<int>(i + 1), values[i]));
  }
  return {};
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return StatusFromSqlite(rc, db_, Where(db_, "step"));
}

Status Statement::Run() {
  Status s;
  while (true) {
    Result<bool> row = Step();
    if (!row.ok()) {
      s = row.status();
      break;
    }
    if (!*row) break;
  }
  Reset();
  return s;
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }

std::string Statement::ColumnName(int i) const {
  const char* name = sqlite3_column_name(stmt_, i);
  return name != nullptr ? name : "";
}

Value Statement::Column(int i) const {
  switch (sqlite3_column_type(stmt_, i)) {
    case SQLITE_INTEGER:
      return sqlite3_column_int64(stmt_, i);
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt_, i);
    case SQLITE_NULL:
      return std::monostate{};
    default:
      return ColumnText(i);  // text, and blobs as their bytes
  }
}

std::variant<std::monostate, int64_t, double, std::string_view>
Statement::ColumnView(int i) const {
  switch (sqlite3_column_type(stmt_, i)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt_, i));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt_, i);
    case SQLITE_NULL:
      return std::monostate{};
    default: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, i));
      int n = sqlite3_column_bytes(stmt_, i);
      return p != nullptr ? std::string_view(p, static_cast<size_t>(n))
                          : std::string_view();
    }
  }
}

int64_t Statement::ColumnInt(int i) const {
  return sqlite3_column_int64(stmt_, i);
}

std::string Statement::ColumnText(int i) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, i));
  int n = sqlite3_column_bytes(stmt_, i);
  return p != nullptr ? std::string(p, static_cast<size_t>(n)) : std::string();
}

bool Statement::ColumnIsNull(int i) const {
  return sqlite3_column_type(stmt_, i) == SQLITE_NULL;
}

bool Statement::IsReadOnly() const { return sqlite3_stmt_readonly(stmt_) != 0; }

void Connection::Closer::operator()(sqlite3* db) const {
  // close_v2 defers the close until every statement is finalized, so the
  // order in which an owner destroys statements and connection is free.
  sqlite3_close_v2(db);
}

Result<Connection> Connection::Open(const std::filesystem::path& path,
                                    bool read_only, int busy_timeout_ms) {
  Connection c;
  c.path_ = path.string();
  // NOMUTEX: a Connection belongs to one thread at a time (connection.h),
  // so SQLite's per-call connection mutex only costs (a lock and an unlock
  // around every step and column read).
  int flags = SQLITE_OPEN_NOMUTEX |
              (read_only ? SQLITE_OPEN_READONLY
                         : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(c.path_.c_str(), &raw, flags, nullptr);
  c.db_.reset(raw);
  if (rc != SQLITE_OK) {
    return StatusFromSqlite(rc, raw, fmt::format("open {}", c.path_));
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  return c;
}

Status Connection::Exec(std::string_view sql) {
  std::string text(sql);  // sqlite3_exec wants a terminated string
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &err);
  std::string msg = err != nullptr ? err : "";
  sqlite3_free(err);
  if (rc == SQLITE_OK) return {};
  // No connection here: its error may already be overwritten, so the message
  // sqlite3_exec handed back says what failed, the code string how.
  return StatusFromSqlite(
      rc, nullptr, msg.empty() ? path_ : fmt::format("{}: {}", path_, msg));
}

Result<Statement> Connection::Prepare(std::string_view sql, bool persistent) {
  if (sql.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Status::LimitExceeded("prepare: statement too large");
  }
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(
      db_.get(), sql.data(), static_cast<int>(sql.size()),
      persistent ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
  Statement owned(db_.get(), stmt);
  if (rc != SQLITE_OK) {
    return StatusFromSqlite(rc, db_.get(), fmt::format("{}: prepare", path_));
  }
  if (stmt == nullptr) return Status::InvalidArgument("prepare: no statement");
  std::string_view rest(tail, sql.data() + sql.size() - tail);
  if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
    return Status::InvalidArgument("prepare: more than one statement");
  }
  return owned;
}

Result<int64_t> Connection::QueryInt(std::string_view sql) {
  CB_ASSIGN_OR_RETURN(Statement stmt, Prepare(sql));
  CB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::NotFound(fmt::format("{}: no row", path_));
  return stmt.ColumnInt(0);
}

int64_t Connection::Changes() const { return sqlite3_changes64(db_.get()); }

bool Connection::InTransaction() const {
  return sqlite3_get_autocommit(db_.get()) == 0;
}

}  // namespace crashbox::store::sqlite
