// SPDX-License-Identifier: MPL-2.0
#include "store/sqlite/search_index.h"

#include <sqlite3.h>

#include <algorithm>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "store/sqlite/connection.h"
#include "store/sqlite/crash_row.h"
#include "store/sqlite/migrate.h"
#include "store/sqlite/schema.h"

namespace crashbox::store::sqlite {
namespace {

using Clock = std::chrono::steady_clock;

// The progress handler's deadline: SQLite calls it every kProgressOps
// virtual-machine steps; a non-zero return interrupts the statement.
constexpr int kProgressOps = 10'000;
int PastDeadline(void* arg) {
  return Clock::now() >= *static_cast<Clock::time_point*>(arg) ? 1 : 0;
}

// sqlite3_create_function's trampolines for a ScalarFunction.
void CallScalar(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* fn = static_cast<ScalarFunction*>(sqlite3_user_data(ctx));
  // Functions take few arguments; a fixed array avoids a heap allocation
  // per row.
  constexpr int kMaxArgs = 8;
  SqlArg args[kMaxArgs];
  int n = std::min(argc, kMaxArgs);
  for (int i = 0; i < n; ++i) {
    switch (sqlite3_value_type(argv[i])) {
      case SQLITE_INTEGER:
        args[i] = static_cast<int64_t>(sqlite3_value_int64(argv[i]));
        break;
      case SQLITE_FLOAT:
        args[i] = sqlite3_value_double(argv[i]);
        break;
      case SQLITE_NULL:
        args[i] = std::monostate{};
        break;
      default: {
        const auto* p = static_cast<const char*>(sqlite3_value_blob(argv[i]));
        int bytes = sqlite3_value_bytes(argv[i]);
        args[i] = p != nullptr ? std::string_view(p, static_cast<size_t>(bytes))
                               : std::string_view();
      }
    }
  }
  Value out = (*fn)(std::span<const SqlArg>(args, static_cast<size_t>(n)));
  if (const auto* i = std::get_if<int64_t>(&out)) {
    sqlite3_result_int64(ctx, *i);
  } else if (const auto* d = std::get_if<double>(&out)) {
    sqlite3_result_double(ctx, *d);
  } else if (const auto* s = std::get_if<std::string>(&out)) {
    sqlite3_result_text64(ctx, s->data(), s->size(), SQLITE_TRANSIENT,
                          SQLITE_UTF8);
  } else {
    sqlite3_result_null(ctx);
  }
}

void DestroyScalar(void* p) { delete static_cast<ScalarFunction*>(p); }

std::string InsertSql() {
  std::string names;
  std::string params;
  int i = 0;
  for (const Column& c : CrashColumns()) {
    if (i++ > 0) {
      names += ", ";
      params += ", ";
    }
    names += c.name;
    params += fmt::format("?{}", i);
  }
  return fmt::format("INSERT INTO crashes ({}) VALUES ({})", names, params);
}

}  // namespace

SearchIndex::SearchIndex(std::filesystem::path path, SearchIndexOptions options,
                         std::unique_ptr<Connection> db)
    : path_(std::move(path)), options_(options), db_(std::move(db)) {}

// Statements first: each holds a pointer into the connection.
SearchIndex::~SearchIndex() {
  insert_.reset();
  delete_.reset();
}

Result<std::unique_ptr<SearchIndex>> SearchIndex::Open(
    const std::filesystem::path& path, bool read_only) {
  SearchIndexOptions options;
  options.read_only = read_only;
  return Open(path, options);
}

Result<std::unique_ptr<SearchIndex>> SearchIndex::Open(
    const std::filesystem::path& path, const SearchIndexOptions& options) {
  std::string where = fmt::format("search index {}", path.string());
  if (options.read_only) {
    std::error_code ec;
    // SQLite would say "unable to open database file"; say which case.
    if (!std::filesystem::exists(path, ec)) {
      return Status::NotFound(fmt::format("{}: does not exist", where));
    }
  }
  CB_ASSIGN_OR_RETURN(
      Connection conn,
      Connection::Open(path, options.read_only,
                       static_cast<int>(options.busy_timeout.count())));
  auto db = std::make_unique<Connection>(std::move(conn));
  // The first statement reads the header: a file that is not SQLite fails
  // here with kCorrupt ("file is not a database").
  if (options.read_only) {
    CB_RETURN_IF_ERROR(db->Exec("PRAGMA query_only = 1"));
    CB_ASSIGN_OR_RETURN(int64_t version, db->QueryInt("PRAGMA user_version"));
    if (version > kSchemaVersion) {
      return Status::InvalidArgument(
          fmt::format("{}: schema version {} is newer than this crashbox's {}",
                      where, version, kSchemaVersion));
    }
    if (version < kSchemaVersion) {
      return Status::Unavailable(fmt::format(
          "{}: schema version {}, this crashbox reads {}; open it read-write "
          "once to migrate",
          where, version, kSchemaVersion));
    }
  } else {
    // WAL: readers never wait for the writer. NORMAL: a commit is durable at
    // the next checkpoint, not at once; the index is derived data, rebuilt
    // from the crash store, so losing the last batches to a power cut is
    // acceptable and costs one fsync per checkpoint instead of per batch.
    {
      // Scoped: a statement left mid-step would keep COMMIT from running.
      CB_ASSIGN_OR_RETURN(Statement wal,
                          db->Prepare("PRAGMA journal_mode = WAL"));
      CB_ASSIGN_OR_RETURN(bool row, wal.Step());
      if (!row || wal.ColumnText(0) != "wal") {
        return Status::IoError(fmt::format("{}: cannot enable WAL", where));
      }
    }
    // recursive_triggers is on in Debian's build; the schema's triggers
    // never need it, and a REPLACE must not fire delete triggers twice.
    // cache_size: a batch's pages stay in memory until commit instead of
    // spilling to the log mid-transaction (32 MiB, SQLite's default is 2);
    // temp_store: the triggers' statement journals never touch disk;
    // journal_size_limit: a big rebuild leaves no huge -wal file behind;
    // secure_delete (on in Debian's build) zeroes every freed page, and FTS5
    // frees pages on each segment merge: off, indexing writes less. The
    // index holds nothing the crash store does not, so overwriting freed
    // pages protects nothing.
    CB_RETURN_IF_ERROR(
        db->Exec("PRAGMA synchronous = NORMAL; PRAGMA recursive_triggers = 0;"
                 "PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;"
                 "PRAGMA journal_size_limit = 67108864;"
                 "PRAGMA secure_delete = OFF;"));
    CB_RETURN_IF_ERROR(Migrate(*db));
  }
  std::unique_ptr<SearchIndex> index(
      new SearchIndex(path, options, std::move(db)));
  if (!options.read_only) CB_RETURN_IF_ERROR(index->PrepareWriters());
  return index;
}

Status SearchIndex::PrepareWriters() {
  CB_ASSIGN_OR_RETURN(Statement ins, db_->Prepare(InsertSql(), true));
  CB_ASSIGN_OR_RETURN(
      Statement del,
      db_->Prepare("DELETE FROM crashes WHERE crash_id = ?1", true));
  insert_ = std::make_unique<Statement>(std::move(ins));
  delete_ = std::make_unique<Statement>(std::move(del));
  return {};
}

Status SearchIndex::IndexBatch(std::span<const IndexItem> items) {
  if (options_.read_only) {
    return Status::PermissionDenied(
        fmt::format("search index {}: opened read-only", path_.string()));
  }
  // Refuse before writing, so a bad item never leaves half a batch.
  for (size_t i = 0; i < items.size(); ++i) {
    const IndexItem& item = items[i];
    if (item.crash_id.empty() || item.crash_id.size() > kMaxCrashIdBytes) {
      return Status::InvalidArgument(fmt::format(
          "index batch item {}: crash id of {} bytes (1 to {} allowed)", i,
          item.crash_id.size(), kMaxCrashIdBytes));
    }
    if (!item.processed.is_object()) {
      return Status::InvalidArgument(fmt::format(
          "index batch item {} ({}): processed crash is not a JSON object", i,
          item.crash_id));
    }
  }
  if (items.empty()) return {};
  // Joining the caller's transaction: its end commits or undoes this.
  const bool own = !db_->InTransaction();
  if (own) CB_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
  Status s;
  for (const IndexItem& item : items) {
    // Delete, then insert: the delete triggers subtract the old row's counts
    // and FTS entries, the insert triggers add the new one's.
    s = delete_->Bind(1, std::string(item.crash_id));
    if (s.ok()) s = delete_->Run();
    if (s.ok()) {
      std::vector<Value> row =
          MakeCrashRow(item.crash_id, item.processed, options_.max_text_bytes);
      s = insert_->BindAll(row);
      if (s.ok()) s = insert_->Run();
    }
    if (!s.ok()) {
      delete_->Reset();
      insert_->Reset();
      if (own) (void)db_->Exec("ROLLBACK");
      return s.WithContext(fmt::format("index crash {}", item.crash_id));
    }
  }
  if (!own) return {};
  s = db_->Exec("COMMIT");
  if (!s.ok()) (void)db_->Exec("ROLLBACK");
  return s;
}

Status SearchIndex::InTransaction(const std::function<Status()>& work) {
  if (options_.read_only) {
    return Status::PermissionDenied(
        fmt::format("search index {}: opened read-only", path_.string()));
  }
  CB_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
  Status s = work();
  if (s.ok()) s = db_->Exec("COMMIT");
  if (!s.ok()) (void)db_->Exec("ROLLBACK");
  return s;
}

Status SearchIndex::Remove(std::string_view crash_id) {
  if (options_.read_only) {
    return Status::PermissionDenied(
        fmt::format("search index {}: opened read-only", path_.string()));
  }
  CB_RETURN_IF_ERROR(delete_->Bind(1, std::string(crash_id)));
  CB_RETURN_IF_ERROR(delete_->Run());
  if (db_->Changes() == 0) {
    return Status::NotFound(
        fmt::format("search index: crash {} not indexed", crash_id));
  }
  return {};
}

Status SearchIndex::Clear() {
  if (options_.read_only) {
    return Status::PermissionDenied(
        fmt::format("search index {}: opened read-only", path_.string()));
  }
  return ResetSchema(*db_);
}

Status SearchIndex::Optimize() {
  if (options_.read_only) {
    return Status::PermissionDenied(
        fmt::format("search index {}: opened read-only", path_.string()));
  }
  CB_RETURN_IF_ERROR(
      db_->Exec("INSERT INTO crashes_fts(crashes_fts) VALUES ('optimize')"));
  return db_->Exec("PRAGMA optimize");
}

Result<int64_t> SearchIndex::Count() {
  return db_->QueryInt("SELECT count(*) FROM crashes");
}

Result<bool> SearchIndex::Contains(std::string_view crash_id) {
  CB_ASSIGN_OR_RETURN(
      Statement stmt,
      db_->Prepare("SELECT 1 FROM crashes WHERE crash_id = ?1"));
  CB_RETURN_IF_ERROR(stmt.Bind(1, std::string(crash_id)));
  return stmt.Step();
}

Result<std::vector<SignatureCount>> SearchIndex::SignatureCounts(
    std::string_view product, std::string_view version, int64_t from_day,
    int64_t to_day, size_t limit) {
  // Two texts rather than "(?5 = '' OR version = ?5)", which would keep the
  // planner from using the version part of the index.
  std::string_view sql =
      version.empty() ? "SELECT ifnull(signature, ''), sum(count) AS n "
                        "FROM signature_counts WHERE product = ?1 AND "
                        "date_processed BETWEEN ?2 AND ?3 "
                        "GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?4"
                      : "SELECT ifnull(signature, ''), sum(count) AS n "
                        "FROM signature_counts WHERE product = ?1 AND "
                        "date_processed BETWEEN ?2 AND ?3 AND version = ?5 "
                        "GROUP BY 1 ORDER BY n DESC, 1 LIMIT ?4";
  std::vector<Value> params = {std::string(product), from_day * kMicrosPerDay,
                               to_day * kMicrosPerDay,
                               static_cast<int64_t>(limit)};
  if (!version.empty()) params.emplace_back(std::string(version));
  CB_ASSIGN_OR_RETURN(QueryResult r, Query(sql, params));
  std::vector<SignatureCount> out;
  for (const std::vector<Value>& row : r.rows) {
    out.push_back({std::get<std::string>(row[0]), std::get<int64_t>(row[1])});
  }
  return out;
}

Result<SignatureFirstSeen> SearchIndex::FindFirstSeen(
    std::string_view signature) {
  CB_ASSIGN_OR_RETURN(
      Statement stmt,
      db_->Prepare("SELECT first_date, first_build FROM signature_first "
                   "WHERE signature = ?1"));
  CB_RETURN_IF_ERROR(stmt.Bind(1, std::string(signature)));
  CB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) {
    return Status::NotFound(
        fmt::format("search index: signature never seen: {}", signature));
  }
  SignatureFirstSeen seen;
  seen.first_date_micros = stmt.ColumnInt(0);
  if (!stmt.ColumnIsNull(1)) seen.first_build = stmt.ColumnInt(1);
  return seen;
}

