// SPDX-License-Identifier: MPL-2.0
#include "app/symsvc/symbol_service.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "app/base/log.h"
#include "app/symbols/suppliers/regular_file.h"
#include "app/symbols/suppliers/symbol_path.h"

namespace crashbox::symsvc {
namespace {

// A symbol-directory file sent with pread from the descriptor opened (and
// checked) once: each Read is one read of at most `n` bytes. The length is
// the file's at open time; a file that shrinks under a download aborts it.
class FileTextReader final : public store::SymTextReader {
 public:
  FileTextReader(symbols::OpenedFile file, std::string what)
      : file_(std::move(file)), what_(std::move(what)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    size_t want = static_cast<size_t>(std::min<uint64_t>(n, file_.size - pos_));
    if (want == 0) return size_t{0};
    ssize_t got;
    do {
      got = ::pread(file_.fd.get(), buf, want, static_cast<off_t>(pos_));
    } while (got < 0 && errno == EINTR);
    if (got < 0)
      return Status::IoError(
          fmt::format("reading {}: {}", what_, std::strerror(errno)));
    if (got == 0)
      return Status::IoError(
          fmt::format("{} shrank while it was being sent", what_));
    pos_ += static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  }
  std::optional<uint64_t> size() const override { return file_.size; }

 private:
  symbols::OpenedFile file_;
  std::string what_;
  uint64_t pos_ = 0;
};

// Holds a download slot for as long as the reader lives.
class SlottedReader final : public store::SymTextReader {
 public:
  SlottedReader(std::unique_ptr<store::SymTextReader> inner,
                std::atomic<int>& slots)
      : inner_(std::move(inner)), slots_(slots) {}
  ~SlottedReader() override { slots_.fetch_sub(1); }
  Result<size_t> Read(char* buf, size_t n) override {
    return inner_->Read(buf, n);
  }
  std::optional<uint64_t> size() const override { return inner_->size(); }

