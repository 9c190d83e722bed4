// SPDX-License-Identifier: MPL-2.0
#include "store/lmdb/crash_store.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/base/gzip.h"
#include "store/lmdb/keys.h"

namespace crashbox::store::lmdb {
namespace {

uint64_t SeqFromKey(std::string_view key) {
  uint64_t seq = 0;
  for (char c : key.substr(key.size() - 8))
    seq = (seq << 8) | static_cast<uint8_t>(c);
  return seq;
}

constexpr QueueName kQueues[] = {QueueName::kPriority, QueueName::kReprocessing,
                                 QueueName::kNormal};

}  // namespace

LmdbCrashStore::LmdbCrashStore(Env& env, uint64_t max_blob_bytes)
    : env_(env), max_blob_bytes_(max_blob_bytes) {
  // Count the queues once, before any write can race with the count.
  Recount();
}

void LmdbCrashStore::Recount() {
  auto start = std::chrono::steady_clock::now();
  Result<QueueDepths> d = CountQueues();
  auto end = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(depth_mu_);
  counted_at_ = end;
  count_took_ = end - start;
  if (d.ok()) depths_ = d.value();
}

Status LmdbCrashStore::PutRaw(const RawCrashRecord& crash,
                              const QueueName* queue) {
  // Pack outside the writer: this is the CPU-heavy part and runs on the
  // caller's thread.
  std::string raw_key = RawCrashKey(crash.crash_id);
  std::string raw_blob = base::PackBlob(AsBytes(crash.raw_json));
  std::vector<std::string> names;
  std::vector<std::pair<std::string, std::string>> dump_blobs;
  uint64_t bytes = raw_blob.size();
  for (const Dump& d : crash.dumps) {
    names.push_back(d.name);
    dump_blobs.emplace_back(DumpKey(crash.crash_id, d.name),
                            base::PackBlob(AsBytes(d.bytes)));
    bytes += dump_blobs.back().second.size();
  }
  std::sort(names.begin(), names.end());
  std::string names_json = nlohmann::json(names).dump();

  // Count the entry before it can be leased: counting after the commit would
  // race with a worker completing it first, leaving the depth one too high.
  if (queue != nullptr) CountEnqueued(*queue, 1);
  Status written = env_.Write(bytes, [&](WriteTxn& txn) -> Status {
    // Dumps first, raw crash last, as Antenna orders its saves.
    CB_RETURN_IF_ERROR(
        txn.Put(Db::kDumps, DumpNamesKey(crash.crash_id), names_json));
    for (const auto& [key, blob] : dump_blobs)
      CB_RETURN_IF_ERROR(txn.Put(Db::kDumps, key, blob));
    CB_RETURN_IF_ERROR(txn.Put(Db::kRaw, raw_key, raw_blob));
    if (queue != nullptr)
      CB_RETURN_IF_ERROR(
          PutQueueEntry(txn, QueueNameString(*queue), crash.crash_id));
    return Status::Ok();
  });
  if (queue != nullptr) {
    if (written.ok()) {
      NotifyWork();
    } else {
      CountEnqueued(*queue, -1);
    }
  }
  return written;
}

Status LmdbCrashStore::PutQueueEntry(WriteTxn& txn, std::string_view prefix,
                                     const std::string& value) {
  // Continue after the queue's greatest stored key, read inside the write
  // transaction: LMDB serializes writers across processes, so an import
  // running beside the server never reuses a key (and overwrites an entry).
  std::string start(prefix);
  start.push_back('/');
  uint64_t seq = next_seq_;
  Result<std::string> last = txn.LastKeyWithPrefix(Db::kQueue, start);
  if (last.ok()) {
    seq = std::max(seq, SeqFromKey(last.value()) + 1);
  } else if (last.status().code() != Status::Code::kNotFound) {
    return last.status();
  }
  // Not advanced past a transaction that aborts: harmless, numbers only
  // need to rise.
  next_seq_ = seq + 1;
  return txn.Put(Db::kQueue, QueueKey(prefix, seq), value);
}

void LmdbCrashStore::CountEnqueued(QueueName queue, int64_t delta) {
  {
    std::lock_guard<std::mutex> lock(depth_mu_);
    if (depths_) {
      QueueDepths& d = *depths_;
      uint64_t& n = queue == QueueName::kPriority       ? d.priority
                    : queue == QueueName::kReprocessing ? d.reprocessing
                                                        : d.normal;
      n = delta < 0 && n < static_cast<uint64_t>(-delta) ? 0 : n + delta;
    }
  }
}

void LmdbCrashStore::NotifyWork() {
  std::lock_guard<std::mutex> lock(lease_mu_);
  ++work_epoch_;
  work_cv_.notify_all();
}

Status LmdbCrashStore::Enqueue(QueueName queue, const std::string& crash_id,
                               const std::string& ruleset) {
  std::string value = ruleset.empty() || ruleset == "default"
                          ? crash_id
                          : crash_id + ":" + ruleset;
  CountEnqueued(queue, 1);  // before the entry can be leased, as in PutRaw
  Status s = env_.Write(64, [&](WriteTxn& txn) {
    return PutQueueEntry(txn, QueueNameString(queue), value);
  });
  if (s.ok()) {
    NotifyWork();
  } else {
    CountEnqueued(queue, -1);
  }
  return s;
}

Result<std::optional<QueueEntry>> LmdbCrashStore::LeaseNext() {
  std::optional<QueueEntry> found;
  std::lock_guard<std::mutex> lock(lease_mu_);
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) -> Status {
    for (QueueName q : kQueues) {
      CB_RETURN_IF_ERROR(
          txn.Scan(Db::kQueue, std::string(QueueNameString(q)) + "/",
                   [&](std::string_view key, std::string_view value) {
                     if (leased_.count(std::string(key))) return true;
                     QueueEntry e;
                     e.queue = q;
                     e.seq = SeqFromKey(key);
                     size_t colon = value.find(':');
                     e.crash_id = std::string(value.substr(0, colon));
                     if (colon != std::string_view::npos)
                       e.ruleset = std::string(value.substr(colon + 1));
                     found = std::move(e);
                     leased_.insert(std::string(key));
                     return false;
                   }));
      if (found) break;
    }
    return Status::Ok();
  }));
  return found;
}

