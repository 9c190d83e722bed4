// SPDX-License-Identifier: MPL-2.0
// OpenRegularFileUnder: opens a file of a symbol directory for reading only
// when it is what a symbol directory may serve: a regular file whose real
// path (every symlink resolved) lies inside one of the configured roots.
// Symlinks within the roots are followed (stores deduplicate with them);
// one leading out of every root, or to a device such as /dev/zero, is
// refused before it is opened; directories, FIFOs, sockets and devices are
// refused too. The open never blocks (O_NONBLOCK: a FIFO cannot hold the
// caller), and what was opened is checked again through the descriptor, so
// a path swapped between the check and the open is still refused.
//
// Used by the directory symbol supplier (processing) and by downloads of
// --symbols-path files (app/symsvc). Thread-safe; no state.
#pragma once

#include <cstdint>
#include <filesystem>
#include <utility>
#include <vector>

#include "app/base/status.h"

namespace crashbox::symbols {

// An owned file descriptor, closed on destruction.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept {
    if (this != &o) {
      Reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  void Reset();

 private:
  int fd_ = -1;
};

struct OpenedFile {
  UniqueFd fd;
  uint64_t size = 0;  // at open time
  int64_t mtime_ns = 0;
};

// Opens `root / rel` (`root` one of `roots`; `rel` relative). kNotFound when
// it does not exist or is refused as above (the reason is in the message);
// kIoError when it exists but cannot be opened or examined.
Result<OpenedFile> OpenRegularFileUnder(
    const std::filesystem::path& root, const std::filesystem::path& rel,
    const std::vector<std::filesystem::path>& roots);

}  // namespace crashbox::symbols
