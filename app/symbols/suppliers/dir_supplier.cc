// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/suppliers/dir_supplier.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "app/base/strings.h"
#include "app/symbols/suppliers/regular_file.h"
#include "app/symbols/suppliers/symbol_path.h"
#include "app/symbols/text/big_buffer.h"

namespace crashbox::symbols {
namespace fs = std::filesystem;
namespace {

// A read-only private mapping of a whole file; the keep-alive of cached blobs.
class MappedFile {
 public:
  static Result<std::shared_ptr<const MappedFile>> Open(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return Status::IoError(
          fmt::format("open {}: {}", path.string(), std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size <= 0) {
      ::close(fd);
      return Status::IoError(
          fmt::format("stat {}: empty or unreadable", path.string()));
    }
    void* p = ::mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                     MAP_PRIVATE, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED)
      return Status::IoError(
          fmt::format("mmap {}: {}", path.string(), std::strerror(errno)));
    return std::shared_ptr<const MappedFile>(
        new MappedFile(p, static_cast<size_t>(st.st_size)));
  }
  ~MappedFile() { ::munmap(data_, size_); }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ByteView bytes() const { return {static_cast<const uint8_t*>(data_), size_}; }

 private:
  MappedFile(void* data, size_t size) : data_(data), size_(size) {}
  void* data_;
  size_t size_;
};

// The whole text of a .sym file: read into fresh memory (see
// text/big_buffer.h), or mapped (one_shot); parsed once and dropped.
struct FileText {
  BigBuffer buffer;
  void* mapped = nullptr;
  size_t size = 0;
  FileText() = default;
  FileText(FileText&& o) noexcept
      : buffer(std::move(o.buffer)),
        mapped(std::exchange(o.mapped, nullptr)),
        size(o.size) {}
  FileText& operator=(FileText&& o) noexcept {
    if (this != &o) {
      Unmap();
      buffer = std::move(o.buffer);
      mapped = std::exchange(o.mapped, nullptr);
      size = o.size;
    }
    return *this;
  }
  ~FileText() { Unmap(); }
  void Unmap() {
    if (mapped) ::munmap(mapped, size);
    mapped = nullptr;
  }
  ByteView bytes() const {
    return {reinterpret_cast<const uint8_t*>(mapped ? mapped : buffer.data()),
            size};
  }
};

// Reads the file opened by OpenRegularFileUnder (a regular file: a read
// never blocks on a FIFO or runs forever on a device).
Result<FileText> ReadWholeFile(const OpenedFile& file, const fs::path& path,
                               uint64_t max_bytes, bool map) {
  int fd = file.fd.get();
  uint64_t size = file.size;
  if (size > max_bytes) {
    return Status::LimitExceeded(
        fmt::format("{}: {} bytes exceeds the limit of {}", path.string(), size,
                    max_bytes));
  }
  FileText out;
  out.size = size;
  if (map && size > 0) {
    // Page-cache pages mapped at once: no copy, no fresh memory.
    void* p =
        ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p != MAP_FAILED) {
      out.mapped = p;
      return out;
    }
  }
  out.buffer = BigBuffer(size);
  size_t got = 0;
  while (got < size) {
    ssize_t n = ::pread(fd, out.buffer.data() + got, size - got,
                        static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  if (got != size)
    return Status::IoError(fmt::format("read {}: short read", path.string()));
  return out;
}

bool IsNewer(const fs::path& a, const fs::path& b) {
  std::error_code ec1, ec2;
  auto ta = fs::last_write_time(a, ec1);
  auto tb = fs::last_write_time(b, ec2);
  return !ec1 && !ec2 && ta > tb;
}

}  // namespace

Result<fs::path> SymbolRelativePath(const ModuleKey& key) {
  std::string file = Leaf(key.debug_file);
  if (file.empty() || file == "." || file == ".." ||
      file.find('\0') != std::string::npos) {
    return Status::InvalidArgument(
        fmt::format("bad debug file name '{}'", key.debug_file));
  }
  if (key.debug_id.empty() || key.debug_id.size() > 128) {
    return Status::InvalidArgument(
        fmt::format("bad debug id '{}'", key.debug_id));
  }
  for (char c : key.debug_id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      return Status::InvalidArgument(
          fmt::format("bad debug id '{}'", key.debug_id));
    }
  }
  std::string name = file;
  if (name.size() > 4 &&
      base::EqualsIgnoreCase(std::string_view(name).substr(name.size() - 4),
                             ".pdb")) {
    name.resize(name.size() - 4);
  }
  name += ".sym";
  return fs::path(file) / key.debug_id / name;
}

DirSymbolSupplier::DirSymbolSupplier(DirSupplierOptions options)
    : options_(std::move(options)) {}

DirSymbolSupplier::Counters DirSymbolSupplier::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

Result<std::shared_ptr<const SymbolFile>> DirSymbolSupplier::Find(
    const ModuleKey& key) {
  std::string id = key.debug_file + '\n' + key.debug_id;
  std::promise<FileResult> promise;
  std::unique_lock<std::mutex> lock(mu_);
  if (auto it = entries_.find(id); it != entries_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    ++counters_.memory_hits;
    std::shared_future<FileResult> pending = it->second.result;
    lock.unlock();
    return pending.get();  // waits when another thread is converting
  }
  lru_.push_front(id);
  entries_.emplace(id, Entry{promise.get_future().share(), 0, lru_.begin()});
  lock.unlock();

  FileResult result = Load(key);
  promise.set_value(result);

  lock.lock();
  auto it = entries_.find(id);
  if (!result.ok()) {
    lru_.erase(it->second.lru);
    entries_.erase(it);
  } else {
    it->second.bytes = std::max<uint64_t>(1, (*result)->bytes().size());
    total_bytes_ += it->second.bytes;
    EvictLocked();
  }
  return result;
}

void DirSymbolSupplier::EvictLocked() {
  auto it = lru_.end();
  while (total_bytes_ > options_.max_memory_bytes && it != lru_.begin()) {
    --it;
    auto entry = entries_.find(*it);
    if (entry->second.bytes == 0 || it == lru_.begin())
      continue;  // loading, or the newest
    total_bytes_ -= entry->second.bytes;
    entries_.erase(entry);
    it = lru_.erase(it);
  }
}

DirSymbolSupplier::FileResult DirSymbolSupplier::Load(const ModuleKey& key) {
  CB_ASSIGN_OR_RETURN(fs::path rel, SymbolRelativePath(key));
  // Only regular files inside the roots: a symlink out of the tree, a FIFO
  // or a device is passed over like a missing file (regular_file.h).
  fs::path sym_path;
  OpenedFile opened;
  for (const fs::path& root : options_.roots) {
    Result<OpenedFile> f = OpenRegularFileUnder(root, rel, options_.roots);
    if (f.ok()) {
      sym_path = root / rel;
      opened = std::move(f).value();
      break;
    }
  }
  if (sym_path.empty()) {
    return Status::NotFound(
        fmt::format("no symbols for {} {}", key.debug_file, key.debug_id));
  }
  fs::path cache_path;
  if (!options_.cache_dir.empty()) {
    cache_path = options_.cache_dir / rel;
    cache_path.replace_extension(".cbsym");
    FileResult cached = LoadFromCache(cache_path, sym_path);
    if (cached.ok()) return cached;
  }
  CB_ASSIGN_OR_RETURN(
      FileText text,
      ReadWholeFile(opened, sym_path, options_.parse.max_text_bytes,
                    options_.one_shot));
  Result<SymBlob> blob = ParseSymTextToBlob(text.bytes(), options_.parse);
  text = FileText{};  // not needed any more
  if (!blob.ok()) return blob.status().WithContext(sym_path.string());
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++counters_.conversions;
  }
  if (!cache_path.empty()) StoreInCache(cache_path, blob->bytes());
  if (!options_.one_shot) {
    // A long-lived cache keeps its blobs on the heap: a mapping each would
    // count against vm.max_map_count and round sizes up to huge pages.
    auto owner = std::make_shared<const std::string>(AsChars(blob->bytes()));
    return SymbolFile::OpenShared(AsBytes(*owner), owner);
  }
  auto owner = std::make_shared<const SymBlob>(std::move(blob).value());
  return SymbolFile::OpenShared(owner->bytes(), owner);
}