Status LmdbCrashStore::Complete(const QueueEntry& entry,
                                const std::string& processed_json) {
  std::string key = QueueKey(QueueNameString(entry.queue), entry.seq);
  std::string blob = processed_json.empty()
                         ? std::string()
                         : base::PackBlob(AsBytes(processed_json), 6);
  Status s = env_.Write(blob.size() + 64, [&](WriteTxn& txn) -> Status {
    if (!blob.empty()) {
      CB_RETURN_IF_ERROR(
          txn.Put(Db::kProcessed, ProcessedKey(entry.crash_id), blob));
      CB_RETURN_IF_ERROR(PutQueueEntry(txn, kIndexQueue, entry.crash_id));
    }
    Status del = txn.Delete(Db::kQueue, key);
    return del.code() == Status::Code::kNotFound ? Status::Ok() : del;
  });
  if (s.ok()) {
    CountEnqueued(entry.queue, -1);
    std::lock_guard<std::mutex> lock(lease_mu_);
    leased_.erase(key);
  }
  return s;
}

void LmdbCrashStore::Release(const QueueEntry& entry) {
  std::lock_guard<std::mutex> lock(lease_mu_);
  leased_.erase(QueueKey(QueueNameString(entry.queue), entry.seq));
}

void LmdbCrashStore::WaitForWork(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(lease_mu_);
  uint64_t epoch = work_epoch_;
  work_cv_.wait_for(lock, timeout, [&] { return work_epoch_ != epoch; });
}

Result<std::string> LmdbCrashStore::GetProcessed(const std::string& crash_id) {
  Result<std::string> r = GetBlob(Db::kProcessed, ProcessedKey(crash_id));
  if (!r.ok() && r.status().code() == Status::Code::kNotFound) {
    return Status::NotFound(
        fmt::format("crash {} has no processed crash", crash_id));
  }
  return r;
}

