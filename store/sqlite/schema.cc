// SPDX-License-Identifier: MPL-2.0
// The column table (schema.h) and the DDL and migrations (migrate.h).
#include "store/sqlite/schema.h"

#include <algorithm>
#include <array>
#include <set>

#include <fmt/format.h>

#include "app/base/check.h"
#include "store/sqlite/migrate.h"

namespace crashbox::store::sqlite {
namespace {

// The string fields Super Search's ~ ^ $ operators are most asked about
// (SOCORRO.md §4.5), plus the ';'-separated module lists. email and
// moz_crash_reason are Socorro fields the field table lacks (yet): they are
// read from the top level when present. Changing this list is a schema
// version (the FTS table must be rebuilt).
// Not signature: its patterns are tested against the distinct signatures
// (signature_first), which is faster than trigrams at every selectivity.
constexpr std::array<std::string_view, 14> kFts = {
    "proto_signature",   "reason",
    "moz_crash_reason",  "abort_message",
    "app_notes",         "url",
    "user_comments",     "email",
    "modules_in_stack",  "topmost_filenames",
    "missing_symbols",   "app_init_dlls",
    "ipc_channel_error", "async_shutdown_timeout",
};

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> keys;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    keys.emplace_back(path.substr(start, dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return keys;
}

bool IsIdentifier(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

std::vector<Column> BuildColumns() {
  std::vector<Column> cols;
  std::set<std::string, std::less<>> names;
  auto add = [&](Column c) {
    // Field names are ours, but they become SQL identifiers: no quoting
    // tricks, ever.
    CB_CHECK(IsIdentifier(c.name));
    if (names.insert(c.name).second) cols.push_back(std::move(c));
  };
  add({"crash_id", ColumnType::kText, ColumnSource::kKey, nullptr, {}});
  for (const report::FieldSpec& f : report::AllFields()) {
    if (f.in_array() || f.name == "uuid" || f.name == "crash_id") continue;
    ColumnType type;
    switch (f.type) {
      case report::FieldType::kString:
        type = ColumnType::kText;
        break;
      case report::FieldType::kInteger:
      case report::FieldType::kBoolean:
        type = ColumnType::kInteger;
        break;
      case report::FieldType::kNumber:
        type = ColumnType::kReal;
        break;
      default:
        continue;  // objects, arrays, untyped JSON: not searchable columns
    }
    Column c{ColumnNameOf(f.name), type, ColumnSource::kField, &f,
             SplitPath(f.path)};
    if (f.name == "date_processed" || f.name == "submitted_timestamp") {
      c.type = ColumnType::kInteger;
      c.source = ColumnSource::kEpochMicros;
    }
    add(c);
    if (f.name == "build") {
      add({"build_id", ColumnType::kInteger, ColumnSource::kBuildId, &f,
           SplitPath(f.path)});
    }
  }
  for (std::string_view name : kFts) {
    add({std::string(name),
         ColumnType::kText,
         ColumnSource::kTopLevel,
         nullptr,
         {std::string(name)}});
  }
  return cols;
}

std::string Join(std::span<const std::string_view> names,
                 std::string_view prefix) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += fmt::format("{}{}", prefix, n);
  }
  return out;
}

// Floor division of a microsecond time by `unit` microseconds (SQLite's '/'
// truncates toward zero); by a day, as DayOf().
std::string FloorExpr(std::string_view d, int64_t unit) {
  return fmt::format(
      "(CASE WHEN {0} >= 0 THEN {0} / {1} ELSE ({0} + 1) / {1} - 1 END)", d,
      unit);
}
std::string DayExpr(std::string_view d) { return FloorExpr(d, kMicrosPerDay); }

// The aggregate key of a crashes row (`row` is new or old): absent values
// are '' so that the key is never NULL (NULLs never conflict in a UNIQUE
// key, so an upsert would add a row per crash).
struct CountKey {
  std::string values;  // for INSERT ... VALUES
  std::string where;   // for UPDATE/DELETE ... WHERE
};
CountKey CountKeyOf(std::string_view row) {
  std::string product = fmt::format("ifnull({}.product, '')", row);
  std::string version = fmt::format("ifnull({}.version, '')", row);
  std::string day = DayExpr(fmt::format("{}.date_processed", row));
  std::string sig = fmt::format("ifnull({}.signature, '')", row);
  std::string platform = fmt::format("ifnull({}.os_name, '')", row);
  std::string ptype = fmt::format("ifnull({}.process_type, '')", row);
  return {fmt::format("{}, {}, {}, {}, {}, {}", product, version, day, sig,
                      platform, ptype),
          fmt::format("product = {} AND version = {} AND day = {} AND "
                      "signature = {} AND platform = {} AND process_type = {}",
                      product, version, day, sig, platform, ptype)};
}

// The FTS table over FtsColumns() and the triggers that keep it current.
std::string FtsSchema() {
  std::span<const std::string_view> fts = FtsColumns();
  return fmt::format(
      R"(
CREATE VIRTUAL TABLE crashes_fts USING fts5(
  {fts},
  content='crashes', content_rowid='id',
  tokenize='trigram', detail='column');
CREATE TRIGGER crashes_fts_ai AFTER INSERT ON crashes BEGIN
  INSERT INTO crashes_fts(rowid, {fts}) VALUES (new.id, {fts_new});
END;
CREATE TRIGGER crashes_fts_ad AFTER DELETE ON crashes BEGIN
  INSERT INTO crashes_fts(crashes_fts, rowid, {fts})
    VALUES ('delete', old.id, {fts_old});
END;
)",
      fmt::arg("fts", Join(fts, "")), fmt::arg("fts_new", Join(fts, "new.")),
      fmt::arg("fts_old", Join(fts, "old.")));
}

// The signature_first upsert of a crashes row `new` (every version's
// insert trigger runs it).
constexpr std::string_view kFirstSeenUpsert =
    R"(  INSERT INTO signature_first (signature, first_date, first_build)
    VALUES (ifnull(new.signature, ''), new.date_processed, new.build_id)
    ON CONFLICT (signature) DO UPDATE SET
      first_date = min(first_date, excluded.first_date),
      first_build = coalesce(min(first_build, excluded.first_build),
                             first_build, excluded.first_build);)";

