// SPDX-License-Identifier: MPL-2.0
// SymbolStore: converted symbol files (crashbox's pre-indexed blob form, see
// app/symbols/blob_format.h) keyed by module identity, and the original .sym
// text (compressed) for download. Knows nothing of the blob's inside.
//
// Thread-safe. Put* are durable when they return OK. Errors: kNotFound,
// kUnavailable (store or disk full), kCorrupt, kIoError.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/base/status.h"

namespace crashbox::store {

struct SymbolKey {
  std::string debug_file;  // "libxul.so", "xul.pdb"
  std::string debug_id;    // 33 hex characters, upper case
};

class SymbolStore {
 public:
  virtual ~SymbolStore() = default;
  // Stores the converted blob and, when non-empty, the original text.
  virtual Status PutSymbols(const SymbolKey& key, const std::string& blob, const std::string& sym_text) = 0;
  // The converted blob, copied out of the store (callers cache it).
  virtual Result<std::shared_ptr<const std::string>> GetBlob(const SymbolKey& key) = 0;
  // The original .sym text.
  virtual Result<std::string> GetSymText(const SymbolKey& key) = 0;
  virtual Result<std::vector<SymbolKey>> List(const std::string& debug_file_prefix) = 0;
};

}  // namespace crashbox::store