Result<std::vector<bool>> LmdbCrashStore::PutNew(
    const std::vector<CrashRecord>& crashes, const QueueName* queue) {
  // Pack outside the writer, as PutRaw does.
  struct Packed {
    std::string raw_key, raw_blob, names_json, processed_blob;
    std::vector<std::pair<std::string, std::string>> dumps;
  };
  std::vector<Packed> packed(crashes.size());
  uint64_t bytes = 0;
  int64_t may_queue = 0;
  for (size_t i = 0; i < crashes.size(); ++i) {
    const CrashRecord& c = crashes[i];
    Packed& p = packed[i];
    p.raw_key = RawCrashKey(c.crash_id);
    if (!c.raw_json.empty()) {
      p.raw_blob = base::PackBlob(AsBytes(c.raw_json));
      std::vector<std::string> names;
      for (const Dump& d : c.dumps) {
        names.push_back(d.name);
        p.dumps.emplace_back(DumpKey(c.crash_id, d.name),
                             base::PackBlob(AsBytes(d.bytes)));
        bytes += p.dumps.back().second.size();
      }
      std::sort(names.begin(), names.end());
      p.names_json = nlohmann::json(names).dump();
      if (c.processed_json.empty()) ++may_queue;
    }
    if (!c.processed_json.empty())
      p.processed_blob = base::PackBlob(AsBytes(c.processed_json), 6);
    bytes += p.raw_blob.size() + p.processed_blob.size() + 64;
  }
  // Counted before the entries can be leased (see PutRaw), corrected after.
  if (queue != nullptr) CountEnqueued(*queue, may_queue);
  std::vector<bool> stored;
  int64_t queued = 0;
  Status written = env_.Write(bytes, [&](WriteTxn& txn) -> Status {
    stored.assign(crashes.size(), false);  // the writer may run this again
    queued = 0;
    for (size_t i = 0; i < crashes.size(); ++i) {
      const CrashRecord& c = crashes[i];
      const Packed& p = packed[i];
      const std::string processed_key = ProcessedKey(c.crash_id);
      bool present = false;
      for (auto [db, key] : {std::pair{Db::kRaw, &p.raw_key},
                             std::pair{Db::kProcessed, &processed_key}}) {
        Result<std::string> there = txn.Get(db, *key);
        if (there.ok()) present = true;
        if (!there.ok() && there.status().code() != Status::Code::kNotFound)
          return there.status();
      }
      if (present) continue;
      if (!p.raw_blob.empty()) {
        CB_RETURN_IF_ERROR(
            txn.Put(Db::kDumps, DumpNamesKey(c.crash_id), p.names_json));
        for (const auto& [key, blob] : p.dumps)
          CB_RETURN_IF_ERROR(txn.Put(Db::kDumps, key, blob));
        CB_RETURN_IF_ERROR(txn.Put(Db::kRaw, p.raw_key, p.raw_blob));
      }
      if (!p.processed_blob.empty()) {
        CB_RETURN_IF_ERROR(
            txn.Put(Db::kProcessed, processed_key, p.processed_blob));
        CB_RETURN_IF_ERROR(PutQueueEntry(txn, kIndexQueue, c.crash_id));
      }
      if (queue != nullptr && !p.raw_blob.empty() && p.processed_blob.empty()) {
        CB_RETURN_IF_ERROR(
            PutQueueEntry(txn, QueueNameString(*queue), c.crash_id));
        ++queued;
      }
      stored[i] = true;
    }
    return Status::Ok();
  });
  if (queue != nullptr) {
    CountEnqueued(*queue, (written.ok() ? queued : 0) - may_queue);
    if (written.ok() && queued > 0) NotifyWork();
  }
  if (!written.ok()) return written;
  return stored;
}

Result<std::vector<IndexEntry>> LmdbCrashStore::PendingIndex(size_t limit) {
  std::vector<IndexEntry> out;
  if (limit == 0) return out;
  std::string prefix = std::string(kIndexQueue) + "/";
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) -> Status {
    return txn.Scan(Db::kQueue, prefix,
                    [&](std::string_view key, std::string_view value) {
                      out.push_back({SeqFromKey(key), std::string(value)});
                      return out.size() < limit;
                    });
  }));
  return out;
}

Status LmdbCrashStore::AckIndexed(const std::vector<IndexEntry>& entries) {
  if (entries.empty()) return Status::Ok();
  return env_.Write(entries.size() * 32, [&](WriteTxn& txn) -> Status {
    for (const IndexEntry& e : entries) {
      Status del = txn.Delete(Db::kQueue, QueueKey(kIndexQueue, e.seq));
      if (!del.ok() && del.code() != Status::Code::kNotFound) return del;
    }
    return Status::Ok();
  });
}

Result<std::vector<std::string>> LmdbCrashStore::ListCrashIds(
    CrashPart part, const std::string& since_date, const std::string& after_id,
    size_t limit) {
  std::vector<std::string> ids;
  if (limit == 0) return ids;
  bool raw = part == CrashPart::kRaw;
  std::string prefix = raw ? "v1/raw_crash/" : "v1/processed_crash/";
  std::string start;
  if (!after_id.empty()) {
    start = raw ? RawCrashKey(after_id) : ProcessedKey(after_id);
  } else {
    // Raw keys start with the date, so `since` is where the scan starts;
    // processed keys do not, and are filtered.
    start = raw ? prefix + since_date : prefix;
  }
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) -> Status {
    return txn.ScanFrom(raw ? Db::kRaw : Db::kProcessed, prefix, start,
                        [&](std::string_view key, std::string_view) {
                          size_t slash = key.rfind('/');
                          std::string_view id = key.substr(slash + 1);
                          if (!after_id.empty() && id == after_id) return true;
                          if (!since_date.empty() && CrashDate(id) < since_date)
                            return true;
                          ids.emplace_back(id);
                          return ids.size() < limit;
                        });
  }));
  return ids;
}

