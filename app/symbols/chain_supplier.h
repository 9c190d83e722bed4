// SPDX-License-Identifier: MPL-2.0
// Suppliers that compose:
// - BlobSupplier serves blobs fetched by a callback (the LMDB symbol store,
//   wired in by the composition root, since symbols/ must not know stores).
//   Each blob is verified in full once (VerifyDeep) and then cached.
// - ChainSupplier asks its suppliers in order and returns the first hit: the
//   store, then symbol directories, later upstream servers.
// Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "app/base/thread_annotations.h"
#include "app/symbols/symbol_supplier.h"

namespace crashbox::symbols {

class BlobSupplier final : public SymbolSupplier {
 public:
  // `fetch` returns the blob bytes or kNotFound; it may be called from any
  // thread.
  using Fetch = std::function<Result<std::shared_ptr<const std::string>>(
      const ModuleKey&)>;
  explicit BlobSupplier(Fetch fetch) : fetch_(std::move(fetch)) {}

  Result<std::shared_ptr<const SymbolFile>> Find(const ModuleKey& key) override;
  // Drops a cached module (after new symbols were stored for it).
  void Forget(const ModuleKey& key);

 private:
  Fetch fetch_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>,
           std::shared_ptr<const SymbolFile>>
      cache_ CB_GUARDED_BY(mu_);
};

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
