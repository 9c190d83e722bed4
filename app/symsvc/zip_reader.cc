// SPDX-License-Identifier: MPL-2.0
#include "app/symsvc/zip_reader.h"

#include <zip.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "app/base/shared_library.h"

namespace crashbox::symsvc {
namespace {

// libzip is loaded on first use (see app/base/shared_library.h): only symbol
// zip uploads need it.
#define CB_ZIP_FUNCTIONS(X)                         \
  X(error_init, zip_error_init)                     \
  X(error_fini, zip_error_fini)                     \
  X(error_strerror, zip_error_strerror)             \
  X(error_code_zip, zip_error_code_zip)             \
  X(source_buffer_create, zip_source_buffer_create) \
  X(source_free, zip_source_free)                   \
  X(open_from_source, zip_open_from_source)         \
  X(discard, zip_discard)                           \
  X(get_num_entries, zip_get_num_entries)           \
  X(stat_init, zip_stat_init)                       \
  X(stat_index, zip_stat_index)                     \
  X(fopen_index, zip_fopen_index)                   \
  X(fread, zip_fread)                               \
  X(fclose, zip_fclose)                             \
  X(strerror, zip_strerror)                         \
  X(file_strerror, zip_file_strerror)

struct Zip {
  static constexpr const char* kSoname = "libzip.so.4";
  CB_SHARED_LIBRARY_FUNCTIONS(CB_ZIP_FUNCTIONS)
};

const Zip& Lib() { return *base::LazyLibrary<Zip>::Get(); }

struct ZipCloser {
  void operator()(zip_t* z) const { Lib().discard(z); }
};
struct FileCloser {
  void operator()(zip_file_t* f) const { Lib().fclose(f); }
};

std::string ZipErrorString(zip_error_t* err) {
  std::string s = Lib().error_strerror(err);
  Lib().error_fini(err);
  return s;
}

}  // namespace

bool IsSafeEntryName(const std::string& name) {
  if (name.empty() || name.size() > 1024 || name.front() == '/') return false;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '\\') return false;
  }
  if (name.size() >= 2 && name[1] == ':') return false;  // "C:..." drive paths
  size_t start = 0;
  while (start < name.size()) {
    size_t slash = name.find('/', start);
    if (slash == std::string::npos) slash = name.size();
    std::string_view part(name.data() + start, slash - start);
    bool trailing = slash + 1 == name.size();
    if ((part.empty() && !trailing) || part == "." || part == "..")
      return false;
    start = slash + 1;
  }
  return true;
}

