// SPDX-License-Identifier: MPL-2.0
// ZipBuilder: builds zip archives in memory with libzip, for tests of symbol
// uploads (including hostile ones: see the byte-patching helpers).
// Header-only; link PkgConfig::LIBZIP.
#pragma once

#include <zip.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace crashbox::testing {

class ZipBuilder {
 public:
  // `store_only`: entries are stored uncompressed.
  ZipBuilder& Add(std::string name, std::string data, bool store_only = false) {
    files_.push_back({std::move(name), std::move(data), store_only});
    return *this;
  }
  // The archive bytes (empty string on a libzip failure).
  std::string Build(const std::filesystem::path& scratch_dir) const {
    std::filesystem::path p = scratch_dir / "build.zip";
    std::filesystem::remove(p);
    int err = 0;
    zip_t* z = zip_open(p.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z) return "";
    for (const File& f : files_) {
      zip_source_t* src = zip_source_buffer(z, f.data.data(), f.data.size(), 0);
      zip_int64_t idx = zip_file_add(z, f.name.c_str(), src, ZIP_FL_ENC_UTF_8);
      if (idx < 0) {
        zip_source_free(src);
        zip_discard(z);
        return "";
      }
      if (f.store_only) zip_set_file_compression(z, idx, ZIP_CM_STORE, 0);
    }
    if (zip_close(z) != 0) {
      zip_discard(z);
      return "";
    }
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  struct File {
    std::string name, data;
    bool store_only;
  };
  std::vector<File> files_;
};

// Replaces every occurrence of `from` by `to` (same length) in archive bytes:
// turns a second member's name into a duplicate of the first.
inline std::string PatchBytes(std::string bytes, const std::string& from,
                              const std::string& to) {
  for (size_t pos = bytes.find(from); pos != std::string::npos;
       pos = bytes.find(from, pos + to.size())) {
    bytes.replace(pos, from.size(), to);
  }
  return bytes;
}

// Sets the uncompressed size that every member's local and central headers
// declare (consistently, so libzip's checks pass): a member that claims more
// than its data holds.
inline std::string SetDeclaredSize(std::string bytes, uint32_t size) {
  auto put = [&](size_t at) {
    for (int i = 0; i < 4; ++i)
      bytes[at + i] = static_cast<char>((size >> (8 * i)) & 0xff);
  };
  for (size_t pos = bytes.find("PK\x03\x04"); pos != std::string::npos;
       pos = bytes.find("PK\x03\x04", pos + 4)) {
    put(pos + 22);
  }
  for (size_t pos = bytes.find("PK\x01\x02"); pos != std::string::npos;
       pos = bytes.find("PK\x01\x02", pos + 4)) {
    put(pos + 24);
  }
  return bytes;
}

}  // namespace crashbox::testing
