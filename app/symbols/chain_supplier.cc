// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/chain_supplier.h"

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

Result<std::shared_ptr<const SymbolFile>> ChainSupplier::Find(
    const ModuleKey& key) {
  Status first_error;
  for (SymbolSupplier* s : suppliers_) {
    Result<std::shared_ptr<const SymbolFile>> r = s->Find(key);
    if (r.ok()) return r;
    if (r.status().code() != Status::Code::kNotFound && first_error.ok())
      first_error = r.status();
  }
  if (!first_error.ok()) return first_error;
  return Status::NotFound(
      fmt::format("no symbols for {}/{}", key.debug_file, key.debug_id));
}

}  // namespace crashbox::symbols
