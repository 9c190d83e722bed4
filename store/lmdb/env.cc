// SPDX-License-Identifier: MPL-2.0
#include "store/lmdb/env.h"

#include <lmdb.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include <fmt/format.h>

#include "app/base/log.h"
#include "app/base/thread_annotations.h"
#include "store/lmdb/status.h"

namespace crashbox::store::lmdb {
namespace {

constexpr const char* kDbNames[] = {
    "meta",      "raw",     "dumps",           "queue",
    "processed", "symbols", "missing_symbols", "auth",
    "audit",     "bugs"};
// The handle of a database that an older store opened read-only lacks (it is
// created by the first read-write open): reads find nothing in it. LMDB's
// own handle 0 (its free-page database) is never one of ours.
constexpr MDB_dbi kAbsentDbi = 0;
static_assert(std::size(kDbNames) == static_cast<size_t>(Db::kCount));

MDB_val Val(std::string_view s) {
  return MDB_val{s.size(), const_cast<char*>(s.data())};
}
std::string_view View(const MDB_val& v) {
  return {static_cast<const char*>(v.mv_data), v.mv_size};
}

class MdbWriteTxn final : public WriteTxn {
 public:
  MdbWriteTxn(MDB_txn* txn, const MDB_dbi* dbis) : txn_(txn), dbis_(dbis) {}

  Status Put(Db db, std::string_view key, std::string_view value) override {
    MDB_val k = Val(key), v{value.size(), nullptr};
    // MDB_RESERVE: copy the value once, straight into its page.
    int rc = mdb_put(txn_, dbi(db), &k, &v, MDB_RESERVE);
    if (rc == MDB_SUCCESS)
      std::copy(value.begin(), value.end(), static_cast<char*>(v.mv_data));
    return Note(rc, "put");
  }
  Status Delete(Db db, std::string_view key) override {
    MDB_val k = Val(key);
    return Note(mdb_del(txn_, dbi(db), &k, nullptr), "delete");
  }
  Result<std::string> Get(Db db, std::string_view key) override {
    MDB_val k = Val(key), v;
    int rc = mdb_get(txn_, dbi(db), &k, &v);
    if (rc != MDB_SUCCESS) return Note(rc, "get");
    return std::string(View(v));
  }
  Result<std::string> LastKeyWithPrefix(Db db,
                                        std::string_view prefix) override {
    MDB_cursor* cur = nullptr;
    int rc = mdb_cursor_open(txn_, dbi(db), &cur);
    if (rc != MDB_SUCCESS) return Note(rc, "cursor");
    // Position just past the prefix range, then step back.
    std::string upper(prefix);
    upper.push_back('\xff');
    MDB_val k = Val(upper), v;
    rc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE);
    rc = rc == MDB_SUCCESS ? mdb_cursor_get(cur, &k, &v, MDB_PREV)
                           : mdb_cursor_get(cur, &k, &v, MDB_LAST);
    std::string out;
    if (rc == MDB_SUCCESS) out = std::string(View(k));
    mdb_cursor_close(cur);
    if (rc != MDB_SUCCESS) return Note(rc, "cursor");
    if (out.compare(0, prefix.size(), prefix) != 0)
      return Status::NotFound("no key with prefix");
    return out;
  }
  bool map_full() const { return map_full_; }