 private:
  std::unique_ptr<store::SymTextReader> inner_;
  std::atomic<int>& slots_;
};

// RFC 3986 path-segment characters pass; every other byte (controls, space,
// '%', non-ASCII) is escaped.
std::string PercentEncodeSegment(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) ||
        std::string_view("-._~!$&()*+,;=@").find(static_cast<char>(c)) !=
            std::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

symbols::DirSupplierOptions DirOptions(
    const std::vector<std::filesystem::path>& dirs) {
  symbols::DirSupplierOptions o;
  o.roots = dirs;
  return o;
}

}  // namespace

SymbolService::SymbolService(store::SymbolStore& store,
                             store::CrashStore* crashes, ServiceOptions options,
                             SymbolUploader::OnAdded on_added)
    : store_(store),
      crashes_(crashes),
      extra_on_added_(std::move(on_added)),
      options_(std::move(options)),
      uploader_(store, options_.upload,
                [this](const store::SymbolKey& k) { OnAdded(k); }),
      // Stored symbols are keyed by the leaf of the debug file, as symbol
      // servers name them; minidumps may hold a full build path.
      from_store_([this](const symbols::ModuleKey& k) {
        return store_.GetBlob({symbols::Leaf(k.debug_file), k.debug_id});
      }),
      from_dirs_(DirOptions(options_.symbol_dirs)),
      from_upstream_(
          options_.upstream,
          [this](const std::string& path,
                 std::string_view text) -> Result<std::string> {
            CB_ASSIGN_OR_RETURN(UploadReport report,
                                uploader_.UploadSym(path, text));
            if (!report.rejected.empty())
              return std::move(report.rejected[0].reason);
            return std::string();
          },
          from_store_),
      // Symbol servers come last: only a module neither stored nor in a
      // symbol directory is downloaded.
      chain_({&from_store_, &from_dirs_, &from_upstream_}) {}

void SymbolService::OnAdded(const store::SymbolKey& key) {
  // The record goes even when reprocessing is off: the module is no longer
  // missing. Reprocessing that still misses it records it again.
  Result<std::optional<store::MissingSymbols>> taken = store_.TakeMissing(key);
  if (!taken.ok()) {
    CB_LOG_WARNING("symbols {}/{}: missing-symbols record: {}", key.debug_file,
                   key.debug_id, taken.status().ToString());
  } else if (taken->has_value() && crashes_ && options_.reprocess_on_upload) {
    size_t queued = 0;
    for (const std::string& id : (*taken)->crash_ids) {
      if (crashes_->Enqueue(store::QueueName::kReprocessing, id, "").ok())
        ++queued;
    }
    CB_LOG_INFO("symbols {}/{} arrived: {} crashes queued for reprocessing",
                key.debug_file, key.debug_id, queued);
  }
  // New symbols replace any cached copy of the module (a changed upload).
  from_store_.Forget({key.debug_file, key.debug_id});
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

Result<std::string> SymbolService::FindCodeRedirect(std::string_view code_file,
                                                    std::string_view code_id) {
  CB_ASSIGN_OR_RETURN(
      store::SymbolKey key,
      store_.FindByCodeId(std::string(code_file), std::string(code_id)));
  return fmt::format("/{}/{}/{}", PercentEncodeSegment(key.debug_file),
                     PercentEncodeSegment(key.debug_id),
                     PercentEncodeSegment(SymFileName(key.debug_file)));
}

Status SymbolService::RecordMissing(
    const std::string& crash_id,
    const std::vector<store::MissingModule>& modules) {
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  // Symbols are looked up by the leaf of the debug file (as symbol servers
  // do), so that is the key; ids that cannot name symbols are left out.
  std::vector<store::MissingModule> keyed;
  for (store::MissingModule m : modules) {
    m.debug_file = symbols::Leaf(m.debug_file);
    for (char& c : m.debug_id)
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (m.debug_file.empty() || m.debug_file == ".." || m.debug_file == "." ||
        m.debug_id.empty() ||
        m.debug_id.find_first_not_of("0123456789ABCDEF") != std::string::npos) {
      continue;
    }
    keyed.push_back(std::move(m));
  }
  return store_.RecordMissing(crash_id, keyed, now_ms,
                              options_.max_crash_ids_per_module);
}

Result<std::unique_ptr<store::SymTextReader>> SymbolService::OpenDirText(
    const store::SymbolKey& key, std::string_view sym_name) {
  // ParseSymbolPath has ruled out separators and dot components, so the
  // relative path cannot leave a root by itself; symlinks are checked by
  // OpenRegularFileUnder.
  std::filesystem::path rel = std::filesystem::path(key.debug_file) /
                              key.debug_id / std::string(sym_name);
  for (const std::filesystem::path& root : options_.symbol_dirs) {
    Result<symbols::OpenedFile> file =
        symbols::OpenRegularFileUnder(root, rel, options_.symbol_dirs);
    if (file.ok()) {
      return std::unique_ptr<store::SymTextReader>(
          std::make_unique<FileTextReader>(std::move(file).value(),
                                           (root / rel).string()));
    }
    if (file.status().code() != Status::Code::kNotFound) return file.status();
    CB_LOG_DEBUG("symbols: {}", file.status().message());
  }
  return Status::NotFound(
      fmt::format("no symbols for {}/{}", key.debug_file, key.debug_id));
}

Result<std::string> SymbolService::FindSymText(std::string_view debug_file,
                                               std::string_view debug_id,
                                               std::string_view sym_name) {
  CB_ASSIGN_OR_RETURN(
      store::SymbolKey key,
      ParseSymbolPath(fmt::format("{}/{}/{}", debug_file, debug_id, sym_name)));
  Result<std::string> text = store_.GetSymText(key);
  if (text.ok() || text.status().code() != Status::Code::kNotFound) return text;
  CB_ASSIGN_OR_RETURN(std::unique_ptr<store::SymTextReader> reader,
                      OpenDirText(key, sym_name));
  std::string data(*reader->size(), '\0');
  size_t got = 0;
  while (got < data.size()) {
    CB_ASSIGN_OR_RETURN(size_t n,
                        reader->Read(data.data() + got, data.size() - got));
    if (n == 0) break;
    got += n;
  }
  data.resize(got);
  return data;
}

Result<std::unique_ptr<store::SymTextReader>> SymbolService::OpenSymText(
    std::string_view debug_file, std::string_view debug_id,
    std::string_view sym_name) {
  CB_ASSIGN_OR_RETURN(
      store::SymbolKey key,
      ParseSymbolPath(fmt::format("{}/{}/{}", debug_file, debug_id, sym_name)));
  if (downloads_.fetch_add(1) >= options_.max_concurrent_downloads) {
    downloads_.fetch_sub(1);
    return Status::Unavailable(
        fmt::format("{} symbol downloads are running, the most allowed at once",
                    options_.max_concurrent_downloads));
  }
  Result<std::unique_ptr<store::SymTextReader>> reader =
      store_.OpenSymText(key);
  if (!reader.ok() && reader.status().code() == Status::Code::kNotFound)
    reader = OpenDirText(key, sym_name);
  if (!reader.ok()) {
    downloads_.fetch_sub(1);
    return reader.status();
  }
  return std::unique_ptr<store::SymTextReader>(
      std::make_unique<SlottedReader>(std::move(reader).value(), downloads_));
}

Result<std::optional<uint64_t>> SymbolService::StatSymText(
    std::string_view debug_file, std::string_view debug_id,
    std::string_view sym_name) {
  CB_ASSIGN_OR_RETURN(
      store::SymbolKey key,
      ParseSymbolPath(fmt::format("{}/{}/{}", debug_file, debug_id, sym_name)));
  Status stored = store_.HasSymText(key);
  if (stored.ok()) return std::optional<uint64_t>();
  if (stored.code() != Status::Code::kNotFound) return stored;
  CB_ASSIGN_OR_RETURN(std::unique_ptr<store::SymTextReader> reader,
                      OpenDirText(key, sym_name));
  return reader->size();
}

}  // namespace crashbox::symsvc
