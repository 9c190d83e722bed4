// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/suppliers/blob_supplier.h"

#include <fmt/format.h>

namespace crashbox::symbols {

Result<std::shared_ptr<const SymbolFile>> BlobSupplier::Find(
    const ModuleKey& key) {
  auto cache_key = std::make_pair(key.debug_file, key.debug_id);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = cache_.find(cache_key); it != cache_.end()) return it->second;
  }
  CB_ASSIGN_OR_RETURN(std::shared_ptr<const std::string> blob, fetch_(key));
  ByteView bytes = AsBytes(*blob);
  Result<std::shared_ptr<const SymbolFile>> file =
      SymbolFile::OpenShared(bytes, blob);
  if (!file.ok())
    return file.status().WithContext(
        fmt::format("stored symbols {}/{}", key.debug_file, key.debug_id));
  if (Status deep = file.value()->VerifyDeep(); !deep.ok()) {
    return deep.WithContext(
        fmt::format("stored symbols {}/{}", key.debug_file, key.debug_id));
  }
  std::lock_guard<std::mutex> lock(mu_);
  cache_[cache_key] = file.value();
  return file;
}

void BlobSupplier::Forget(const ModuleKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  cache_.erase(std::make_pair(key.debug_file, key.debug_id));
}

}  // namespace crashbox::symbols