Result<int> SearchIndex::SchemaVersion() {
  CB_ASSIGN_OR_RETURN(int64_t v, db_->QueryInt("PRAGMA user_version"));
  return static_cast<int>(v);
}

Status SearchIndex::IntegrityCheck() {
  std::string where = fmt::format("search index {}", path_.string());
  // At most 10 problems: enough to say what is wrong, bounded on a wreck.
  Result<Statement> stmt = db_->Prepare("PRAGMA quick_check(10)");
  if (!stmt.ok()) {
    return Status::Corrupt(
        fmt::format("{}: quick_check: {}", where, stmt.status().message()));
  }
  std::string problems;
  while (true) {
    Result<bool> row = stmt->Step();
    if (!row.ok()) {
      return Status::Corrupt(
          fmt::format("{}: quick_check: {}", where, row.status().message()));
    }
    if (!*row) break;
    std::string line = stmt->ColumnText(0);
    if (line == "ok") continue;
    if (!problems.empty()) problems += "; ";
    problems += line;
  }
  if (!problems.empty()) {
    return Status::Corrupt(fmt::format("{}: damaged: {}", where, problems));
  }
  return {};
}

Status SearchIndex::RegisterFunction(const std::string& name, int num_args,
                                     ScalarFunction fn) {
  if (std::find(functions_.begin(), functions_.end(), name) !=
      functions_.end()) {
    return {};
  }
  if (num_args < 0 || num_args > 8) {
    return Status::InvalidArgument(
        fmt::format("sql function {}: {} arguments (0 to 8)", name, num_args));
  }
  // SQLite owns the copy from here: DestroyScalar frees it when the function
  // is replaced or the connection closes, also on failure.
  auto* owned = new ScalarFunction(std::move(fn));
  int rc = sqlite3_create_function_v2(
      db_->get(), name.c_str(), num_args,
      SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, owned, CallScalar,
      nullptr, nullptr, DestroyScalar);
  CB_RETURN_IF_ERROR(StatusFromSqlite(rc, db_->get(), "sql function " + name));
  functions_.push_back(name);
  return {};
}

