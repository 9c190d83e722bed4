// SPDX-License-Identifier: MPL-2.0
// SymbolService: what the web layer and the CLI ask of the symbol store
// service, over the SymbolStore: uploads (SymbolUploader) and the original
// .sym texts for download, from the store or else the configured symbol
// directories (read as files, never converted here).
//
// Thread-safe. The store must outlive the service.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/base/status.h"
#include "app/symsvc/symbol_uploader.h"
#include "store/symbol_store.h"

namespace crashbox::symsvc {

struct ServiceOptions {
  UploadOptions upload;
  // Symbol-server directories searched after the store for downloads.
  std::vector<std::filesystem::path> symbol_dirs;
  // Largest upload body accepted over HTTP (zip or .sym).
  uint64_t max_upload_bytes = uint64_t{2} << 30;
};

class SymbolService {
 public:
  SymbolService(store::SymbolStore& store, ServiceOptions options, SymbolUploader::OnAdded on_added = {});

  SymbolUploader& uploader() { return uploader_; }
  const ServiceOptions& options() const { return options_; }

  // The .sym text for `<debug_file>/<debug_id>/<sym_name>`: kInvalidArgument
  // for a path that cannot name symbols (the HTTP layer answers 400),
  // kNotFound when neither the store nor a symbol directory has it.
  Result<std::string> FindSymText(std::string_view debug_file, std::string_view debug_id,
                                  std::string_view sym_name);

 private:
  store::SymbolStore& store_;
  const ServiceOptions options_;
  SymbolUploader uploader_;
};

}  // namespace crashbox::symsvc
