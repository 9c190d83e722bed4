// SPDX-License-Identifier: MPL-2.0
// Pieces the composition roots share: the data-directory lock, opening the
// store, and building the signature generator from the configuration.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "app/config/config.h"
#include "app/processor/signature_rule.h"
#include "store/lmdb/crash_store.h"
#include "store/lmdb/env.h"

namespace crashbox::run {

// Takes the data directory's lock (one writer process per directory): the
// file descriptor holding it, or kUnavailable when another process has it.
Result<int> LockDataDir(const std::string& data_dir);

// A store opened on the configured data directory.
struct OpenStore {
  std::unique_ptr<store::lmdb::Env> env;
  std::unique_ptr<store::lmdb::LmdbCrashStore> crashes;
};
// Read-only opening works beside a running server. kNotFound when the data
// directory holds no store yet.
Result<OpenStore> OpenCrashStore(const config::Config& config, bool read_only);

Result<std::shared_ptr<const processor::SignatureRunner>> MakeSignatureRunner(
    const config::Config& config);

// <data_dir>/search.sqlite: the search index.
std::filesystem::path SearchIndexPath(const config::Config& config);
// <data_dir>/product_details/: a team's own product files.
std::filesystem::path ProductDetailsDir(const config::Config& config);

// A progress line on stderr when it is a terminal, redrawn at most five
// times a second; problems clear it before they print
// ("crashbox <command>: <where>: <message>").
class Progress {
 public:
  explicit Progress(std::string command);
  bool tty() const { return tty_; }
  void Show(const std::string& text);
  void Problem(const std::string& where, const std::string& message);
  void Clear();

 private:
  std::string command_;
  bool tty_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_{};
};

// Prints "crashbox <command>: <message>" on stderr and returns `code`.
int CommandError(const std::string& command, const std::string& message,
                 int code);

// http://host:port of the configured listen address (0.0.0.0 → 127.0.0.1).
std::string LocalUrl(const config::Config& config);

}  // namespace crashbox::run
