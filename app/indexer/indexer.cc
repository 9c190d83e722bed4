// SPDX-License-Identifier: MPL-2.0
#include "app/indexer/indexer.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <span>
#include <unordered_set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/base/log.h"

namespace crashbox::indexer {
namespace {

namespace fs = std::filesystem;
using store::sqlite::IndexItem;
using store::sqlite::SearchIndex;

// Crashes parsed at a time (each parsed crash costs tens of kilobytes until
// it is a row), and per transaction of a rebuild: a commit writes a new FTS
// segment and may merge older ones, so large transactions index faster
// (measured: 5,000 per commit instead of 1,000, a quarter less time).
constexpr size_t kParseChunk = 500;
constexpr size_t kRebuildTxn = 10000;

// SQLite's files for the database at `path`.
fs::path WithSuffix(const fs::path& path, std::string_view suffix) {
  return fs::path(path.string() + std::string(suffix));
}
void RemoveDatabase(const fs::path& path) {
  std::error_code ec;
  for (std::string_view s : {"", "-wal", "-shm", "-journal"})
    fs::remove(WithSuffix(path, s), ec);
}

struct Loaded {
  std::vector<std::string> ids;
  std::vector<nlohmann::json> docs;
  std::vector<std::string> gone;  // no processed crash any more
};

// Reads and parses the processed crashes of `ids` (duplicates once).
Result<Loaded> Load(store::CrashStore& store,
                    std::span<const std::string> ids) {
  Loaded out;
  std::unordered_set<std::string> seen;
  for (const std::string& id : ids) {
    if (!seen.insert(id).second) continue;
    Result<std::string> text = store.GetProcessed(id);
    if (!text.ok()) {
      if (text.status().code() == Status::Code::kNotFound) {
        out.gone.push_back(id);
        continue;
      }
      return text.status();
    }
    nlohmann::json doc = nlohmann::json::parse(text.value(), nullptr,
                                               /*allow_exceptions=*/false);
    if (!doc.is_object()) {
      CB_LOG_WARNING(
          "search index: {}: stored processed crash is not a JSON "
          "object; not indexed",
          id);
      continue;
    }
    out.ids.push_back(id);
    out.docs.push_back(std::move(doc));
  }
  return out;
}

// Loads and indexes `ids`, kParseChunk at a time, in the caller's
// transaction (SearchIndex::InTransaction); with `remove_gone`, crashes no
// longer in the store leave the index.
Status IndexIds(store::CrashStore& store, SearchIndex& index,
                std::span<const std::string> ids, bool remove_gone) {
  for (size_t at = 0; at < ids.size(); at += kParseChunk) {
    std::span<const std::string> chunk =
        ids.subspan(at, std::min(kParseChunk, ids.size() - at));
    CB_ASSIGN_OR_RETURN(Loaded loaded, Load(store, chunk));
    std::vector<IndexItem> items;
    items.reserve(loaded.ids.size());
    for (size_t i = 0; i < loaded.ids.size(); ++i)
      items.push_back(IndexItem{loaded.ids[i], loaded.docs[i]});
    CB_RETURN_IF_ERROR(index.IndexBatch(items));
    if (!remove_gone) continue;
    for (const std::string& id : loaded.gone) {
      Status s = index.Remove(id);
      if (!s.ok() && s.code() != Status::Code::kNotFound) return s;
    }
  }
  return {};
}

}  // namespace

Result<size_t> IndexPending(store::CrashStore& store, SearchIndex& index,
                            size_t limit) {
  CB_ASSIGN_OR_RETURN(std::vector<store::IndexEntry> entries,
                      store.PendingIndex(limit));
  if (entries.empty()) return size_t{0};
  std::vector<std::string> ids;
  ids.reserve(entries.size());
  for (const store::IndexEntry& e : entries) ids.push_back(e.crash_id);
  CB_RETURN_IF_ERROR(index.InTransaction(
      [&] { return IndexIds(store, index, ids, /*remove_gone=*/true); }));
  CB_RETURN_IF_ERROR(store.AckIndexed(entries));
  return entries.size();
}

fs::path RebuildMarker(const fs::path& path) {
  return WithSuffix(path, ".rebuilding");
}

Status RebuildIndex(store::CrashStore& store, const fs::path& path,
                    const ProgressFn& progress) {
  const fs::path marker = RebuildMarker(path);
  const fs::path fresh = WithSuffix(path, ".new");
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  {
    std::ofstream m(marker, std::ios::trunc);
    if (!m) {
      return Status::IoError(fmt::format("cannot create {}", marker.string()));
    }
  }
  RemoveDatabase(fresh);
  Result<uint64_t> counted = store.CountCrashes(store::CrashPart::kProcessed);
  uint64_t total = counted.ok() ? counted.value() : 0;  // progress only
  uint64_t done = 0;
  {
    CB_ASSIGN_OR_RETURN(std::unique_ptr<SearchIndex> index,
                        SearchIndex::Open(fresh, /*read_only=*/false));
    std::string after;
    bool more = true;
    while (more) {
      CB_RETURN_IF_ERROR(index->InTransaction([&]() -> Status {
        for (size_t n = 0; n < kRebuildTxn; n += kParseChunk) {
          CB_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                              store.ListCrashIds(store::CrashPart::kProcessed,
                                                 "", after, kParseChunk));
          if (ids.empty()) {
            more = false;
            break;
          }
          after = ids.back();
          CB_RETURN_IF_ERROR(
              IndexIds(store, *index, ids, /*remove_gone=*/false));
          done += ids.size();
          if (progress && !progress(done, std::max(total, done)))
            return Status::Unavailable("search index rebuild abandoned");
        }
        return {};
      }));
    }
    // Refresh the planner's statistics for the new data; the FTS merge of
    // Optimize() is left to the compact job.
    CB_RETURN_IF_ERROR(index->Query("PRAGMA optimize").status());
  }  // closed: its WAL is checkpointed into the file
  // Old WAL and shared-memory files must not meet the new database.
  for (std::string_view s : {"-wal", "-shm", "-journal"})
    fs::remove(WithSuffix(path, s), ec);
  fs::rename(fresh, path, ec);
  if (ec) {
    return Status::IoError(fmt::format("rename {} to {}: {}", fresh.string(),
                                       path.string(), ec.message()));
  }
  RemoveDatabase(fresh);
  fs::remove(marker, ec);
  return Status::Ok();
}