Result<std::string> LmdbCrashStore::GetBlob(Db db, const std::string& key) {
  std::string packed;
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) -> Status {
    CB_ASSIGN_OR_RETURN(std::string_view v, txn.Get(db, key));
    packed.assign(v);
    return Status::Ok();
  }));
  Result<std::string> out = base::UnpackBlob(AsBytes(packed), max_blob_bytes_);
  if (!out.ok()) return out.status().WithContext(key);
  return out;
}

Result<std::string> LmdbCrashStore::GetRawCrash(const std::string& crash_id) {
  Result<std::string> r = GetBlob(Db::kRaw, RawCrashKey(crash_id));
  if (!r.ok() && r.status().code() == Status::Code::kNotFound) {
    return Status::NotFound(fmt::format("crash {} not found", crash_id));
  }
  return r;
}

Result<std::vector<std::string>> LmdbCrashStore::GetDumpNames(
    const std::string& crash_id) {
  std::string text;
  Status s = env_.Read([&](ReadTxn& txn) -> Status {
    CB_ASSIGN_OR_RETURN(std::string_view v,
                        txn.Get(Db::kDumps, DumpNamesKey(crash_id)));
    text.assign(v);
    return Status::Ok();
  });
  if (s.code() == Status::Code::kNotFound)
    return Status::NotFound(fmt::format("crash {} not found", crash_id));
  CB_RETURN_IF_ERROR(s);
  nlohmann::json j =
      nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_array())
    return Status::Corrupt(
        fmt::format("dump names of {}: not a JSON list", crash_id));
  std::vector<std::string> names;
  for (const auto& n : j) {
    if (!n.is_string())
      return Status::Corrupt(
          fmt::format("dump names of {}: not strings", crash_id));
    names.push_back(n.get<std::string>());
  }
  return names;
}

Result<std::string> LmdbCrashStore::GetDump(const std::string& crash_id,
                                            const std::string& name) {
  Result<std::string> r = GetBlob(Db::kDumps, DumpKey(crash_id, name));
  if (!r.ok() && r.status().code() == Status::Code::kNotFound) {
    return Status::NotFound(
        fmt::format("dump {} of crash {} not found", name, crash_id));
  }
  return r;
}

Result<QueueDepths> LmdbCrashStore::GetQueueDepths() {
  constexpr auto kRecountEvery = std::chrono::seconds(2);
  {
    std::lock_guard<std::mutex> lock(depth_mu_);
    auto age = std::chrono::steady_clock::now() - counted_at_;
    if (depths_ && (age < kRecountEvery || age < 50 * count_took_)) {
      return *depths_;
    }
  }
  // A write racing with the count may be counted twice or not at all until
  // the next count: depths are a gauge, not a ledger.
  Recount();
  std::lock_guard<std::mutex> lock(depth_mu_);
  if (depths_) return *depths_;
  return CountQueues();
}

Result<QueueDepths> LmdbCrashStore::CountQueues() {
  QueueDepths d;
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) -> Status {
    for (QueueName q : kQueues) {
      uint64_t n = 0;
      CB_RETURN_IF_ERROR(txn.Scan(Db::kQueue,
                                  std::string(QueueNameString(q)) + "/",
                                  [&](std::string_view, std::string_view) {
                                    ++n;
                                    return true;
                                  }));
      (q == QueueName::kPriority       ? d.priority
       : q == QueueName::kReprocessing ? d.reprocessing
                                       : d.normal) = n;
    }
    return Status::Ok();
  }));
  return d;
}

Result<uint64_t> LmdbCrashStore::CountCrashes(CrashPart part) {
  uint64_t n = 0;
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) -> Status {
    CB_ASSIGN_OR_RETURN(
        n, txn.Count(part == CrashPart::kRaw ? Db::kRaw : Db::kProcessed));
    return Status::Ok();
  }));
  return n;
}

Status LmdbCrashStore::CheckWritable() {
  CB_RETURN_IF_ERROR(env_.RecentSpaceFailure(std::chrono::seconds(60)));
  return env_.Write(16, [](WriteTxn& txn) -> Status {
    CB_RETURN_IF_ERROR(txn.Put(Db::kMeta, "probe", "1"));
    return txn.Delete(Db::kMeta, "probe");
  });
}

}  // namespace crashbox::store::lmdb
