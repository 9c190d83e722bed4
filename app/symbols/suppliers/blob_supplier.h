// SPDX-License-Identifier: MPL-2.0
// BlobSupplier: serves symbols blobs (stored/blob_format.h) fetched by a
// callback, such as the symbol store's GetBlob, wired in by the symbol service
// since symbols/ must not know stores. No conversion: a blob is opened in
// place. Each blob is verified in full once (VerifyDeep), then cached in
// memory until Forget().
//
// Thread-safe.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "app/base/thread_annotations.h"
#include "app/symbols/suppliers/symbol_supplier.h"

namespace crashbox::symbols {

class BlobSupplier final : public SymbolSupplier {
 public:
  // `fetch` returns the blob bytes or kNotFound; it may be called from any
  // thread.
  using Fetch = std::function<Result<std::shared_ptr<const std::string>>(
      const ModuleKey&)>;
  explicit BlobSupplier(Fetch fetch) : fetch_(std::move(fetch)) {}

  // The cached file, or the fetched blob opened and verified: fetch's errors,
  // or kCorrupt (with the module in the message) for a blob that fails Open
  // or VerifyDeep. Failures are not cached.
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

}  // namespace crashbox::symbols
