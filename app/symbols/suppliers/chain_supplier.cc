// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/suppliers/chain_supplier.h"

#include <fmt/format.h>

namespace crashbox::symbols {

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
