// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/suppliers/regular_file.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include <fmt/format.h>

namespace crashbox::symbols {
namespace fs = std::filesystem;
namespace {

std::optional<std::string> RealPath(const fs::path& p, int* err) {
  char* real = ::realpath(p.c_str(), nullptr);
  if (!real) {
    *err = errno;
    return std::nullopt;
  }
  std::string out(real);
  std::free(real);
  return out;
}

bool Inside(const std::string& path, const std::string& root) {
  if (root == "/") return true;
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 &&
         path[root.size()] == '/';
}

// Roots are resolved on each call: they may be created, or be symlinks
// themselves, after the server started.
bool InsideAnyRoot(const std::string& path,
                   const std::vector<fs::path>& roots) {
  for (const fs::path& root : roots) {
    int err = 0;
    std::optional<std::string> real = RealPath(root, &err);
    if (real && Inside(path, *real)) return true;
  }
  return false;
}

}  // namespace

void UniqueFd::Reset() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<OpenedFile> OpenRegularFileUnder(const fs::path& root,
                                        const fs::path& rel,
                                        const std::vector<fs::path>& roots) {
  fs::path path = root / rel;
  int err = 0;
  std::optional<std::string> real = RealPath(path, &err);
  if (!real) {
    if (err == ENOENT || err == ENOTDIR || err == ELOOP ||
        err == ENAMETOOLONG) {
      return Status::NotFound(
          fmt::format("{}: {}", path.string(), std::strerror(err)));
    }
    return Status::IoError(
        fmt::format("{}: {}", path.string(), std::strerror(err)));
  }
  if (!InsideAnyRoot(*real, roots)) {
    return Status::NotFound(
        fmt::format("{} leads to {}, outside the symbol directories",
                    path.string(), *real));
  }
  // Looked at before opening: opening a device can have effects of its own.
  struct stat st {};
  if (::stat(real->c_str(), &st) != 0) {
    return Status::NotFound(
        fmt::format("{}: {}", path.string(), std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode))
    return Status::NotFound(
        fmt::format("{} is not a regular file", path.string()));
  // O_NONBLOCK: should a FIFO have been swapped in since, the open returns at
  // once and fstat below refuses it. The resolved path has no symlink left.
  UniqueFd fd(::open(real->c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY |
                                        O_CLOEXEC | O_NOFOLLOW));
  if (fd.get() < 0) {
    err = errno;
    if (err == ENOENT || err == ELOOP)
      return Status::NotFound(
          fmt::format("{}: {}", path.string(), std::strerror(err)));
    return Status::IoError(
        fmt::format("open {}: {}", path.string(), std::strerror(err)));
  }
  if (::fstat(fd.get(), &st) != 0) {
    return Status::IoError(
        fmt::format("stat {}: {}", path.string(), std::strerror(errno)));
  }
  if (!S_ISREG(st.st_mode))
    return Status::NotFound(
        fmt::format("{} is not a regular file", path.string()));
  // What the descriptor really is: a directory of the path may have been
  // replaced by a symlink between realpath() and open(). Without /proc the
  // check above stands alone.
  char link[PATH_MAX];
  std::string proc = fmt::format("/proc/self/fd/{}", fd.get());
  ssize_t n = ::readlink(proc.c_str(), link, sizeof(link) - 1);
  if (n > 0 &&
      !InsideAnyRoot(std::string(link, static_cast<size_t>(n)), roots)) {
    return Status::NotFound(
        fmt::format("{} leads outside the symbol directories", path.string()));
  }
  OpenedFile out;
  out.fd = std::move(fd);
  out.size = static_cast<uint64_t>(st.st_size);
  out.mtime_ns =
      static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return out;
}

}  // namespace crashbox::symbols
