// SPDX-License-Identifier: MPL-2.0
// DirSymbolSupplier: symbols from Breakpad symbol-server directories,
//   <root>/<debug_file>/<DEBUG_ID>/<debug_file minus .pdb>.sym
// (as Breakpad's SimpleSymbolSupplier: directories in debug_file are
// stripped; a ".pdb" suffix, any case, is replaced by ".sym", anything else
// gets ".sym" appended). Roots are tried in order; the first file found wins.
//
// The text is converted to a blob on first use and the SymbolFile kept in
// memory (least recently used modules are dropped past max_memory_bytes;
// files still held by callers stay alive). With a cache_dir, blobs are also
// written to <cache_dir>/<debug_file>/<DEBUG_ID>/<name>.cbsym and memory-mapped
// on later runs, unless the .sym is newer or the blob fails VerifyDeep (then
// it is reconverted). Cache files are replaced by rename, never rewritten in
// place; do not truncate them while a process uses them.
//
// Thread-safe. Concurrent Find() calls for the same module convert it once;
// the others wait for that result. Failures are not cached.
#pragma once

#include <cstdint>
#include <filesystem>
#include <future>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "app/base/thread_annotations.h"
#include "app/symbols/suppliers/symbol_supplier.h"
#include "app/symbols/text/sym_parser.h"

namespace crashbox::symbols {

struct DirSupplierOptions {
  // Symbol store roots, searched in order.
  std::vector<std::filesystem::path> roots;
  // Where converted blobs are kept across runs; empty = memory only.
  std::filesystem::path cache_dir;
  // Converted modules kept in memory, by blob size.
  uint64_t max_memory_bytes = uint64_t{1} << 30;
  // Limits for the text conversion.
  ParseOptions parse;
  // Tuned for a short-lived process (one command-line run): .sym texts are
  // mapped instead of read (a file truncated while it is being converted
  // then kills the process with SIGBUS), and converted blobs stay in their
  // conversion mapping (one per module, in 2 MiB huge pages) instead of
  // being copied to the heap. Leave off in long-running services.
  bool one_shot = false;
};

// "<debug_file>/<debug_id>/<name>.sym" for `key`, or kInvalidArgument when the
// key is empty or would escape the root (".", "..", NUL, separators in the id).
Result<std::filesystem::path> SymbolRelativePath(const ModuleKey& key);

class DirSymbolSupplier final : public SymbolSupplier {
 public:
  explicit DirSymbolSupplier(DirSupplierOptions options);
  Result<std::shared_ptr<const SymbolFile>> Find(const ModuleKey& key) override;

  struct Counters {
    uint64_t conversions = 0;      // .sym texts converted
    uint64_t disk_cache_hits = 0;  // blobs mapped from cache_dir
    uint64_t memory_hits = 0;      // answered from memory
    uint64_t cache_write_failures = 0;
  };
  Counters counters() const;

 private:
  using FileResult = Result<std::shared_ptr<const SymbolFile>>;
  struct Entry {
    std::shared_future<FileResult> result;
    uint64_t bytes = 0;  // 0 while loading
    std::list<std::string>::iterator lru;
  };

  FileResult Load(const ModuleKey& key);
  FileResult LoadFromCache(const std::filesystem::path& cache_path,
                           const std::filesystem::path& sym_path);
  void StoreInCache(const std::filesystem::path& cache_path, ByteView blob);
  void EvictLocked() CB_REQUIRES(mu_);

  const DirSupplierOptions options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_ CB_GUARDED_BY(mu_);
  std::list<std::string> lru_ CB_GUARDED_BY(mu_);  // most recent first
  uint64_t total_bytes_ CB_GUARDED_BY(mu_) = 0;
  Counters counters_ CB_GUARDED_BY(mu_);
};

}  // namespace crashbox::symbols