Status ForEachZipEntry(ByteView zip, const ZipLimits& limits,
                       const std::function<Status(ZipEntry&)>& visit) {
  const auto& loaded = base::LazyLibrary<Zip>::Get();
  if (!loaded.ok()) return Status::IoError("zip uploads: " + loaded.error());
  const Zip& zip_lib = *loaded;
  zip_error_t err;
  zip_lib.error_init(&err);
  zip_source_t* src =
      zip_lib.source_buffer_create(zip.data(), zip.size(), 0, &err);
  if (!src) return Status::Corrupt("zip: " + ZipErrorString(&err));
  // ZIP_CHECKCONS compares the central directory with the local headers, which
  // catches truncated and spliced archives before any entry is read.
  std::unique_ptr<zip_t, ZipCloser> archive(
      zip_lib.open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &err));
  if (!archive) {
    zip_lib.source_free(src);
    // libzip refuses duplicate names itself when it reads the directory.
    if (zip_lib.error_code_zip(&err) == ZIP_ER_EXISTS) {
      zip_lib.error_fini(&err);
      return Status::InvalidArgument(
          "zip archive holds an entry name more than once");
    }
    return Status::Corrupt("not a valid zip archive: " + ZipErrorString(&err));
  }
  zip_lib.error_fini(&err);

  zip_int64_t count = zip_lib.get_num_entries(archive.get(), 0);
  if (count <= 0) return Status::InvalidArgument("zip archive holds no files");
  if (static_cast<uint64_t>(count) > limits.max_entries) {
    return Status::LimitExceeded(
        fmt::format("zip archive holds {} entries, more than the limit of {}",
                    count, limits.max_entries));
  }

  // First every header: the whole-archive checks decide before anything is
  // decompressed or handed to `visit`.
  std::vector<zip_stat_t> stats(count);
  std::set<std::string> names;
  uint64_t total = 0;
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t& st = stats[i];
    zip_lib.stat_init(&st);
    if (zip_lib.stat_index(archive.get(), i, 0, &st) != 0 ||
        !(st.valid & ZIP_STAT_NAME) || !(st.valid & ZIP_STAT_SIZE) ||
        !(st.valid & ZIP_STAT_COMP_SIZE)) {
      return Status::Corrupt(fmt::format("zip entry {}: unreadable header", i));
    }
    std::string name = st.name;
    if (!IsSafeEntryName(name)) {
      return Status::InvalidArgument(
          fmt::format("zip entry name '{}' is not a safe relative path", name));
    }
    if (!names.insert(name).second) {
      return Status::InvalidArgument(
          fmt::format("zip entry {} appears more than once", name));
    }
    if (st.size <= limits.max_entry_bytes) total += st.size;
    if (total > limits.max_total_bytes) {
      return Status::LimitExceeded(
          fmt::format("zip archive holds more than {} bytes uncompressed",
                      limits.max_total_bytes));
    }
  }

  // Then one entry at a time, so memory holds one member, not the archive.
  for (zip_int64_t i = 0; i < count; ++i) {
    const zip_stat_t& st = stats[i];
    ZipEntry e;
    e.name = st.name;
    e.is_dir = e.name.back() == '/';
    if (e.is_dir) {
      // nothing to read
    } else if (st.size > limits.max_entry_bytes) {
      e.error = fmt::format("entry_too_large: {} bytes uncompressed, limit {}",
                            st.size, limits.max_entry_bytes);
    } else if (st.size > 4096 && (st.comp_size == 0 ||
                                  st.size / st.comp_size > limits.max_ratio)) {
      e.error = fmt::format(
          "compression_ratio: {} bytes from {} compressed, more than {}:1",
          st.size, st.comp_size, limits.max_ratio);
    } else if (std::unique_ptr<zip_file_t, FileCloser> file(
                   zip_lib.fopen_index(archive.get(), i, 0));
               !file) {
      e.error = fmt::format("unreadable: {}", zip_lib.strerror(archive.get()));
    } else {
      // Read up to the declared size and one byte more: libzip checks the
      // CRC when the stream ends, and a stream longer than declared is
      // refused. The buffer grows as bytes really arrive, never to what the
      // header merely claims (a member declaring 2 GiB over a few bytes of
      // data costs those bytes). The first reservation is what the
      // compressed bytes, which are really here, plausibly inflate to.
      constexpr uint64_t kStep = uint64_t{1} << 20;
      const uint64_t limit = st.size + 1;
      e.data.reserve(
          static_cast<size_t>(std::min(limit, st.comp_size * 8 + kStep)));
      uint64_t got = 0;
      while (got < limit) {
        if (got == e.data.size()) {
          uint64_t want = std::min(limit, got + kStep);
          if (want > e.data.capacity()) {
            e.data.reserve(static_cast<size_t>(
                std::min(limit, std::max(want, e.data.capacity() * 3 / 2))));
          }
          e.data.resize(static_cast<size_t>(want));
        }
        zip_int64_t n =
            zip_lib.fread(file.get(), e.data.data() + got, e.data.size() - got);
        if (n < 0) {
          e.error = fmt::format("corrupt_entry: {}",
                                zip_lib.file_strerror(file.get()));
          break;
        }
        if (n == 0) break;
        got += static_cast<uint64_t>(n);
      }
      if (e.error.empty() && got != st.size) {
        e.error = fmt::format("corrupt_entry: {} bytes of data, {} declared",
                              got, st.size);
      }
      if (e.error.empty()) {
        e.data.resize(got);
      } else {
        std::string().swap(e.data);
      }
    }
    CB_RETURN_IF_ERROR(visit(e));
  }
  return Status::Ok();
}

Result<std::vector<ZipEntry>> ReadZip(ByteView zip, const ZipLimits& limits) {
  std::vector<ZipEntry> entries;
  CB_RETURN_IF_ERROR(ForEachZipEntry(zip, limits, [&](ZipEntry& e) {
    entries.push_back(std::move(e));
    return Status::Ok();
  }));
  return entries;
}

}  // namespace crashbox::symsvc
