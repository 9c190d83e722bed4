// SPDX-License-Identifier: MPL-2.0
// ChainSupplier asks its suppliers in order and returns the first hit (the
// symbol service chains the store, the symbol directories, then upstream
// servers). Thread-safe when its suppliers are.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "app/symbols/suppliers/symbol_supplier.h"

namespace crashbox::symbols {

class ChainSupplier final : public SymbolSupplier {
 public:
  // The suppliers must outlive the chain.
  explicit ChainSupplier(std::vector<SymbolSupplier*> suppliers)
      : suppliers_(std::move(suppliers)) {}
  // The first supplier's hit; kNotFound when none has the module. An error
  // other than kNotFound from one supplier is remembered and returned only
  // when no later supplier has the module.
  Result<std::shared_ptr<const SymbolFile>> Find(const ModuleKey& key) override;

 private:
  std::vector<SymbolSupplier*> suppliers_;
};

}  // namespace crashbox::symbols
