// SPDX-License-Identifier: MPL-2.0
#include "app/run/stackwalk.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>

#include <fmt/format.h>

#include "app/minidump/minidump.h"
#include "app/stackwalk/printers/printers.h"
#include "app/symbols/suppliers/dir_supplier.h"

namespace crashbox::run {
namespace {

namespace fs = std::filesystem;

constexpr int kOk = 0, kRejected = 1, kUsage = 2, kUnreadable = 3;

int Worse(int a, int b) {
  auto rank = [](int c) {
    return c == kUnreadable ? 3 : c == kRejected ? 2 : c == kUsage ? 1 : 0;
  };
  return rank(a) >= rank(b) ? a : b;
}

std::string Render(const std::string& format,
                   const stackwalk::ProcessState& state,
                   const minidump::Minidump& dump) {
  if (format == "json") return stackwalk::PrintJsonDump(state, dump);
  if (format == "breakpad-m") return stackwalk::PrintBreakpadMachine(state);
  return stackwalk::PrintBreakpadText(state);
}

bool WriteOutput(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) return false;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  return !ec;
}

int WalkOne(const StackwalkCommand& cmd, const std::string& path,
            symbols::SymbolSupplier* supplier) {
  Result<std::unique_ptr<minidump::Minidump>> dump =
      minidump::Minidump::ReadFile(path);
  if (!dump.ok()) {
    bool unreadable = dump.status().code() != Status::Code::kCorrupt;
    std::fprintf(stderr, "crashbox stackwalk: %s: %s: %s\n", path.c_str(),
                 unreadable ? "cannot read file" : "minidump could not be read",
                 dump.status().message().c_str());
    return unreadable ? kUnreadable : kRejected;
  }
  Result<stackwalk::ProcessState> state =
      stackwalk::WalkDump(*dump.value(), supplier, cmd.options);
  if (!state.ok()) {
    std::fprintf(stderr, "crashbox stackwalk: %s: %s\n", path.c_str(),
                 state.status().message().c_str());
    return kRejected;
  }
  for (const std::string& note : state->notes) {
    std::fprintf(stderr, "crashbox stackwalk: %s: note: %s\n", path.c_str(),
                 note.c_str());
  }
  std::string text = Render(cmd.format, *state, *dump.value());
  if (cmd.output_dir.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return kOk;
  }
  fs::path out =
      fs::path(cmd.output_dir) / StackwalkOutputName(path, cmd.format);
  if (!WriteOutput(out, text)) {
    std::fprintf(stderr, "crashbox stackwalk: %s: cannot write %s\n",
                 path.c_str(), out.c_str());
    return kUsage;
  }
  return kOk;
}

}  // namespace

std::string StackwalkOutputName(const std::string& dump_path,
                                const std::string& format) {
  fs::path p(dump_path);
  std::string stem =
      p.extension() == ".dmp" ? p.stem().string() : p.filename().string();
  if (format == "json") return stem + ".json";
  if (format == "breakpad-m") return stem + ".m.txt";
  return stem + ".txt";
}

int Stackwalk(const StackwalkCommand& cmd) {
  if (cmd.format != "json" && cmd.format != "breakpad" &&
      cmd.format != "breakpad-m") {
    std::fprintf(stderr,
                 "crashbox stackwalk: unknown format '%s' (json, breakpad, "
                 "breakpad-m)\n",
                 cmd.format.c_str());
    return kUsage;
  }
  if (cmd.dumps.empty()) {
    std::fprintf(stderr, "crashbox stackwalk: no dump given\n");
    return kUsage;
  }
  if (!cmd.output_dir.empty()) {
    std::error_code ec;
    fs::create_directories(cmd.output_dir, ec);
    if (!fs::is_directory(cmd.output_dir, ec)) {
      std::fprintf(stderr,
                   "crashbox stackwalk: cannot use output directory %s\n",
                   cmd.output_dir.c_str());
      return kUsage;
    }
  }
  std::unique_ptr<symbols::DirSymbolSupplier> supplier;
  if (!cmd.symbols_paths.empty()) {
    symbols::DirSupplierOptions options;
    for (const std::string& p : cmd.symbols_paths) {
      std::error_code ec;
      if (!fs::is_directory(p, ec)) {
        std::fprintf(stderr,
                     "crashbox stackwalk: warning: symbols path %s is not a "
                     "directory\n",
                     p.c_str());
      }
      options.roots.emplace_back(p);
    }
    options.one_shot =
        true;  // a short-lived process: no copies of texts and blobs
    supplier = std::make_unique<symbols::DirSymbolSupplier>(std::move(options));
  }
  int code = kOk;
  size_t walked = 0;
  for (const std::string& path : cmd.dumps) {
    int one = WalkOne(cmd, path, supplier.get());
    walked += one == kOk;
    code = Worse(code, one);
  }
  if (walked < cmd.dumps.size()) {
    std::fprintf(stderr, "crashbox stackwalk: walked %zu of %zu dumps\n",
                 walked, cmd.dumps.size());
  }
  return code;
}

}  // namespace crashbox::run
