// SPDX-License-Identifier: MPL-2.0
// Env: the one LMDB environment of a data directory (var/store/), its named
// databases, and the group-commit writer.
//
// Caveats (LMDB's):
// - One Env per path per process; crashbox also holds a lock file so that two
//   processes never share a data directory.
// - Write transactions serialize. All writes go through Write(), which hands
//   the work to a single writer thread; concurrent calls are applied in one
//   transaction and share one fsync (group commit). Write() returns only after
//   that transaction committed durably (or failed). Commits use
//   MDB_NOMETASYNC: a commit flushes its data pages and only writes its meta
//   page, which the next commit's flush makes durable; the writer answers a
//   batch's callers after that flush (or, when nothing else is queued, after
//   an explicit sync). One fsync per batch instead of two, integrity intact.
// - Read transactions never block and are never blocked by the writer, but
//   must be short: keep them to one lookup and copy the value out.
// - The map grows on MDB_MAP_FULL (doubling, up to max_map_bytes); growing
//   needs a moment with no transaction open in the process, which Env
//   arranges with a reader/writer lock held around every transaction.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "app/base/status.h"
#include "store/lmdb/env_options.h"

namespace crashbox::store::lmdb {

// The databases of the environment (keys documented in keys.h).
enum class Db : uint8_t {
  kMeta,
  kRaw,
  kDumps,
  kQueue,
  kProcessed,
  kSymbols,
  kMissingSymbols,
  kAuth,   // users, tokens, sessions (app/auth/auth_store.h)
  kAudit,  // who read protected data or changed access, by time
  kBugs,   // bug ↔ signature associations (bug_store.h)
  kCount
};

// A write transaction as seen by one Write() callback. Errors from Put/Delete
// must be returned from the callback unchanged.
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;
  virtual Status Put(Db db, std::string_view key, std::string_view value) = 0;
  // kNotFound when absent.
  virtual Status Delete(Db db, std::string_view key) = 0;
  virtual Result<std::string> Get(Db db, std::string_view key) = 0;
  // Greatest key starting with `prefix`, or kNotFound.
  virtual Result<std::string> LastKeyWithPrefix(Db db,
                                                std::string_view prefix) = 0;
};

// A read-only view as seen by one Read() callback. Views passed to `visit`
// are valid only during the callback.
class ReadTxn {
 public:
  virtual ~ReadTxn() = default;
  virtual Result<std::string_view> Get(Db db, std::string_view key) = 0;
  // Calls visit(key, value) for keys starting with `prefix`, in key order,
  // until visit returns false.
  virtual Status Scan(
      Db db, std::string_view prefix,
      const std::function<bool(std::string_view, std::string_view)>& visit) = 0;
  // As Scan, from the first key >= `start` (paging through a large database
  // in short transactions).
  virtual Status ScanFrom(
      Db db, std::string_view prefix, std::string_view start,
      const std::function<bool(std::string_view, std::string_view)>& visit) = 0;
  virtual Result<uint64_t> Count(Db db) = 0;
};

class Env {
 public:
  // Opens (creating if needed) the environment at options.path.
  static Result<std::unique_ptr<Env>> Open(const EnvOptions& options);
  virtual ~Env() = default;

  // Runs `fn` inside a write transaction shared with other concurrent
  // Write() calls and returns once that transaction is durable. `bytes` is the
  // caller's estimate of what it writes (for batching). If `fn` fails, its own
  // changes are rolled back (a nested transaction) and the batch goes on.
  // kUnavailable when the map cannot grow or the disk is full.
  virtual Status Write(uint64_t bytes, std::function<Status(WriteTxn&)> fn) = 0;
  virtual Status Read(const std::function<Status(ReadTxn&)>& fn) = 0;

  // kUnavailable when a write failed for lack of space (map bound or disk)
  // within the last `window`: what a load balancer's heartbeat should see.
  virtual Status RecentSpaceFailure(std::chrono::seconds window) const = 0;

  struct Stats {
    uint64_t commits = 0;
    uint64_t syncs =
        0;  // explicit flushes (when no next commit flushed a batch)
    uint64_t writes = 0;     // Write() calls committed
    uint64_t map_bytes = 0;  // current map size
    uint64_t map_grows = 0;
    uint64_t map_releases = 0;  // resident map pages dropped (env.cc)
  };
  virtual Stats GetStats() const = 0;
};

}  // namespace crashbox::store::lmdb
