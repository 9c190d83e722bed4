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
  if (Result<QueueDepths> d = CountQueues(); d.ok()) depths_ = d.value();
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
      CB_RETURN_IF_ERROR(PutQueueEntry(txn, *queue, crash.crash_id));
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

Status LmdbCrashStore::PutQueueEntry(WriteTxn& txn, QueueName queue,
                                     const std::string& value) {
  if (!seq_loaded_.load()) {
    // First enqueue since open: continue after the greatest stored sequence.
    uint64_t max_seq = 0;
    for (QueueName q : kQueues) {
      Result<std::string> last = txn.LastKeyWithPrefix(
          Db::kQueue, std::string(QueueNameString(q)) + "/");
      if (last.ok()) max_seq = std::max(max_seq, SeqFromKey(last.value()) + 1);
    }
    next_seq_ = max_seq;
    seq_loaded_ = true;
  }
  return txn.Put(Db::kQueue, QueueKey(QueueNameString(queue), next_seq_++),
                 value);
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
  Status s = env_.Write(
      64, [&](WriteTxn& txn) { return PutQueueEntry(txn, queue, value); });
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
    if (!blob.empty())
      CB_RETURN_IF_ERROR(
          txn.Put(Db::kProcessed, ProcessedKey(entry.crash_id), blob));
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
  {
    std::lock_guard<std::mutex> lock(depth_mu_);
    if (depths_) return *depths_;
  }
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

Status LmdbCrashStore::CheckWritable() {
  CB_RETURN_IF_ERROR(env_.RecentSpaceFailure(std::chrono::seconds(60)));
  return env_.Write(16, [](WriteTxn& txn) -> Status {
    CB_RETURN_IF_ERROR(txn.Put(Db::kMeta, "probe", "1"));
    return txn.Delete(Db::kMeta, "probe");
  });
}

}  // namespace crashbox::store::lmdb