 private:
  MDB_dbi dbi(Db db) const { return dbis_[static_cast<int>(db)]; }
  Status Note(int rc, std::string_view what) {
    if (rc == MDB_MAP_FULL) map_full_ = true;
    return StatusFromMdb(rc, what);
  }
  MDB_txn* txn_;
  const MDB_dbi* dbis_;
  bool map_full_ = false;
};

// The map's pages are the file's pages in the page cache; every one the
// process touches counts in its resident set until unmapped, so a server
// that reads its whole store (indexing, a rebuild) would show the store's
// size as its RSS. After this many bytes read or written, the mapping's
// pages are dropped (MADV_DONTNEED on a read-only shared file mapping: the
// page cache keeps them, the next access maps them again, and data stays
// what LMDB's transactions see). Measured cost: a few hundred minor faults
// for the hot branch pages per release.
constexpr uint64_t kReleaseMapEvery = 32ull << 20;
// What one lookup may add to the resident set beyond its value: a fault on
// a file mapping maps up to 16 neighbouring cached pages (the kernel's
// fault-around), and a crash's value sits on its own leaf page (random
// keys), so counting bytes alone undercounted (a server indexing 50,000
// crashes held 200 MB of the map between releases).
constexpr uint64_t kFaultAroundBytes = 64 << 10;

class MdbReadTxn final : public ReadTxn {
 public:
  MdbReadTxn(MDB_txn* txn, const MDB_dbi* dbis) : txn_(txn), dbis_(dbis) {}
  Result<std::string_view> Get(Db db, std::string_view key) override {
    MDB_val k = Val(key), v;
    if (dbis_[static_cast<int>(db)] == kAbsentDbi)
      return Status::NotFound("get: no such database in this store yet");
    int rc = mdb_get(txn_, dbis_[static_cast<int>(db)], &k, &v);
    if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "get");
    bytes_read_ += v.mv_size + kFaultAroundBytes;
    return View(v);
  }
  // Bytes of keys and values this transaction handed out.
  uint64_t bytes_read() const { return bytes_read_; }
  Status Scan(Db db, std::string_view prefix,
              const std::function<bool(std::string_view, std::string_view)>&
                  visit) override {
    return ScanFrom(db, prefix, prefix, visit);
  }
  Status ScanFrom(Db db, std::string_view prefix, std::string_view start,
                  const std::function<bool(std::string_view, std::string_view)>&
                      visit) override {
    if (dbis_[static_cast<int>(db)] == kAbsentDbi) return Status::Ok();
    MDB_cursor* cur = nullptr;
    int rc = mdb_cursor_open(txn_, dbis_[static_cast<int>(db)], &cur);
    if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "cursor");
    MDB_val k = Val(start), v;
    rc = mdb_cursor_get(cur, &k, &v, start.empty() ? MDB_FIRST : MDB_SET_RANGE);
    bytes_read_ += kFaultAroundBytes;
    while (rc == MDB_SUCCESS) {
      bytes_read_ += k.mv_size + v.mv_size;
      std::string_view key = View(k);
      if (key.substr(0, prefix.size()) != prefix || !visit(key, View(v))) break;
      rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT);
    }
    mdb_cursor_close(cur);
    return rc == MDB_SUCCESS || rc == MDB_NOTFOUND ? Status::Ok()
                                                   : StatusFromMdb(rc, "scan");
  }
  Result<uint64_t> Count(Db db) override {
    if (dbis_[static_cast<int>(db)] == kAbsentDbi) return uint64_t{0};
    MDB_stat st;
    int rc = mdb_stat(txn_, dbis_[static_cast<int>(db)], &st);
    if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "stat");
    return static_cast<uint64_t>(st.ms_entries);
  }

 private:
  MDB_txn* txn_;
  const MDB_dbi* dbis_;
  uint64_t bytes_read_ = 0;
};

class MdbEnv final : public Env {
 public:
  explicit MdbEnv(const EnvOptions& options) : options_(options) {}