std::string SchemaV1() {
  std::string cols;
  for (const Column& c : CrashColumns()) {
    cols +=
        fmt::format(",\n  {} {}{}", c.name, ColumnTypeName(c.type),
                    c.source == ColumnSource::kKey ? " NOT NULL UNIQUE" : "");
  }
  CountKey added = CountKeyOf("new");
  CountKey removed = CountKeyOf("old");
  return fmt::format(
      R"(
CREATE TABLE crashes (
  id INTEGER PRIMARY KEY{cols}
);
CREATE INDEX crashes_product_version_date
  ON crashes(product, version, date_processed);
CREATE INDEX crashes_signature_date ON crashes(signature, date_processed);
CREATE INDEX crashes_os_name_date ON crashes(os_name, date_processed);
CREATE INDEX crashes_date ON crashes(date_processed);

{fts_schema}

CREATE TABLE signature_counts (
  product TEXT NOT NULL, version TEXT NOT NULL, day INTEGER NOT NULL,
  signature TEXT NOT NULL, platform TEXT NOT NULL,
  process_type TEXT NOT NULL, count INTEGER NOT NULL,
  PRIMARY KEY (product, version, day, signature, platform, process_type)
) WITHOUT ROWID;
CREATE INDEX signature_counts_signature_day ON signature_counts(signature, day);
CREATE INDEX signature_counts_product_day ON signature_counts(product, day);

CREATE TABLE signature_first (
  signature TEXT PRIMARY KEY, first_date INTEGER NOT NULL, first_build INTEGER
) WITHOUT ROWID;

CREATE TRIGGER crashes_no_update BEFORE UPDATE ON crashes BEGIN
  SELECT RAISE(ABORT, 'crashes rows are replaced, never updated');
END;

CREATE TRIGGER crashes_counts_ai AFTER INSERT ON crashes
WHEN new.date_processed IS NOT NULL BEGIN
  INSERT INTO signature_counts
    (product, version, day, signature, platform, process_type, count)
    VALUES ({added_values}, 1)
    ON CONFLICT (product, version, day, signature, platform, process_type)
    DO UPDATE SET count = count + 1;
{first_seen}
END;
CREATE TRIGGER crashes_counts_ad AFTER DELETE ON crashes
WHEN old.date_processed IS NOT NULL BEGIN
  UPDATE signature_counts SET count = count - 1 WHERE {removed_where};
  DELETE FROM signature_counts WHERE {removed_where} AND count <= 0;
END;
)",
      fmt::arg("cols", cols), fmt::arg("fts_schema", FtsSchema()),
      fmt::arg("first_seen", kFirstSeenUpsert),
      fmt::arg("added_values", added.values),
      fmt::arg("removed_where", removed.where));
}

