// SPDX-License-Identifier: MPL-2.0
#include "app/run/common.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "app/signature/signature.h"

namespace crashbox::run {

Result<int> LockDataDir(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec)
    return Status::IoError(fmt::format("cannot create data directory {}: {}",
                                       data_dir, ec.message()));
  std::string path =
      (std::filesystem::path(data_dir) / "crashbox.lock").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return Status::IoError(
        fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::Unavailable(
        fmt::format("another crashbox is already using {}", data_dir));
  }
  return fd;
}

Result<OpenStore> OpenCrashStore(const config::Config& config, bool read_only) {
  store::lmdb::EnvOptions options = config.store;
  options.read_only = read_only;
  auto env = store::lmdb::Env::Open(options);
  if (!env.ok()) return env.status();
  OpenStore out;
  out.env = std::move(env).value();
  out.crashes = std::make_unique<store::lmdb::LmdbCrashStore>(*out.env);
  return out;
}

Result<std::shared_ptr<const processor::SignatureRunner>> MakeSignatureRunner(
    const config::Config& config) {
  std::shared_ptr<const signature::Siglists> lists =
      signature::DefaultSiglists();
  if (!config.siglists_dir.empty()) {
    auto loaded = signature::LoadSiglists(config.siglists_dir);
    if (!loaded.ok())
      return loaded.status().WithContext("CRASHBOX_SIGLISTS " +
                                         config.siglists_dir);
    lists = loaded.value();
  }
  signature::SignatureOptions options;
  options.mozilla_rules = config.mozilla_signature_rules;
  return std::make_shared<const processor::SignatureRunner>(
      std::make_shared<const signature::SignatureGenerator>(lists, options));
}

std::string LocalUrl(const config::Config& config) {
  std::string listen = config.http.listen;
  size_t colon = listen.rfind(':');
  std::string host = listen.substr(0, colon);
  // A wildcard address is reached on the loopback of its family.
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "[::]") host = "[::1]";
  return fmt::format("http://{}:{}", host, listen.substr(colon + 1));
}

std::filesystem::path SearchIndexPath(const config::Config& config) {
  return std::filesystem::path(config.data_dir) / "search.sqlite";
}

std::filesystem::path ProductDetailsDir(const config::Config& config) {
  return std::filesystem::path(config.data_dir) / "product_details";
}

Progress::Progress(std::string command)
    : command_(std::move(command)), tty_(::isatty(STDERR_FILENO) == 1) {}

void Progress::Show(const std::string& text) {
  if (!tty_) return;
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(200)) return;
  last_ = now;
  std::fprintf(stderr, "\r\033[K%s", text.c_str());
  shown_ = true;
}

void Progress::Problem(const std::string& where, const std::string& message) {
  Clear();
  std::fprintf(stderr, "crashbox %s: %s: %s\n", command_.c_str(), where.c_str(),
               message.c_str());
}

void Progress::Clear() {
  if (shown_) std::fputs("\r\033[K", stderr);
  shown_ = false;
}

int CommandError(const std::string& command, const std::string& message,
                 int code) {
  std::fprintf(stderr, "crashbox %s: %s\n", command.c_str(), message.c_str());
  return code;
}

}  // namespace crashbox::run
