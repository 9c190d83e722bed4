// SPDX-License-Identifier: MPL-2.0
// stackwalk_bench: walks every dump of a corpus in one process, as the
// processor does: symbols converted once (a warm-up pass), then timed passes
// that parse each dump from its bytes, walk all threads and print Breakpad's
// -m text. Prints dumps/s and peak resident memory.
//
//   stackwalk_bench --corpus ../shared/corpus --passes 5
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/minidump/minidump.h"
#include "app/stackwalk/printers/printers.h"
#include "app/stackwalk/walker.h"
#include "app/symbols/suppliers/dir_supplier.h"

namespace {

namespace fs = std::filesystem;
using namespace crashbox;

size_t WalkAll(const std::vector<std::string>& dumps,
               symbols::SymbolSupplier& supplier) {
  size_t out_bytes = 0;
  for (const std::string& bytes : dumps) {
    auto dump = minidump::Minidump::Open(bytes);
    if (!dump.ok()) continue;
    auto state = stackwalk::WalkDump(*dump.value(), &supplier);
    if (state.ok())
      out_bytes += stackwalk::PrintBreakpadMachine(state.value()).size();
  }
  return out_bytes;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"In-process stack walking throughput over a corpus"};
  std::string corpus = "../shared/corpus";
  int passes = 5;
  app.add_option("--corpus", corpus, "directory with dumps/ and symbols/")
      ->capture_default_str();
  app.add_option("--passes", passes, "timed passes over all dumps")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(fs::path(corpus) / "dumps")) {
    if (e.path().extension() == ".dmp") paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> dumps;
  for (const fs::path& p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    dumps.push_back(ss.str());
  }
  if (dumps.empty()) {
    std::fprintf(stderr, "stackwalk_bench: no dumps under %s/dumps\n",
                 corpus.c_str());
    return 2;
  }
  symbols::DirSupplierOptions opts;
  opts.roots = {fs::path(corpus) / "symbols"};
  symbols::DirSymbolSupplier supplier(opts);

  auto t0 = std::chrono::steady_clock::now();
  WalkAll(dumps, supplier);  // converts every needed .sym once
  double warm =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();

  auto t1 = std::chrono::steady_clock::now();
  size_t out = 0;
  for (int i = 0; i < passes; ++i) out += WalkAll(dumps, supplier);
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t1)
          .count();

  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  double per_sec = static_cast<double>(dumps.size()) * passes / secs;
  std::printf(
      "crashbox in-process (symbols converted): %.1f dumps/s; %.3f ms/dump; "
      "first pass with conversion %.2f s; "
      "peak RSS %.1f MB; %zu dumps x %d passes; %zu output bytes\n",
      per_sec, 1000.0 / per_sec, warm, ru.ru_maxrss / 1024.0, dumps.size(),
      passes, out);
  return 0;
}