struct Migration {
  int to_version;
  Status (*apply)(Connection&);
};

Status CreateV1(Connection& c) { return c.Exec(SchemaV1()); }

// Version 2: the filter indexes also carry the columns Super Search groups
// and filters by most (docs/decisions.md, "Super Search execution"), so that
// Top Crashers, facets and histograms read the index alone. Without them
// every matching row costs a random read of the table, whose order (arrival)
// is not the index's (time, product).
Status MigrateV1ToV2(Connection& c) {
  return c.Exec(R"(
DROP INDEX IF EXISTS crashes_product_version_date;
DROP INDEX IF EXISTS crashes_os_name_date;
DROP INDEX IF EXISTS crashes_date;
CREATE INDEX crashes_product_version_date ON crashes(
  product, version, date_processed, os_name, process_type, signature);
CREATE INDEX crashes_os_name_date ON crashes(
  os_name, date_processed, product, version, process_type, signature);
CREATE INDEX crashes_date ON crashes(
  date_processed, product, version, os_name, process_type, signature);
)");
}

// A rollup table of crashes (daily_counts; signature_counts and
// hourly_counts since version 4): one row per UTC day (or `unit`
// microseconds) and distinct tuple of `keys`, crashes' own column names,
// NULLs kept, with how many crashes have it. date_processed holds the
// unit's start, so that a WHERE written for crashes runs on it unchanged. NULLs
// make a UNIQUE key useless for an upsert; the triggers match rows with IS
// instead (an IS term can use the index). The DDL creates the table and its
// index, fills it from crashes, and adds the triggers <table>_ai and <table>_ad
// that keep it current.
std::string RollupDdl(std::string_view table,
                      std::span<const std::string_view> keys,
                      std::string_view index_columns,
                      int64_t unit = kMicrosPerDay) {
  auto key_where = [&](std::string_view row) {
    std::string where = fmt::format(
        "date_processed = {} * {}",
        FloorExpr(fmt::format("{}.date_processed", row), unit), unit);
    for (std::string_view k : keys) {
      where += fmt::format(" AND {1} IS {0}.{1}", row, k);
    }
    return where;
  };
  std::string columns, by_number = "1";
  for (size_t i = 0; i < keys.size(); ++i) {
    columns += fmt::format("{} TEXT, ", keys[i]);
    by_number += fmt::format(", {}", i + 2);
  }
  return fmt::format(
      R"(
CREATE TABLE {table} (
  date_processed INTEGER NOT NULL, {columns}count INTEGER NOT NULL);
CREATE INDEX {table}_key ON {table}({index_columns});
INSERT INTO {table}
  SELECT {day} * {per_day}, {keys}, count(*) FROM crashes
  WHERE date_processed IS NOT NULL GROUP BY {keys_by_number};
CREATE TRIGGER {table}_ai AFTER INSERT ON crashes
WHEN new.date_processed IS NOT NULL BEGIN
  UPDATE {table} SET count = count + 1 WHERE {new_key};
  INSERT INTO {table}
    SELECT {new_day} * {per_day}, {new_keys}, 1
    WHERE NOT EXISTS (SELECT 1 FROM {table} WHERE {new_key});
END;
CREATE TRIGGER {table}_ad AFTER DELETE ON crashes
WHEN old.date_processed IS NOT NULL BEGIN
  UPDATE {table} SET count = count - 1 WHERE {old_key};
  DELETE FROM {table} WHERE {old_key} AND count <= 0;
END;
)",
      fmt::arg("table", table), fmt::arg("columns", columns),
      fmt::arg("index_columns", index_columns),
      fmt::arg("day", FloorExpr("date_processed", unit)),
      fmt::arg("new_day", FloorExpr("new.date_processed", unit)),
      fmt::arg("per_day", unit), fmt::arg("keys", Join(keys, "")),
      fmt::arg("new_keys", Join(keys, "new.")),
      fmt::arg("keys_by_number", by_number),
      fmt::arg("new_key", key_where("new")),
      fmt::arg("old_key", key_where("old")));
}

