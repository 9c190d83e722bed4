// SPDX-License-Identifier: MPL-2.0
#include "app/run/transfer_commands.h"

#include <unistd.h>

#include <filesystem>
#include <iostream>

#include <fmt/format.h>

#include "app/run/common.h"
#include "app/transfer/exporter.h"
#include "app/transfer/importer.h"

namespace crashbox::run {
namespace {

namespace fs = std::filesystem;

std::string ImportSummary(const transfer::ImportStats& s) {
  return fmt::format(
      "imported {}, skipped {} already present, failed {}, queued {} for "
      "processing",
      s.imported, s.present, s.failed, s.queued);
}

// The collector's limits, so a crash it would have accepted imports.
transfer::TransferLimits LimitsFrom(const config::Config& config) {
  transfer::TransferLimits limits;
  limits.max_dump_bytes = config.collector.max_decompressed_bytes;
  limits.max_crash_bytes = config.collector.max_decompressed_bytes;
  limits.max_dumps = config.collector.max_parts;
  limits.max_raw_json_bytes = config.processor_max_raw_crash_bytes;
  return limits;
}

}  // namespace

int Import(const config::Config& config, const ImportCommand& command) {
  bool from_stdin = command.dir.empty() || command.dir == "-";
  std::error_code ec;
  if (!from_stdin && !fs::is_directory(command.dir, ec))
    return CommandError("import",
                        fmt::format("{}: not a directory", command.dir), 2);
  // With the data directory's lock, import has the store to itself. Without
  // it (a server, or another import, holds it) import writes beside that
  // process, which is safe: LMDB serializes write transactions across
  // processes; PutNew checks presence inside its own; queue and index
  // entries take the sequence after the greatest stored key inside the same
  // transaction; and the server's processor and indexer poll the store, so
  // they take up what another process queued within a second.
  Result<int> lock = LockDataDir(config.data_dir);
  if (!lock.ok() && lock.status().code() != Status::Code::kUnavailable)
    return CommandError("import", lock.status().ToString(), 2);
  auto unlock = [&] {
    if (lock.ok()) ::close(lock.value());
  };
  Result<OpenStore> store = OpenCrashStore(config, /*read_only=*/false);
  if (!store.ok()) {
    unlock();
    return CommandError("import", store.status().ToString(), 2);
  }
  Progress progress("import");
  transfer::ImportOptions options;
  options.limits = LimitsFrom(config);
  options.on_problem = [&](const std::string& where, const std::string& m) {
    progress.Problem(where, m);
  };
  options.on_progress = [&](const transfer::ImportStats& s) {
    progress.Show(ImportSummary(s));
  };
  if (from_stdin && ::isatty(STDIN_FILENO) == 1) {
    std::fputs(
        "crashbox import: reading processed crashes as JSON lines from stdin "
        "(Ctrl-D ends; give a directory to import a bucket copy)\n",
        stderr);
  }
  transfer::Importer importer(*store->crashes, options);
  Status s = from_stdin ? importer.ImportJsonLines(std::cin, "<stdin>")
                        : importer.ImportDirectory(command.dir);
  progress.Clear();
  int code = importer.stats().failed > 0 ? 1 : 0;
  if (!s.ok()) {
    code = s.code() == Status::Code::kInvalidArgument ? 2 : 1;
    CommandError("import", s.message(), code);
  }
  if (code != 2) std::printf("%s\n", ImportSummary(importer.stats()).c_str());
  store->crashes.reset();  // close the store before giving up the lock
  store->env.reset();
  unlock();
  return code;
}

int Export(const config::Config& config, const ExportCommand& command) {
  transfer::ExportOptions options;
  if (!command.since.empty()) {
    options.since_date = transfer::ParseSinceDate(command.since);
    if (options.since_date.empty())
      return CommandError(
          "export",
          fmt::format("--since '{}' is not a date (YYYY-MM-DD)", command.since),
          2);
  }
  std::error_code ec;
  if (!fs::is_directory(fs::path(config.store.path), ec))
    return CommandError(
        "export", fmt::format("no crash store in {}", config.data_dir), 2);
  Result<OpenStore> store = OpenCrashStore(config, /*read_only=*/true);
  if (!store.ok()) return CommandError("export", store.status().ToString(), 2);
  Progress progress("export");
  options.on_problem = [&](const std::string& where, const std::string& m) {
    progress.Problem(where, m);
  };
  auto summary = [](const transfer::ExportStats& s) {
    return fmt::format(
        "exported {} crashes ({} files written, {} already there), failed {}",
        s.exported, s.files_written, s.files_same, s.failed);
  };
  options.on_progress = [&](const transfer::ExportStats& s) {
    progress.Show(summary(s));
  };
  transfer::ExportStats stats;
  Status s =
      transfer::ExportCrashes(*store->crashes, command.dir, options, &stats);
  progress.Clear();
  std::printf("%s\n", summary(stats).c_str());
  if (!s.ok()) return CommandError("export", s.ToString(), 1);
  return stats.failed > 0 ? 1 : 0;
}

}  // namespace crashbox::run
