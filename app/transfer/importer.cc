// SPDX-License-Identifier: MPL-2.0
#include "app/transfer/importer.h"

#include <algorithm>
#include <cstring>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/base/py_json.h"

namespace crashbox::transfer {
namespace {

using nlohmann::json;

// Parses as Socorro's Python would (NaN, huge integers, bounded nesting
// without recursion), so data Socorro wrote is accepted and hostile
// nesting is not a stack overflow.
Result<json> ParseObject(std::string_view text) {
  Result<json> j = base::PyJsonLoads(text);
  if (!j.ok()) return Status::Corrupt("invalid JSON: " + j.status().message());
  if (!j->is_object()) return Status::Corrupt("not a JSON object");
  return j;
}

// The id a processed crash names itself by: `uuid`, else `crash_id`.
std::string DocumentId(const json& doc) {
  for (const char* key : {"uuid", "crash_id"}) {
    auto it = doc.find(key);
    if (it != doc.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

// Entries of a directory, sorted, so imports run in a stable order; errors
// (a directory vanishing mid-walk) are reported, not fatal.
std::vector<fs::path> SortedEntries(const fs::path& dir, std::string* error) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end;
       it.increment(ec)) {
    out.push_back(it->path());
  }
  if (ec) *error = ec.message();
  std::sort(out.begin(), out.end());
  return out;
}

// Reads lines of at most `max_bytes` from a stream in 1 MiB chunks; a longer
// line is skipped to its end and flagged, never held whole. Chunks, not
// characters: std::cin synced with stdio reads a character per getc() call,
// which was a fifth of an import's time.
class LineReader {
 public:
  LineReader(std::istream& in, uint64_t max_bytes)
      : in_(in), max_bytes_(max_bytes), buffer_(1 << 20) {}

  // False at the end of input.
  bool Next(std::string* line, bool* too_long) {
    line->clear();
    *too_long = false;
    bool any = false;
    for (;;) {
      if (pos_ == end_ && !Fill()) return any;
      any = true;
      const char* begin = buffer_.data() + pos_;
      const char* nl =
          static_cast<const char*>(std::memchr(begin, '\n', end_ - pos_));
      size_t n = nl ? static_cast<size_t>(nl - begin) : end_ - pos_;
      if (!*too_long) {
        if (line->size() + n > max_bytes_) {
          *too_long = true;
          line->clear();
        } else {
          line->append(begin, n);
        }
      }
      pos_ += n;
      if (nl) {
        ++pos_;
        return true;
      }
    }
  }

 private:
  bool Fill() {
    if (eof_) return false;
    in_.read(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    std::streamsize got = in_.gcount();
    if (got < static_cast<std::streamsize>(buffer_.size())) eof_ = true;
    pos_ = 0;
    end_ = static_cast<size_t>(got);
    return got > 0;
  }

  std::istream& in_;
  uint64_t max_bytes_;
  std::vector<char> buffer_;
  size_t pos_ = 0, end_ = 0;
  bool eof_ = false;
};

}  // namespace

Importer::Importer(store::CrashStore& store, ImportOptions options)
    : store_(store), options_(std::move(options)) {}

void Importer::Fail(const std::string& where, const std::string& message) {
  ++stats_.failed;
  if (options_.on_problem) options_.on_problem(where, message);
}

bool Importer::IsPresent(const std::string& crash_id) {
  // Dump names are written with every raw crash and are small and
  // uncompressed: the cheap check first.
  return store_.GetDumpNames(crash_id).ok() ||
         store_.GetProcessed(crash_id).ok();
}

void Importer::Add(store::CrashRecord crash) {
  uint64_t bytes = crash.raw_json.size() + crash.processed_json.size();
  for (const store::Dump& d : crash.dumps) bytes += d.bytes.size();
  pending_.push_back(std::move(crash));
  pending_bytes_ += bytes;
  if (pending_.size() >= options_.batch_crashes ||
      pending_bytes_ >= options_.batch_bytes) {
    stopped_ = Flush();
  }
}

Status Importer::Flush() {
  // Room for this batch: the oldest in flight is collected first.
  Status s;
  while (s.ok() && inflight_.size() >= std::max<size_t>(1, options_.inflight))
    s = CollectOldest();
  if (!s.ok()) {
    stats_.failed += pending_.size();  // never written
    pending_.clear();
    pending_bytes_ = 0;
    return s;
  }
  if (pending_.empty()) return Status::Ok();
  InFlight& next = inflight_.emplace_back();
  next.batch =
      std::make_unique<std::vector<store::CrashRecord>>(std::move(pending_));
  pending_.clear();
  pending_bytes_ = 0;
  // Packing (compression) and the commit run on their own threads while the
  // next batch is read and parsed. Packing costs more than parsing, so two
  // batches pack at once; the store's writer commits them together.
  const std::vector<store::CrashRecord>* batch = next.batch.get();
  next.result = std::async(std::launch::async, [this, batch] {
    store::QueueName queue = store::QueueName::kNormal;
    return store_.PutNew(*batch, &queue);
  });
  return Status::Ok();
}

Status Importer::Collect() {
  Status first;
  while (!inflight_.empty()) {
    Status s = CollectOldest();
    if (first.ok()) first = s;
  }
  return first;
}

Status Importer::CollectOldest() {
  if (inflight_.empty()) return Status::Ok();
  Result<std::vector<bool>> stored = inflight_.front().result.get();
  std::unique_ptr<std::vector<store::CrashRecord>> batch =
      std::move(inflight_.front().batch);
  inflight_.pop_front();
  if (!stored.ok()) {
    stats_.failed += batch->size();
    return stored.status();
  }
  for (size_t i = 0; i < batch->size(); ++i) {
    if (!stored.value()[i]) {
      ++stats_.present;
      continue;
    }
    ++stats_.imported;
    const store::CrashRecord& c = (*batch)[i];
    if (!c.raw_json.empty() && c.processed_json.empty()) ++stats_.queued;
  }
  if (options_.on_progress) options_.on_progress(stats_);
  return Status::Ok();
}

Status Importer::ImportDirectory(const fs::path& dir) {
  std::error_code ec;
  // The bucket's root, or its v1/ directory itself.
  fs::path root = dir;
  if (!fs::is_directory(dir / "v1", ec) && dir.filename() == "v1")
    root = dir.parent_path();
  fs::path raw_dir = root / "v1" / "raw_crash";
  fs::path processed_dir = root / "v1" / "processed_crash";
  bool has_raw = fs::is_directory(raw_dir, ec);
  bool has_processed = fs::is_directory(processed_dir, ec);
  if (!has_raw && !has_processed) {
    return Status::InvalidArgument(fmt::format(
        "{}: no v1/raw_crash or v1/processed_crash directory (Socorro's "
        "bucket layout)",
        dir.string()));
  }
  std::string error;
  if (has_raw) {
    for (const fs::path& date_dir : SortedEntries(raw_dir, &error)) {
      if (!stopped_.ok()) break;
      if (!fs::is_directory(date_dir, ec)) {
        Fail(date_dir.string(),
             "not a date directory (v1/raw_crash/<YYYYMMDD>/<id>)");
        continue;
      }
      std::string date_error;
      std::vector<fs::path> files = SortedEntries(date_dir, &date_error);
      if (!date_error.empty()) Fail(date_dir.string(), date_error);
      for (const fs::path& file : files) {
        if (!stopped_.ok()) break;
        ImportRawCrash(root, date_dir.filename().string(), file);
      }
    }
    if (!error.empty()) Fail(raw_dir.string(), error);
  }
  if (has_processed && stopped_.ok()) {
    error.clear();
    for (const fs::path& file : SortedEntries(processed_dir, &error)) {
      if (!stopped_.ok()) break;
      std::string id = file.filename().string();
      // One with a raw crash was imported (or reported) with it.
      if (IsCrashId(id) && fs::exists(RawCrashPath(root, id), ec)) continue;
      ImportProcessedFile(file);
    }
    if (!error.empty()) Fail(processed_dir.string(), error);
  }
  if (stopped_.ok()) stopped_ = Flush();
  Status last = Collect();
  if (stopped_.ok()) stopped_ = last;
  return stopped_;
}

void Importer::ImportRawCrash(const fs::path& root, const std::string& date,
                              const fs::path& path) {
  const TransferLimits& limits = options_.limits;
  std::string id = path.filename().string();
  if (!IsCrashId(id)) return Fail(path.string(), "not a crash id");
  if (CrashDate(id) != date) {
    return Fail(
        path.string(),
        fmt::format("in date directory {}, but the crash id's date is {}", date,
                    CrashDate(id)));
  }
  if (IsPresent(id)) {
    ++stats_.present;
    return;
  }
  store::CrashRecord crash;
  crash.crash_id = id;
  Result<std::string> raw = ReadBoundedFile(path, limits.max_raw_json_bytes);
  if (!raw.ok()) return Fail(path.string(), raw.status().message());
  if (Result<json> doc = ParseObject(raw.value()); !doc.ok())
    return Fail(path.string(), doc.status().message());
  crash.raw_json = std::move(raw).value();

  fs::path names_path = DumpNamesPath(root, id);
  Result<std::string> names_text =
      ReadBoundedFile(names_path, limits.max_dump_names_bytes);
  std::vector<std::string> names;
  if (names_text.ok()) {
    Result<json> list = base::PyJsonLoads(names_text.value());
    if (!list.ok() || !list->is_array())
      return Fail(names_path.string(), "not a JSON list of dump names");
    if (list->size() > limits.max_dumps) {
      return Fail(names_path.string(),
                  fmt::format("{} dumps exceed the limit of {}", list->size(),
                              limits.max_dumps));
    }
    std::set<std::string> seen;
    for (const json& n : *list) {
      if (!n.is_string() || !IsStorableDumpName(n.get<std::string>()))
        return Fail(names_path.string(),
                    fmt::format("dump name {} is not storable "
                                "([A-Za-z0-9_]{{1,30}}, not reserved)",
                                n.dump()));
      if (!seen.insert(n.get<std::string>()).second)
        return Fail(names_path.string(),
                    fmt::format("dump name {} is listed twice", n.dump()));
      names.push_back(n.get<std::string>());
    }
  } else if (names_text.status().code() != Status::Code::kNotFound) {
    return Fail(names_path.string(), names_text.status().message());
  }
  uint64_t dump_bytes = 0;
  for (const std::string& name : names) {
    fs::path dump_path = DumpPath(root, id, name);
    uint64_t room = limits.max_crash_bytes - dump_bytes;
    Result<std::string> bytes =
        ReadBoundedFile(dump_path, std::min(limits.max_dump_bytes, room));
    if (!bytes.ok()) {
      std::string message = bytes.status().message();
      if (bytes.status().code() == Status::Code::kLimitExceeded &&
          room < limits.max_dump_bytes) {
        message = fmt::format("the crash's dumps exceed {} bytes together",
                              limits.max_crash_bytes);
      }
      return Fail(dump_path.string(), message);
    }
    dump_bytes += bytes->size();
    crash.dumps.push_back({name, std::move(bytes).value()});
  }

  fs::path processed_path = ProcessedPath(root, id);
  Result<std::string> processed =
      ReadBoundedFile(processed_path, limits.max_processed_json_bytes);
  if (processed.ok()) {
    Result<json> doc = ParseObject(processed.value());
    if (!doc.ok()) return Fail(processed_path.string(), doc.status().message());
    std::string named = DocumentId(doc.value());
    if (!named.empty() && named != id)
      return Fail(processed_path.string(),
                  fmt::format("names crash {}, not {}", named, id));
    crash.processed_json = std::move(processed).value();
  } else if (processed.status().code() != Status::Code::kNotFound) {
    return Fail(processed_path.string(), processed.status().message());
  }
  Add(std::move(crash));
}

void Importer::ImportProcessedFile(const fs::path& path) {
  std::string id = path.filename().string();
  if (!IsCrashId(id)) return Fail(path.string(), "not a crash id");
  if (IsPresent(id)) {
    ++stats_.present;
    return;
  }
  Result<std::string> text =
      ReadBoundedFile(path, options_.limits.max_processed_json_bytes);
  if (!text.ok()) return Fail(path.string(), text.status().message());
  Result<json> doc = ParseObject(text.value());
  if (!doc.ok()) return Fail(path.string(), doc.status().message());
  std::string named = DocumentId(doc.value());
  if (!named.empty() && named != id)
    return Fail(path.string(),
                fmt::format("names crash {}, not {}", named, id));
  store::CrashRecord crash;
  crash.crash_id = id;
  crash.processed_json = std::move(text).value();
  Add(std::move(crash));
}

Status Importer::ImportJsonLines(std::istream& in, const std::string& name) {
  std::string line;
  bool too_long = false;
  uint64_t number = 0;
  LineReader reader(in, options_.limits.max_processed_json_bytes);
  while (stopped_.ok() && reader.Next(&line, &too_long)) {
    ++number;
    // Formatted only for a problem: most lines have none.
    auto where = [&] { return fmt::format("{}:{}", name, number); };
    if (too_long) {
      Fail(where(), fmt::format("line longer than the limit of {} bytes",
                                options_.limits.max_processed_json_bytes));
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    Result<json> doc = ParseObject(line);
    if (!doc.ok()) {
      Fail(where(), doc.status().message());
      continue;
    }
    std::string id = DocumentId(doc.value());
    if (!IsCrashId(id)) {
      Fail(where(), id.empty() ? "no `uuid` or `crash_id` string"
                               : fmt::format("'{}' is not a crash id", id));
      continue;
    }
    if (IsPresent(id)) {
      ++stats_.present;
      continue;
    }
    store::CrashRecord crash;
    crash.crash_id = id;
    crash.processed_json = std::move(line);
    line = std::string();
    Add(std::move(crash));
  }
  if (stopped_.ok()) stopped_ = Flush();
  Status last = Collect();
  if (stopped_.ok()) stopped_ = last;
  return stopped_;
}

}  // namespace crashbox::transfer