  ~MdbEnv() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    if (writer_.joinable()) writer_.join();
    if (env_) mdb_env_close(env_);
  }

  Status Init() {
    std::error_code ec;
    if (!options_.read_only)
      std::filesystem::create_directories(options_.path, ec);
    if (ec)
      return Status::IoError(
          fmt::format("create {}: {}", options_.path, ec.message()));
    int rc = mdb_env_create(&env_);
    if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "mdb_env_create");
    mdb_env_set_maxdbs(env_, 16);
    mdb_env_set_maxreaders(env_, 512);
    map_bytes_ = options_.initial_map_bytes;
    struct stat st;
    std::string data_file = options_.path + "/data.mdb";
    if (::stat(data_file.c_str(), &st) == 0) {
      map_bytes_ =
          std::max<uint64_t>(map_bytes_, static_cast<uint64_t>(st.st_size));
    }
    if (options_.max_map_bytes)
      map_bytes_ = std::min(map_bytes_, options_.max_map_bytes);
    mdb_env_set_mapsize(env_, map_bytes_);
    unsigned flags = MDB_NOTLS | (options_.sync ? MDB_NOMETASYNC : MDB_NOSYNC) |
                     (options_.read_only ? MDB_RDONLY : 0);
    if (options_.read_only &&
        !std::filesystem::exists(options_.path + "/data.mdb")) {
      return Status::NotFound(
          fmt::format("no crash store in {}", options_.path));
    }
    rc = mdb_env_open(env_, options_.path.c_str(), flags, 0644);
    if (rc != MDB_SUCCESS)
      return StatusFromMdb(rc, fmt::format("open store {}", options_.path));
    MDB_envinfo info;
    mdb_env_info(env_, &info);
    map_bytes_ = info.me_mapsize;
    stats_.map_bytes = map_bytes_;

    MDB_txn* txn = nullptr;
    rc =
        mdb_txn_begin(env_, nullptr, options_.read_only ? MDB_RDONLY : 0, &txn);
    if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "begin");
    for (int i = 0; i < static_cast<int>(Db::kCount); ++i) {
      rc = mdb_dbi_open(txn, kDbNames[i], options_.read_only ? 0 : MDB_CREATE,
                        &dbis_[i]);
      if (rc == MDB_NOTFOUND && options_.read_only) {
        dbis_[i] = kAbsentDbi;
        continue;
      }
      if (rc != MDB_SUCCESS) {
        mdb_txn_abort(txn);
        return StatusFromMdb(rc, fmt::format("open db {}", kDbNames[i]));
      }
    }
    rc = mdb_txn_commit(txn);
    if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "commit");
    if (!options_.read_only) writer_ = std::thread([this] { WriterLoop(); });
    return Status::Ok();
  }

  Status Write(uint64_t bytes, std::function<Status(WriteTxn&)> fn) override {
    if (options_.read_only)
      return Status::PermissionDenied("the store is open read-only");
    auto op = std::make_shared<Op>();
    op->bytes = bytes;
    op->fn = std::move(fn);
    std::future<Status> done = op->done.get_future();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return Status::Unavailable("store is shutting down");
      pending_.push_back(op);
    }
    cv_.notify_one();
    return done.get();
  }

  Status Read(const std::function<Status(ReadTxn&)>& fn) override {
    std::shared_lock<std::shared_mutex> resize_guard(resize_mu_);
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn);
    if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "begin read");
    MdbReadTxn view(txn, dbis_);
    Status s = fn(view);
    mdb_txn_abort(txn);
    Touched(view.bytes_read());
    return s;
  }

  Status RecentSpaceFailure(std::chrono::seconds window) const override {
    int64_t at = last_space_failure_ns_.load();
    if (at == 0) return Status::Ok();
    auto ago = std::chrono::steady_clock::now().time_since_epoch() -
               std::chrono::nanoseconds(at);
    if (ago > window) return Status::Ok();
    return Status::Unavailable(fmt::format(
        "store full: a write failed for lack of space {} s ago",
        std::chrono::duration_cast<std::chrono::seconds>(ago).count()));
  }

  Stats GetStats() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return stats_;
  }

 private:
  struct Op {
    uint64_t bytes = 0;
    std::function<Status(WriteTxn&)> fn;
    std::promise<Status> done;
  };
  using Batch = std::vector<std::shared_ptr<Op>>;

  void WriterLoop() {
    // The last committed batch whose meta page is written but not flushed
    // (MDB_NOMETASYNC): its callers wait for the next flush.
    Batch unsynced;
    std::vector<Status> unsynced_results;
    while (true) {
      Batch batch;
      {
        std::unique_lock<std::mutex> lock(mu_);
        if (unsynced.empty())
          cv_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
        if (pending_.empty() && unsynced.empty())
          return;  // stopping and drained
        uint64_t bytes = 0;
        while (!pending_.empty() &&
               (batch.empty() ||
                bytes + pending_.front()->bytes <= options_.max_batch_bytes)) {
          bytes += pending_.front()->bytes;
          batch.push_back(std::move(pending_.front()));
          pending_.pop_front();
        }
      }
      if (batch.empty()) {  // nothing else queued: flush the last commit now
        Answer(unsynced, unsynced_results, Sync());
        unsynced.clear();
        continue;
      }
      std::vector<Status> results(batch.size());
      bool wrote = false;  // LMDB skips writing (and flushing) a commit that
                           // changed nothing
      Status committed = CommitBatch(batch, &results, &wrote);
      {
        // A commit reads the pages on its paths through the map.
        std::shared_lock<std::shared_mutex> resize_guard(resize_mu_);
        uint64_t bytes = 0;
        for (const auto& op : batch) bytes += op->bytes + kFaultAroundBytes;
        Touched(bytes);
      }
      if (!unsynced.empty() && (wrote || !committed.ok())) {
        // A commit that wrote flushed the file, the earlier meta page with it.
        Answer(unsynced, unsynced_results, wrote ? Status::Ok() : Sync());
        unsynced.clear();
      }
      if (wrote && options_.sync) {
        unsynced = std::move(batch);
        unsynced_results = std::move(results);
      } else {
        Answer(batch, results, committed);
      }
    }
  }

  // Counts bytes that went through the map and, past kReleaseMapEvery,
  // drops the mapping's resident pages. Callers hold resize_mu_ (shared),
  // so the map is not moved meanwhile.
  void Touched(uint64_t bytes) {
    if (touched_.fetch_add(bytes) + bytes < kReleaseMapEvery) return;
    touched_ = 0;
    auto [addr, len] = MapRange();
    if (addr != nullptr && ::madvise(addr, len, MADV_DONTNEED) == 0) {
      std::lock_guard<std::mutex> lock(mu_);
      stats_.map_releases++;
    }
  }

  // Where the data file is mapped in this process. LMDB does not say
  // (mdb_env_info's address is only set for MDB_FIXEDMAP), so it is read
  // from /proc/self/maps: the mapping of <path>/data.mdb. {nullptr, 0} when
  // not found (the release is then skipped, nothing else changes).
  std::pair<void*, size_t> MapRange() const {
    const std::string file =
        std::filesystem::weakly_canonical(options_.path + "/data.mdb").string();
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
      if (line.size() <= file.size() ||
          line.compare(line.size() - file.size(), file.size(), file) != 0) {
        continue;
      }
      uintptr_t from = 0, to = 0;
      if (std::sscanf(line.c_str(), "%" SCNxPTR "-%" SCNxPTR, &from, &to) ==
              2 &&
          to > from) {
        return {reinterpret_cast<void*>(from), to - from};
      }
    }
    return {nullptr, 0};
  }

  // Flushes the data file: data and meta pages of every commit so far.
  Status Sync() {
    std::shared_lock<std::shared_mutex> resize_guard(resize_mu_);
    int rc = mdb_env_sync(env_, 1);
    if (rc != MDB_SUCCESS)
      CB_LOG_ERROR("store: sync failed: {}", mdb_strerror(rc));
    if (rc == MDB_SUCCESS) {
      std::lock_guard<std::mutex> lock(mu_);
      stats_.syncs++;
    }
    return StatusFromMdb(rc, "sync");
  }

  static void Answer(const Batch& batch, const std::vector<Status>& results,
                     const Status& batch_status) {
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i]->done.set_value(batch_status.ok() ? results[i] : batch_status);
    }
  }

  // Applies and commits a batch, growing the map and retrying on
  // MDB_MAP_FULL. Returns the commit's status; `results` gets each write's,
  // `wrote` whether the commit wrote pages (and so flushed the file).
  Status CommitBatch(const Batch& batch, std::vector<Status>* results,
                     bool* wrote) {
    Status batch_status;
    while (true) {
      bool map_full = false;
      batch_status = TryBatch(batch, results, &map_full, wrote);
      if (!map_full) break;
      if (Status grown = GrowMap(); !grown.ok()) {
        batch_status = grown;
        break;
      }
    }
    if (batch_status.code() == Status::Code::kUnavailable) {
      last_space_failure_ns_ =
          std::chrono::steady_clock::now().time_since_epoch().count();
    }
    if (batch_status.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      stats_.commits++;
      stats_.writes += batch.size();
    }
    return batch_status;
  }

  Status TryBatch(const Batch& batch, std::vector<Status>* results,
                  bool* map_full, bool* wrote) {
    std::shared_lock<std::shared_mutex> resize_guard(resize_mu_);
    MDB_txn* txn = nullptr;
    int rc = mdb_txn_begin(env_, nullptr, 0, &txn);
    if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "begin write");
    size_t txn_id = mdb_txn_id(txn);
    for (size_t i = 0; i < batch.size(); ++i) {
      MDB_txn* child = nullptr;
      rc = mdb_txn_begin(env_, txn, 0, &child);
      if (rc != MDB_SUCCESS) {
        mdb_txn_abort(txn);
        *map_full = rc == MDB_MAP_FULL;
        return StatusFromMdb(rc, "begin nested");
      }
      MdbWriteTxn view(child, dbis_);
      Status s = batch[i]->fn(view);
      if (view.map_full()) {
        mdb_txn_abort(child);
        mdb_txn_abort(txn);
        *map_full = true;
        return Status::LimitExceeded("map full");
      }
      if (s.ok()) {
        rc = mdb_txn_commit(child);
        if (rc != MDB_SUCCESS) {
          mdb_txn_abort(txn);
          *map_full = rc == MDB_MAP_FULL;
          return StatusFromMdb(rc, "commit nested");
        }
      } else {
        mdb_txn_abort(child);
      }
      (*results)[i] = s;
    }
    rc = mdb_txn_commit(
        txn);  // flushes the data pages (and the earlier meta page)
    *map_full = rc == MDB_MAP_FULL;
    if (rc == MDB_SUCCESS) {
      MDB_envinfo info;
      mdb_env_info(env_, &info);
      *wrote =
          info.me_last_txnid == txn_id;  // an empty commit keeps the last id
    }
    if (rc == MDB_SUCCESS || *map_full) return StatusFromMdb(rc, "commit");
    CB_LOG_ERROR("store: commit failed: {}", mdb_strerror(rc));
    // LMDB reports a short write as EIO, which is how a full disk shows up.
    if (rc == EIO || rc == ENOSPC || rc == EDQUOT) {
      uint64_t bytes = 0;
      for (const auto& op : batch) bytes += op->bytes;
      if (DiskNearlyFull(bytes))
        return Status::Unavailable("commit: disk full");
    }
    return StatusFromMdb(rc, "commit");
  }

  // True when the store's filesystem has less room than `needed` plus a margin.
  bool DiskNearlyFull(uint64_t needed) const {
    struct statvfs vfs;
    if (::statvfs(options_.path.c_str(), &vfs) != 0) return false;
    uint64_t avail = static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
    return avail < needed + (16ull << 20);
  }

  Status GrowMap() {
    uint64_t next = map_bytes_ * 2;
    if (options_.max_map_bytes) {
      if (map_bytes_ >= options_.max_map_bytes) {
        return Status::Unavailable(
            fmt::format("store full: map at its bound of {} bytes",
                        options_.max_map_bytes));
      }
      next = std::min(next, options_.max_map_bytes);
    }
    std::unique_lock<std::shared_mutex> resize_guard(resize_mu_);
    int rc = mdb_env_set_mapsize(env_, next);
    if (rc != MDB_SUCCESS) return StatusFromMdb(rc, "grow map");
    CB_LOG_INFO("store: map grown from {} to {} bytes", map_bytes_, next);
    map_bytes_ = next;
    std::lock_guard<std::mutex> lock(mu_);
    stats_.map_bytes = next;
    stats_.map_grows++;
    return Status::Ok();
  }

  EnvOptions options_;
  MDB_env* env_ = nullptr;
  MDB_dbi dbis_[static_cast<int>(Db::kCount)] = {};
  uint64_t map_bytes_ = 0;  // writer thread only (and Init)
  std::shared_mutex resize_mu_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::shared_ptr<Op>> pending_ CB_GUARDED_BY(mu_);
  bool stopping_ CB_GUARDED_BY(mu_) = false;
  Stats stats_ CB_GUARDED_BY(mu_);
  std::thread writer_;
  std::atomic<int64_t> last_space_failure_ns_{0};
  std::atomic<uint64_t> touched_{0};  // bytes through the map since release
};

}  // namespace

Result<std::unique_ptr<Env>> Env::Open(const EnvOptions& options) {
  auto env = std::make_unique<MdbEnv>(options);
  CB_RETURN_IF_ERROR(env->Init());
  return std::unique_ptr<Env>(std::move(env));
}

}  // namespace crashbox::store::lmdb