DirSymbolSupplier::FileResult DirSymbolSupplier::LoadFromCache(
    const fs::path& cache_path, const fs::path& sym_path) {
  std::error_code ec;
  if (!fs::is_regular_file(cache_path, ec) || IsNewer(sym_path, cache_path)) {
    return Status::NotFound("no usable cached blob");
  }
  CB_ASSIGN_OR_RETURN(std::shared_ptr<const MappedFile> mapped,
                      MappedFile::Open(cache_path));
  CB_ASSIGN_OR_RETURN(std::shared_ptr<const SymbolFile> file,
                      SymbolFile::OpenShared(mapped->bytes(), mapped));
  CB_RETURN_IF_ERROR(file->VerifyDeep());
  std::lock_guard<std::mutex> lock(mu_);
  ++counters_.disk_cache_hits;
  return file;
}

void DirSymbolSupplier::StoreInCache(const fs::path& cache_path,
                                     ByteView blob) {
  static std::atomic<uint64_t> sequence{0};
  std::error_code ec;
  fs::create_directories(cache_path.parent_path(), ec);
  fs::path tmp = cache_path;
  tmp += fmt::format(".tmp.{}.{}", ::getpid(), sequence.fetch_add(1));
  bool ok = false;
  if (std::FILE* f = std::fopen(tmp.c_str(), "wb")) {
    ok = std::fwrite(blob.data(), 1, blob.size(), f) == blob.size();
    ok = (std::fclose(f) == 0) && ok;
  }
  if (ok) {
    fs::rename(tmp, cache_path, ec);
    ok = !ec;
  }
  if (!ok) {
    fs::remove(tmp, ec);
    std::lock_guard<std::mutex> lock(mu_);
    ++counters_.cache_write_failures;
  }
}

}  // namespace crashbox::symbols