std::string RebuildReason(store::CrashStore& store, const fs::path& path) {
  std::error_code ec;
  if (fs::exists(RebuildMarker(path), ec))
    return "an earlier rebuild did not finish";
  Result<uint64_t> stored = store.CountCrashes(store::CrashPart::kProcessed);
  if (!stored.ok()) return "";  // the store's trouble, not the index's
  if (!fs::exists(path, ec)) {
    return stored.value() > 0 ? "the index file is missing" : "";
  }
  Result<std::unique_ptr<SearchIndex>> index =
      SearchIndex::Open(path, /*read_only=*/false);
  if (!index.ok()) {
    // Busy is not damage: the caller retries with the file as it is.
    if (index.status().code() == Status::Code::kUnavailable) return "";
    return fmt::format("it cannot be opened ({})", index.status().ToString());
  }
  if (stored.value() == 0) return "";
  Result<store::sqlite::QueryResult> any =
      index.value()->Query("SELECT 1 FROM crashes LIMIT 1");
  if (!any.ok())
    return fmt::format("it cannot be read ({})", any.status().ToString());
  if (any.value().rows.empty()) return "it is empty but the store is not";
  return "";
}

Indexer::Indexer(store::CrashStore& store, base::MetricsRegistry& metrics,
                 IndexerOptions options)
    : store_(store), metrics_(metrics), options_(std::move(options)) {
  unavailable_ = "the search index is starting";
}

Indexer::~Indexer() { Stop(); }

void Indexer::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void Indexer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Indexer::Sleep(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait_for(lock, d, [&] { return stop_; });
}

Status Indexer::RebuildNow(const std::string& reason) {
  CB_LOG_WARNING("search index {}: {}; rebuilding it from the crash store",
                 options_.path.string(), reason);
  {
    std::unique_lock<std::shared_mutex> swap(swap_mu_);
    std::lock_guard<std::mutex> lock(mu_);
    ready_ = false;
    rebuild_done_ = rebuild_total_ = 0;
    unavailable_ = "the search index is being rebuilt";
    pool_.clear();
    writer_.reset();
  }
  auto started = std::chrono::steady_clock::now();
  auto last_log = started;
  Status s =
      RebuildIndex(store_, options_.path, [&](uint64_t done, uint64_t total) {
        auto now = std::chrono::steady_clock::now();
        if (now - last_log >= std::chrono::seconds(10)) {
          last_log = now;
          CB_LOG_INFO("search index rebuild: {} of {} crashes", done, total);
        }
        std::lock_guard<std::mutex> lock(mu_);
        rebuild_done_ = done;
        rebuild_total_ = total;
        // A stop abandons the rebuild: the marker makes the next start redo it.
        return !stop_;
      });
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  std::lock_guard<std::mutex> lock(mu_);
  if (!s.ok()) {
    if (!stop_) CB_LOG_ERROR("search index rebuild failed: {}", s.ToString());
    unavailable_ = "the search index could not be rebuilt (" + s.ToString() +
                   "); retrying";
    rebuild_total_ = 0;
    return s;
  }
  CB_LOG_INFO("search index rebuilt: {} crashes in {:.1f} s", rebuild_done_,
              secs);
  return s;
}

