// SPDX-License-Identifier: MPL-2.0
#include "app/transfer/exporter.h"

#include <fmt/format.h>

namespace crashbox::transfer {
namespace {

constexpr size_t kPage = 1000;

class Export {
 public:
  Export(store::CrashStore& store, const fs::path& root,
         const ExportOptions& options, ExportStats* stats)
      : store_(store), root_(root), options_(options), stats_(*stats) {}

  Status Run() {
    for (store::CrashPart part :
         {store::CrashPart::kRaw, store::CrashPart::kProcessed}) {
      std::string after;
      for (;;) {
        Result<std::vector<std::string>> ids =
            store_.ListCrashIds(part, options_.since_date, after, kPage);
        if (!ids.ok()) return ids.status();
        for (const std::string& id : ids.value()) {
          if (part == store::CrashPart::kProcessed &&
              store_.GetDumpNames(id).ok())
            continue;  // exported with its raw crash
          CB_RETURN_IF_ERROR(One(id));
        }
        if (ids->size() < kPage) break;
        after = ids->back();
      }
    }
    return Status::Ok();
  }

 private:
  // False (and the crash failed) when the file could not be put in place.
  bool Write(const fs::path& path, std::string_view bytes) {
    Result<WriteOutcome> w = WriteNewFile(path, bytes);
    if (!w.ok()) {
      Problem(path.string(), w.status().message());
      return false;
    }
    ++(w.value() == WriteOutcome::kWritten ? stats_.files_written
                                           : stats_.files_same);
    return true;
  }
  void Problem(const std::string& where, const std::string& message) {
    if (options_.on_problem) options_.on_problem(where, message);
  }
  // A read error: NotFound is a part the crash lacks; anything else stops.
  Status One(const std::string& id) {
    bool ok = true;
    if (!IsCrashId(id)) {
      Problem(id, "stored under a key that is not a crash id; skipped");
      ++stats_.failed;
      return Status::Ok();
    }
    Result<std::string> raw = store_.GetRawCrash(id);
    if (raw.ok()) {
      Result<std::vector<std::string>> names = store_.GetDumpNames(id);
      if (!names.ok()) return names.status().WithContext(id);
      for (const std::string& name : names.value()) {
        if (!IsStorableDumpName(name)) {
          Problem(id, fmt::format("dump name '{}' has no place in the "
                                  "layout; dump not exported",
                                  name));
          ok = false;
          continue;
        }
        Result<std::string> dump = store_.GetDump(id, name);
        if (!dump.ok() && dump.status().code() == Status::Code::kNotFound) {
          Problem(id, fmt::format("dump {} is listed but not stored", name));
          ok = false;
          continue;
        }
        if (!dump.ok()) return dump.status().WithContext(id);
        ok = Write(DumpPath(root_, id, name), dump.value()) && ok;
      }
      ok = Write(DumpNamesPath(root_, id), DumpNamesJson(names.value())) && ok;
      ok = Write(RawCrashPath(root_, id), raw.value()) && ok;
    } else if (raw.status().code() != Status::Code::kNotFound) {
      return raw.status().WithContext(id);
    }
    Result<std::string> processed = store_.GetProcessed(id);
    if (processed.ok()) {
      ok = Write(ProcessedPath(root_, id), processed.value()) && ok;
    } else if (processed.status().code() != Status::Code::kNotFound) {
      return processed.status().WithContext(id);
    }
    ++(ok ? stats_.exported : stats_.failed);
    uint64_t done = stats_.exported + stats_.failed;
    if (options_.on_progress && options_.progress_every > 0 &&
        done % options_.progress_every == 0)
      options_.on_progress(stats_);
    return Status::Ok();
  }

  store::CrashStore& store_;
  const fs::path& root_;
  const ExportOptions& options_;
  ExportStats& stats_;
};

}  // namespace

Status ExportCrashes(store::CrashStore& store, const fs::path& root,
                     const ExportOptions& options, ExportStats* stats) {
  return Export(store, root, options, stats).Run();
}

std::string ParseSinceDate(std::string_view text) {
  std::string digits;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    digits = std::string(text.substr(0, 4)) + std::string(text.substr(5, 2)) +
             std::string(text.substr(8, 2));
  } else if (text.size() == 8) {
    digits = std::string(text);
  } else {
    return "";
  }
  for (char c : digits)
    if (c < '0' || c > '9') return "";
  int month = std::stoi(digits.substr(4, 2));
  int day = std::stoi(digits.substr(6, 2));
  if (month < 1 || month > 12 || day < 1 || day > 31) return "";
  return digits;
}

}  // namespace crashbox::transfer
