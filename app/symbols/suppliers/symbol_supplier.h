// SPDX-License-Identifier: MPL-2.0
// Where the walker gets symbols: a module's identity in, a SymbolFile out.
// symbols/ knows modules only by ModuleKey, never by a minidump type.
#pragma once

#include <memory>
#include <string>

#include "app/base/status.h"
#include "app/symbols/stored/symbol_file.h"

namespace crashbox::symbols {

// A module as the symbol store names it: "xul.pdb" +
// "44E4EC8C2F41492B9369D6B9A059577C2", or "libc.so.6" +
// "EC61AC938E5A39B16F9FBD350E3169A50".
struct ModuleKey {
  std::string debug_file;
  std::string debug_id;
  bool operator==(const ModuleKey&) const = default;
};

// Finds symbol files by module identity. Implementations must be thread-safe;
// Find() may block on disk or network I/O.
class SymbolSupplier {
 public:
  virtual ~SymbolSupplier() = default;
  // Returns kNotFound when no symbols exist for `key` (a normal outcome: the
  // walker falls back to frame pointers and scanning), kCorrupt when stored
  // symbols exist but cannot be read, kInvalidArgument for a key that cannot
  // name symbols (empty, or a path trick such as ".."), kIoError when reading
  // failed. The returned file keeps its bytes alive by itself.
  virtual Result<std::shared_ptr<const SymbolFile>> Find(
      const ModuleKey& key) = 0;
};

// An LMDB (or any other) store that holds blobs wraps them with
// SymbolFile::OpenShared(value_bytes, keep_alive) — no conversion needed.

}  // namespace crashbox::symbols