Result<QueryResult> SearchIndex::Query(std::string_view sql,
                                       std::span<const Value> params,
                                       const QueryOptions& options) {
  CB_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(sql));
  if (!stmt.IsReadOnly()) {
    return Status::InvalidArgument("search index query: statement would write");
  }
  CB_RETURN_IF_ERROR(stmt.BindAll(params));
  Clock::time_point deadline;
  const bool timed = options.time_limit.count() > 0;
  if (timed) {
    deadline = Clock::now() + options.time_limit;
    sqlite3_progress_handler(db_->get(), kProgressOps, PastDeadline, &deadline);
  }
  QueryResult result;
  for (int i = 0; i < stmt.ColumnCount(); ++i) {
    result.columns.push_back(stmt.ColumnName(i));
  }
  Status s;
  while (true) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) {
      s = row.status();
      break;
    }
    if (!*row) break;
    if (result.rows.size() >= options.max_rows) {
      result.truncated = true;
      break;
    }
    std::vector<Value>& out = result.rows.emplace_back();
    out.reserve(result.columns.size());
    for (int i = 0; i < stmt.ColumnCount(); ++i) out.push_back(stmt.Column(i));
  }
  if (timed) sqlite3_progress_handler(db_->get(), 0, nullptr, nullptr);
  if (!s.ok()) {
    if (s.code() == Status::Code::kLimitExceeded && timed) {
      return Status::LimitExceeded(
          fmt::format("search index query: time limit of {} ms exceeded",
                      options.time_limit.count()));
    }
    return s;
  }
  return result;
}