// Version 3 (docs/decisions.md, "Super Search execution"):
// - the product index puts the date second, so that a product with any
//   versions reads only its date range (with version second, a query naming
//   the product alone read every crash of the product, all time);
// - daily_counts: crashes per day, product, version, os_name and
//   process_type, NULLs kept, under the crashes table's own column names
//   (date_processed holds the day's start), so that the executor answers
//   whole days of histograms, facets and totals on those fields from it
//   with the same WHERE it runs on crashes. NULLs make a UNIQUE key useless
//   for an upsert; the triggers match rows with IS instead;
// - signature leaves the FTS table (patterns on it read signature_first),
//   which is rebuilt over the other columns;
// - signature_counts keeps only its primary key: its two other indexes cost
//   an eighth of the indexing time and no search reads them.
constexpr std::string_view kDailyKeys[] = {"product", "version", "os_name",
                                           "process_type"};
constexpr std::string_view kDailyIndex =
    "date_processed, product, version, os_name, process_type";
constexpr std::string_view kCoveringDailyIndex =
    "date_processed, product, version, os_name, process_type, count";

Status MigrateV2ToV3(Connection& c) {
  return c.Exec(fmt::format(
      R"(
DROP INDEX IF EXISTS crashes_product_version_date;
DROP INDEX IF EXISTS signature_counts_signature_day;
DROP INDEX IF EXISTS signature_counts_product_day;
DROP TRIGGER IF EXISTS crashes_fts_ai;
DROP TRIGGER IF EXISTS crashes_fts_ad;
DROP TABLE IF EXISTS crashes_fts;
{fts_schema}
INSERT INTO crashes_fts(crashes_fts) VALUES ('rebuild');
CREATE INDEX crashes_product_date ON crashes(
  product, date_processed, version, os_name, process_type, signature);
{daily_counts}
)",
      fmt::arg("fts_schema", FtsSchema()),
      fmt::arg("daily_counts",
               RollupDdl(kDailyCountsTable, kDailyKeys, kDailyIndex))));
}

// Version 4 (docs/decisions.md, "Search index version 4"):
// - signature_counts becomes a rollup as daily_counts is, with signature
//   among its keys, so that Top Crashers and other signature facets
//   filtered on a product and version read whole days from it rather than
//   crash rows. Its index leads with the product and the version, then the
//   date, and carries the count. signature_first gets its own trigger;
// - hourly_counts: daily_counts by the hour, for the whole hours of the
//   partial days at a range's edges (a 7-day range from now has a day of
//   crashes at its edges; it keeps a few minutes);
// - both by-day-key rollups' indexes carry the count: hourly_counts has a row
//   for every two crashes at 100,000 crashes, and rows read through an index
//   without it were each a lookup in a table written in arrival order.
constexpr std::string_view kSignatureKeys[] = {"product", "version", "os_name",
                                               "process_type", "signature"};

Status MigrateV3ToV4(Connection& c) {
  return c.Exec(fmt::format(
      R"(
DROP TRIGGER IF EXISTS crashes_counts_ai;
DROP TRIGGER IF EXISTS crashes_counts_ad;
DROP TRIGGER IF EXISTS signature_counts_ai;
DROP TRIGGER IF EXISTS signature_counts_ad;
DROP TRIGGER IF EXISTS signature_first_ai;
DROP TABLE IF EXISTS signature_counts;
{signature_counts}
DROP TRIGGER IF EXISTS hourly_counts_ai;
DROP TRIGGER IF EXISTS hourly_counts_ad;
DROP TABLE IF EXISTS hourly_counts;
{hourly_counts}
DROP INDEX IF EXISTS daily_counts_key;
CREATE INDEX daily_counts_key ON daily_counts({covering_daily});
CREATE TRIGGER signature_first_ai AFTER INSERT ON crashes
WHEN new.date_processed IS NOT NULL BEGIN
{first_seen}
END;
)",
      fmt::arg("first_seen", kFirstSeenUpsert),
      fmt::arg("covering_daily", kCoveringDailyIndex),
      fmt::arg("signature_counts",
               RollupDdl(kCountsTable, kSignatureKeys,
                         "product, version, date_processed, os_name, "
                         "process_type, signature, count")),
      fmt::arg("hourly_counts",
               RollupDdl(kHourlyCountsTable, kDailyKeys, kCoveringDailyIndex,
                         kMicrosPerHour))));
}

// In order; a fresh file runs them all, so each step only needs to know the
// version before it.
constexpr Migration kMigrations[] = {
    {1, CreateV1},
    {2, MigrateV1ToV2},
    {3, MigrateV2ToV3},
    {4, MigrateV3ToV4},
};
static_assert(std::size(kMigrations) == kSchemaVersion);

