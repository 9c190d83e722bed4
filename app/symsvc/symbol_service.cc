// SPDX-License-Identifier: MPL-2.0
#include "app/symsvc/symbol_service.h"

#include <cctype>
#include <chrono>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "app/base/log.h"

namespace crashbox::symsvc {

SymbolService::SymbolService(store::SymbolStore& store, store::CrashStore* crashes, ServiceOptions options,
                             SymbolUploader::OnAdded on_added)
    : store_(store),
      crashes_(crashes),
      extra_on_added_(std::move(on_added)),
      options_(std::move(options)),
      uploader_(store, options_.upload, [this](const store::SymbolKey& k) { OnAdded(k); }) {}

void SymbolService::OnAdded(const store::SymbolKey& key) {
  // The record goes even when reprocessing is off: the module is no longer
  // missing. Reprocessing that still misses it records it again.
  Result<std::optional<store::MissingSymbols>> taken = store_.TakeMissing(key);
  if (!taken.ok()) {
    CB_LOG_WARNING("symbols {}/{}: missing-symbols record: {}", key.debug_file, key.debug_id,
                   taken.status().ToString());
  } else if (taken->has_value() && crashes_ && options_.reprocess_on_upload) {
    size_t queued = 0;
    for (const std::string& id : (*taken)->crash_ids) {
      if (crashes_->Enqueue(store::QueueName::kReprocessing, id, "").ok()) ++queued;
    }
    CB_LOG_INFO("symbols {}/{} arrived: {} crashes queued for reprocessing", key.debug_file, key.debug_id, queued);
  }
  if (extra_on_added_) extra_on_added_(key);
}

bool SymbolService::BeginUpload() {
  if (uploads_.fetch_add(1) >= options_.max_concurrent_uploads) {
    uploads_.fetch_sub(1);
    return false;
  }
  return true;
}

void SymbolService::EndUpload() { uploads_.fetch_sub(1); }

Result<std::string> SymbolService::FindCodeRedirect(std::string_view code_file, std::string_view code_id) {
  CB_ASSIGN_OR_RETURN(store::SymbolKey key, store_.FindByCodeId(std::string(code_file), std::string(code_id)));
  return fmt::format("/{}/{}/{}", key.debug_file, key.debug_id, SymFileName(key.debug_file));
}

Status SymbolService::RecordMissing(const std::string& crash_id, const std::vector<store::MissingModule>& modules) {
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  // Symbols are looked up by the leaf of the debug file (as symbol servers
  // do), so that is the key; ids that cannot name symbols are left out.
  std::vector<store::MissingModule> keyed;
  for (store::MissingModule m : modules) {
    size_t sep = m.debug_file.find_last_of("/\\");
    if (sep != std::string::npos) m.debug_file.erase(0, sep + 1);
    for (char& c : m.debug_id) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (m.debug_file.empty() || m.debug_file == ".." || m.debug_file == "." || m.debug_id.empty() ||
        m.debug_id.find_first_not_of("0123456789ABCDEF") != std::string::npos) {
      continue;
    }
    keyed.push_back(std::move(m));
  }
  return store_.RecordMissing(crash_id, keyed, now_ms, options_.max_crash_ids_per_module);
}

Result<std::string> SymbolService::FindSymText(std::string_view debug_file, std::string_view debug_id,
                                               std::string_view sym_name) {
  CB_ASSIGN_OR_RETURN(store::SymbolKey key,
                      ParseSymbolPath(fmt::format("{}/{}/{}", debug_file, debug_id, sym_name)));
  Result<std::string> text = store_.GetSymText(key);
  if (text.ok() || text.status().code() != Status::Code::kNotFound) return text;
  // ParseSymbolPath has ruled out separators and dot components, so the
  // relative path cannot leave a root.
  std::filesystem::path rel = std::filesystem::path(key.debug_file) / key.debug_id / std::string(sym_name);
  for (const std::filesystem::path& root : options_.symbol_dirs) {
    std::ifstream in(root / rel, std::ios::binary);
    if (!in) continue;
    std::string data((std::istreambuf_iterator<char>(in)), {});
    if (in.bad()) return Status::IoError(fmt::format("reading {}", (root / rel).string()));
    return data;
  }
  return Status::NotFound(fmt::format("no symbols for {}/{}", key.debug_file, key.debug_id));
}

}  // namespace crashbox::symsvc
