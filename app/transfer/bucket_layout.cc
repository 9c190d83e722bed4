// SPDX-License-Identifier: MPL-2.0
#include "app/transfer/bucket_layout.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/collector/crash_id.h"
#include "app/collector/submission.h"

namespace crashbox::transfer {
namespace {

Status Errno(std::string_view what) {
  return Status::IoError(fmt::format("{}: {}", what, std::strerror(errno)));
}

// Closes a descriptor on every path out.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::string CrashDate(std::string_view crash_id) {
  return "20" + std::string(crash_id.substr(
                    crash_id.size() >= 6 ? crash_id.size() - 6 : 0));
}

bool IsCrashId(std::string_view id) {
  return collector::IsValidCrashId(id, /*strict=*/false);
}

bool IsStorableDumpName(std::string_view name) {
  return !name.empty() && collector::SanitizeDumpName(name) == name &&
         name != "dump" && name != "dump_names" && name != "raw_crash" &&
         name != "processed_crash" && name != "crash_report";
}

fs::path RawCrashPath(const fs::path& root, std::string_view crash_id) {
  return root / "v1" / "raw_crash" / CrashDate(crash_id) /
         std::string(crash_id);
}
fs::path DumpNamesPath(const fs::path& root, std::string_view crash_id) {
  return root / "v1" / "dump_names" / std::string(crash_id);
}
fs::path DumpPath(const fs::path& root, std::string_view crash_id,
                  std::string_view dump_name) {
  std::string_view dir =
      dump_name == "upload_file_minidump" ? "dump" : dump_name;
  return root / "v1" / std::string(dir) / std::string(crash_id);
}
fs::path ProcessedPath(const fs::path& root, std::string_view crash_id) {
  return root / "v1" / "processed_crash" / std::string(crash_id);
}

Result<std::string> ReadBoundedFile(const fs::path& path, uint64_t max_bytes) {
  // O_NONBLOCK: opening a FIFO must not wait for a writer.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK)};
  if (f.fd < 0) {
    if (errno == ENOENT) return Status::NotFound("no such file");
    return Errno("cannot open");
  }
  struct stat st;
  if (::fstat(f.fd, &st) != 0) return Errno("cannot stat");
  if (!S_ISREG(st.st_mode))
    return Status::InvalidArgument("not a regular file");
  if (static_cast<uint64_t>(st.st_size) > max_bytes) {
    return Status::LimitExceeded(
        fmt::format("{} bytes exceeds the limit of {}", st.st_size, max_bytes));
  }
  // Read up to one byte past the limit: a file that grew since fstat is
  // still bounded.
  std::string out(static_cast<size_t>(st.st_size), '\0');
  size_t used = 0;
  for (;;) {
    if (used == out.size()) {
      if (out.size() > max_bytes) break;
      out.resize(std::min<uint64_t>(max_bytes + 1, out.size() * 2 + 4096));
    }
    ssize_t n = ::read(f.fd, out.data() + used, out.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno("read failed");
    }
    if (n == 0) break;
    used += static_cast<size_t>(n);
  }
  out.resize(used);
  if (used > max_bytes) {
    return Status::LimitExceeded(
        fmt::format("longer than the limit of {} bytes", max_bytes));
  }
  return out;
}

Result<WriteOutcome> WriteNewFile(const fs::path& path,
                                  std::string_view bytes) {
  auto compare = [&]() -> Result<WriteOutcome> {
    Result<std::string> there = ReadBoundedFile(path, bytes.size());
    if (there.ok() && there.value() == bytes) return WriteOutcome::kSame;
    return Status::InvalidArgument(
        "exists with different contents; not overwritten");
  };
  std::error_code ec;
  if (fs::exists(fs::symlink_status(path, ec))) return compare();
  fs::create_directories(path.parent_path(), ec);
  if (ec)
    return Status::IoError(fmt::format(
        "cannot create {}: {}", path.parent_path().string(), ec.message()));
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  fs::path tmp = path.parent_path() /
                 fmt::format(".{}.tmp-{:x}", path.filename().string(), rng());
  {
    Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)};
    if (f.fd < 0) return Errno("cannot create a temporary file");
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::write(f.fd, bytes.data() + done, bytes.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        Status s = Errno("write failed");
        ::unlink(tmp.c_str());
        return s;
      }
      done += static_cast<size_t>(n);
    }
  }
  // link() never replaces: a file that appeared meanwhile is compared.
  int rc = ::link(tmp.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(tmp.c_str());
  if (rc == 0) return WriteOutcome::kWritten;
  if (link_errno == EEXIST) return compare();
  errno = link_errno;
  return Errno("cannot link into place");
}

std::string DumpNamesJson(const std::vector<std::string>& names) {
  std::string out = "[";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += nlohmann::json(names[i]).dump();
  }
  return out + "]";
}

}  // namespace crashbox::transfer
