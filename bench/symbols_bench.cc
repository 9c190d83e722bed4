// SPDX-License-Identifier: MPL-2.0
// symbols_bench: the symbol store service's costs on a symbols tree.
//   upload     .sym texts checked, converted once and stored in LMDB (fsync
//              on), MB/s of text; then the same upload again (all skipped)
//   lookups    Symbolize() on stored, converted symbols (the processor's
//              path: converted once, cached), lookups/s
//   reparse    parsing the .sym text on each use (what a server without a
//              converted store pays per crash that needs the module), uses/s
//              and lookups/s for the same addresses
//
//   symbols_bench --symbols ../shared/corpus/symbols --lookups 1000 --passes 3
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/symbols/stored/symbol_file.h"
#include "app/symbols/suppliers/blob_supplier.h"
#include "app/symbols/text/sym_parser.h"
#include "app/symsvc/symbol_uploader.h"
#include "store/lmdb/symbol_store.h"

namespace {

namespace fs = std::filesystem;
using namespace crashbox;
using Clock = std::chrono::steady_clock;

struct Module {
  std::string path;  // layout path
  std::string text;
  store::SymbolKey key;
  std::vector<uint64_t> addresses;
};

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// FUNC and PUBLIC addresses (+1, inside the function), up to `n`.
std::vector<uint64_t> Addresses(const std::string& text, size_t n) {
  std::vector<uint64_t> out;
  size_t pos = 0;
  while (pos < text.size() && out.size() < n) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string_view line(text.data() + pos, eol - pos);
    for (std::string_view kind : {"FUNC ", "PUBLIC "}) {
      if (!line.starts_with(kind)) continue;
      line.remove_prefix(kind.size());
      if (line.starts_with("m ")) line.remove_prefix(2);
      out.push_back(
          std::strtoull(std::string(line.substr(0, line.find(' '))).c_str(),
                        nullptr, 16) +
          1);
    }
    pos = eol + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"symbol upload and lookup costs"};
  std::string root = "../shared/corpus/symbols";
  size_t lookups = 1000;
  int passes = 3;
  app.add_option("--symbols", root, "a symbol-server tree of .sym files")
      ->capture_default_str();
  app.add_option("--lookups", lookups, "addresses looked up per module")
      ->capture_default_str();
  app.add_option("--passes", passes, "timed passes of the lookup phases")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<Module> modules;
  uint64_t text_bytes = 0;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file() || e.path().extension() != ".sym") continue;
    Module m;
    m.path = fs::relative(e.path(), root).generic_string();
    std::ifstream in(e.path(), std::ios::binary);
    m.text.assign(std::istreambuf_iterator<char>(in), {});
    auto key = symsvc::ParseSymbolPath(m.path);
    if (!key.ok()) continue;
    m.key = *key;
    m.addresses = Addresses(m.text, lookups);
    text_bytes += m.text.size();
    modules.push_back(std::move(m));
  }
  if (modules.empty()) {
    std::fprintf(stderr, "no .sym files under %s\n", root.c_str());
    return 2;
  }

  char tmpl[] = "/tmp/symbols_bench.XXXXXX";
  if (!mkdtemp(tmpl)) return 2;
  store::lmdb::EnvOptions options;
  options.path = std::string(tmpl) + "/store";
  auto env = store::lmdb::Env::Open(options);
  if (!env.ok()) return 2;
  store::lmdb::LmdbSymbolStore store(*env.value());
  symsvc::SymbolUploader uploader(store, {});

  auto started = Clock::now();
  size_t added = 0;
  for (const Module& m : modules)
    added += uploader.UploadSym(m.path, m.text)->added.size();
  double upload_s = Seconds(started);
  started = Clock::now();
  size_t skipped = 0;
  for (const Module& m : modules)
    skipped += uploader.UploadSym(m.path, m.text)->skipped.size();
  double again_s = Seconds(started);
  std::printf(
      "upload   : %zu files, %.1f MB text, %.2f s, %.1f MB/s converted+stored "
      "(%zu added)\n",
      modules.size(), text_bytes / 1e6, upload_s, text_bytes / 1e6 / upload_s,
      added);
  std::printf("reupload : %.2f s, %.1f MB/s (%zu skipped as identical)\n",
              again_s, text_bytes / 1e6 / again_s, skipped);

  symbols::BlobSupplier stored([&](const symbols::ModuleKey& k) {
    return store.GetBlob({k.debug_file, k.debug_id});
  });
  size_t n_lookups = 0, found = 0;
  for (const Module& m : modules)
    (void)stored.Find(
        {m.key.debug_file, m.key.debug_id});  // load + verify once
  started = Clock::now();
  for (int p = 0; p < passes; ++p) {
    for (const Module& m : modules) {
      auto file = stored.Find({m.key.debug_file, m.key.debug_id});
      if (!file.ok()) continue;
      for (uint64_t a : m.addresses) {
        found += !(*file)->Symbolize(a).function_name.empty();
        ++n_lookups;
      }
    }
  }
  double lookup_s = Seconds(started);
  std::printf(
      "lookups  : %.0f lookups/s from the converted store (%zu lookups, %zu "
      "named)\n",
      n_lookups / lookup_s, n_lookups, found);

  started = Clock::now();
  size_t uses = 0;
  n_lookups = 0;
  for (int p = 0; p < passes; ++p) {
    for (const Module& m : modules) {
      auto blob = symbols::ParseSymText(AsBytes(m.text));
      if (!blob.ok()) continue;
      auto file = symbols::SymbolFile::Open(AsBytes(*blob));
      if (!file.ok()) continue;
      ++uses;
      for (uint64_t a : m.addresses) {
        found += !file->Symbolize(a).function_name.empty();
        ++n_lookups;
      }
    }
  }
  double reparse_s = Seconds(started);
  std::printf(
      "reparse  : %.0f module uses/s, %.0f lookups/s parsing the text on each "
      "use (%.1f MB/s of text)\n",
      uses / reparse_s, n_lookups / reparse_s,
      passes * text_bytes / 1e6 / reparse_s);
  std::printf(
      "ratio    : lookups from the store are %.0fx faster than parsing on each "
      "use\n",
      (n_lookups / lookup_s) / (n_lookups / reparse_s));
  std::filesystem::remove_all(tmpl);
  return 0;
}
