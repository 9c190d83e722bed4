// SPDX-License-Identifier: MPL-2.0
#include "app/run/common.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
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

}  // namespace crashbox::run