// Runs `work` in one write transaction (IMMEDIATE: takes the write lock up
// front, so two processes opening one file migrate one after the other).
template <typename F>
Status InWriteTxn(Connection& c, F work) {
  CB_RETURN_IF_ERROR(c.Exec("BEGIN IMMEDIATE"));
  Status s = work();
  if (s.ok()) s = c.Exec("COMMIT");
  if (!s.ok()) (void)c.Exec("ROLLBACK");
  return s;
}

}  // namespace

std::span<const Column> CrashColumns() {
  static const std::vector<Column> kColumns = [] {
    std::vector<Column> cols = BuildColumns();
    return cols;
  }();
  return kColumns;
}

const Column* FindColumn(std::string_view name) {
  for (const Column& c : CrashColumns()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const Column* ColumnForField(std::string_view field_name) {
  if (field_name == "uuid" || field_name == "crash_id") {
    return &CrashColumns()[0];
  }
  const Column* c = FindColumn(ColumnNameOf(field_name));
  if (c == nullptr || c->field == nullptr || c->field->name != field_name ||
      c->source == ColumnSource::kBuildId) {
    return nullptr;
  }
  return c;
}

std::string ColumnNameOf(std::string_view field_name) {
  std::string out;
  for (char ch : field_name) {
    if (ch == '.') {
      out += "__";
    } else {
      out += ch;
    }
  }
  return out;
}

std::string_view ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kText:
      return "TEXT";
    case ColumnType::kInteger:
      return "INTEGER";
    case ColumnType::kReal:
      return "REAL";
  }
  return "TEXT";
}

std::span<const std::string_view> FtsColumns() { return kFts; }

bool LeadsIndex(std::string_view column) {
  // The first columns of SchemaV1's indexes (crash_id: its UNIQUE index).
  static constexpr std::string_view kLeading[] = {
      "crash_id", "product", "signature", "os_name", "date_processed"};
  return std::find(std::begin(kLeading), std::end(kLeading), column) !=
         std::end(kLeading);
}

std::string GlobLiteral(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '*' || c == '?' || c == '[') {
      out += '[';
      out += c;
      out += ']';
    } else {
      out += c;
    }
  }
  return out;
}

Status Migrate(Connection& c) {
  return InWriteTxn(c, [&]() -> Status {
    CB_ASSIGN_OR_RETURN(int64_t version, c.QueryInt("PRAGMA user_version"));
    if (version > kSchemaVersion) {
      return Status::InvalidArgument(fmt::format(
          "search index {}: schema version {} is newer than this crashbox's "
          "{}",
          c.path(), version, kSchemaVersion));
    }
    if (version < 0) {
      return Status::Corrupt(
          fmt::format("search index {}: schema version {}", c.path(), version));
    }
    for (const Migration& m : kMigrations) {
      if (m.to_version <= version) continue;
      CB_RETURN_IF_ERROR(m.apply(c));
      CB_RETURN_IF_ERROR(
          c.Exec(fmt::format("PRAGMA user_version = {}", m.to_version)));
    }
    return AddMissingColumns(c);
  });
}

Status AddMissingColumns(Connection& c) {
  CB_ASSIGN_OR_RETURN(
      Statement info,
      c.Prepare("SELECT name FROM pragma_table_info('crashes')"));
  std::set<std::string, std::less<>> have;
  while (true) {
    CB_ASSIGN_OR_RETURN(bool row, info.Step());
    if (!row) break;
    have.insert(info.ColumnText(0));
  }
  // Fields added to the table since the file was made get their column here;
  // their value is NULL in rows indexed before (a reindex fills them).
  for (const Column& col : CrashColumns()) {
    if (have.contains(col.name)) continue;
    CB_RETURN_IF_ERROR(
        c.Exec(fmt::format("ALTER TABLE crashes ADD COLUMN {} {}", col.name,
                           ColumnTypeName(col.type))));
  }
  return {};
}

Status ResetSchema(Connection& c) {
  CB_RETURN_IF_ERROR(InWriteTxn(c, [&] {
    return c.Exec(
        "DROP TABLE IF EXISTS crashes_fts;"
        "DROP TABLE IF EXISTS crashes;"
        "DROP TABLE IF EXISTS signature_counts;"
        "DROP TABLE IF EXISTS signature_first;"
        "DROP TABLE IF EXISTS daily_counts;"
        "DROP TABLE IF EXISTS hourly_counts;"
        "PRAGMA user_version = 0;");
  }));
  return Migrate(c);
}

}  // namespace crashbox::store::sqlite