bool Indexer::Stopping() {
  std::lock_guard<std::mutex> lock(mu_);
  return stop_;
}

void Indexer::Run() {
  // Catch-up work: on a busy machine the collector's, the processor's and
  // an import's threads come first (a search index a few seconds behind
  // costs nothing; an import beside the server went from 5,000 to 4,300
  // crashes/s competing with it at equal priority). Raising one's own nice
  // value needs no privilege.
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
  base::Counter* indexed = metrics_.GetCounter(
      "indexer.indexed", "", "processed crashes written to the search index");
  base::Counter* failures = metrics_.GetCounter(
      "indexer.failures", "", "index batches that failed (retried later)");
  std::string rebuild = RebuildReason(store_, options_.path);
  while (!Stopping()) {
    if (!rebuild.empty()) {
      if (!RebuildNow(rebuild).ok()) {
        Sleep(options_.retry_after);
        continue;
      }
      rebuild.clear();
    }
    if (!writer_) {
      Result<std::unique_ptr<SearchIndex>> open =
          SearchIndex::Open(options_.path, /*read_only=*/false);
      if (!open.ok()) {
        Status::Code code = open.status().code();
        if (code == Status::Code::kCorrupt ||
            code == Status::Code::kInvalidArgument) {
          rebuild =
              fmt::format("it cannot be opened ({})", open.status().ToString());
          continue;
        }
        {
          std::lock_guard<std::mutex> lock(mu_);
          unavailable_ =
              "the search index cannot be opened: " + open.status().ToString();
        }
        Sleep(options_.retry_after);
        continue;
      }
      writer_ = std::move(open).value();
      generation_.fetch_add(1);  // perhaps another file than before
      std::lock_guard<std::mutex> lock(mu_);
      ready_ = true;
      unavailable_.clear();
    }
    Result<size_t> n = IndexPending(store_, *writer_, options_.batch);
    // A failure may come after the commit (acknowledging the entries).
    if (!n.ok() || n.value() > 0) generation_.fetch_add(1);
    if (!n.ok()) {
      failures->Add();
      CB_LOG_WARNING("search index: {} (crashes stay queued; retrying)",
                     n.status().ToString());
      if (n.status().code() == Status::Code::kCorrupt) {
        rebuild = "it is damaged: " + n.status().ToString();
        continue;
      }
      Sleep(options_.retry_after);
      continue;
    }
    indexed->Add(n.value());
    {
      std::lock_guard<std::mutex> lock(mu_);
      idle_ = n.value() == 0;
    }
    cv_.notify_all();
    if (n.value() < options_.batch) Sleep(options_.idle_poll);
  }
  std::unique_lock<std::shared_mutex> swap(swap_mu_);
  std::lock_guard<std::mutex> lock(mu_);
  ready_ = false;
  unavailable_ = "the search index is stopped";
  pool_.clear();
  writer_.reset();
}

Status Indexer::Read(const std::function<Status(SearchIndex&)>& fn) {
  std::shared_lock<std::shared_mutex> swap(swap_mu_);
  std::unique_ptr<SearchIndex> conn;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!ready_) {
      if (rebuild_total_ > 0) {
        return Status::Unavailable(
            fmt::format("{}: {} of {} crashes indexed so far", unavailable_,
                        rebuild_done_, rebuild_total_));
      }
      return Status::Unavailable(unavailable_);
    }
    if (!pool_.empty()) {
      conn = std::move(pool_.back());
      pool_.pop_back();
    }
  }
  if (!conn) {
    CB_ASSIGN_OR_RETURN(conn, SearchIndex::Open(options_.path, true));
  }
  Status s = fn(*conn);
  std::lock_guard<std::mutex> lock(mu_);
  if (ready_) pool_.push_back(std::move(conn));
  return s;
}

bool Indexer::WaitIdle(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      idle_ = false;
      // Two consecutive empty looks: the first may predate a crash stored
      // just now.
      cv_.wait_until(lock, deadline, [&] { return idle_ || stop_; });
      if (stop_) return false;
    }
    Result<std::vector<store::IndexEntry>> pending = store_.PendingIndex(1);
    std::lock_guard<std::mutex> lock(mu_);
    if (pending.ok() && pending.value().empty() && ready_) return true;
  }
  return false;
}

}  // namespace crashbox::indexer
