// SPDX-License-Identifier: MPL-2.0
// MapSymbolSupplier: an in-memory SymbolSupplier, the fake for walker and
// processor tests (and a real supplier for symbols uploaded at runtime).
// Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "app/base/thread_annotations.h"
#include "app/symbols/suppliers/symbol_supplier.h"

namespace crashbox::symbols {

class MapSymbolSupplier final : public SymbolSupplier {
 public:
  // Converts `sym_text` and serves it for `key` (replacing any earlier file).
  // Fails only as ParseSymText() does.
  Status AddText(const ModuleKey& key, std::string_view sym_text);
  // Serves an already opened file for `key`.
  void Add(const ModuleKey& key, std::shared_ptr<const SymbolFile> file);

  Result<std::shared_ptr<const SymbolFile>> Find(const ModuleKey& key) override;

 private:
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>,
           std::shared_ptr<const SymbolFile>>
      files_ CB_GUARDED_BY(mu_);
};

}  // namespace crashbox::symbols
