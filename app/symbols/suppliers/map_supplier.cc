// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/suppliers/map_supplier.h"

#include <fmt/format.h>

#include "app/symbols/text/sym_parser.h"

namespace crashbox::symbols {

Status MapSymbolSupplier::AddText(const ModuleKey& key,
                                  std::string_view sym_text) {
  CB_ASSIGN_OR_RETURN(std::string blob, ParseSymText(AsBytes(sym_text)));
  auto owner = std::make_shared<const std::string>(std::move(blob));
  CB_ASSIGN_OR_RETURN(std::shared_ptr<const SymbolFile> file,
                      SymbolFile::OpenShared(AsBytes(*owner), owner));
  Add(key, std::move(file));
  return Status();
}

void MapSymbolSupplier::Add(const ModuleKey& key,
                            std::shared_ptr<const SymbolFile> file) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[{key.debug_file, key.debug_id}] = std::move(file);
}

Result<std::shared_ptr<const SymbolFile>> MapSymbolSupplier::Find(
    const ModuleKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find({key.debug_file, key.debug_id});
  if (it == files_.end()) {
    return Status::NotFound(
        fmt::format("no symbols for {} {}", key.debug_file, key.debug_id));
  }
  return it->second;
}

}  // namespace crashbox::symbols