Status SearchIndex::QueryEach(std::string_view sql,
                              std::span<const Value> params,
                              const QueryOptions& options, const RowFn& row) {
  CB_ASSIGN_OR_RETURN(Statement stmt, db_->Prepare(sql));
  if (!stmt.IsReadOnly()) {
    return Status::InvalidArgument("search index query: statement would write");
  }
  CB_RETURN_IF_ERROR(stmt.BindAll(params));
  Clock::time_point deadline;
  const bool timed = options.time_limit.count() > 0;
  if (timed) {
    deadline = Clock::now() + options.time_limit;
    sqlite3_progress_handler(db_->get(), kProgressOps, PastDeadline, &deadline);
  }
  const int n = stmt.ColumnCount();
  std::vector<SqlArg> columns(static_cast<size_t>(n));
  Status s;
  while (true) {
    Result<bool> more = stmt.Step();
    if (!more.ok()) {
      s = more.status();
      break;
    }
    if (!*more) break;
    for (int i = 0; i < n; ++i)
      columns[static_cast<size_t>(i)] = stmt.ColumnView(i);
    s = row(columns);
    if (!s.ok()) break;
  }
  if (timed) sqlite3_progress_handler(db_->get(), 0, nullptr, nullptr);
  if (s.code() == Status::Code::kLimitExceeded && timed) {
    return Status::LimitExceeded(
        fmt::format("search index query: time limit of {} ms exceeded",
                    options.time_limit.count()));
  }
  return s;
}

}  // namespace crashbox::store::sqlite
