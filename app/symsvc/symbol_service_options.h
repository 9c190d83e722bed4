// SPDX-License-Identifier: MPL-2.0
// ServiceOptions: the symbol store service's settings (see
// symbol_service.h), in a header of their own so that configuration names
// them without the service.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "app/symbols/suppliers/upstream_options.h"
#include "app/symsvc/upload_options.h"

namespace crashbox::symsvc {

struct ServiceOptions {
  UploadOptions upload;
  // Symbol-server directories searched after the store, for downloads and
  // by supplier().
  std::vector<std::filesystem::path> symbol_dirs;
  // Largest upload body accepted over HTTP (zip or .sym).
  uint64_t max_upload_bytes = uint64_t{2} << 30;
  // Uploads received at once over HTTP (each is held in memory while it is
  // checked and stored); more answer 503 with Retry-After.
  int max_concurrent_uploads = 2;
  // Downloads sent at once (a slot is held until the reader is destroyed);
  // more answer kUnavailable (503 + Retry-After). Each costs zlib's state and
  // a share of one compressed copy of the text (about a fifth of it) for
  // stored symbols, a file descriptor for symbol-directory files.
  int max_concurrent_downloads = 16;
  // Queue the crashes that needed a module for reprocessing when its symbols
  // are uploaded.
  bool reprocess_on_upload = true;
  // Crash ids remembered per missing module (the most recent ones); only
  // these are reprocessed on upload.
  size_t max_crash_ids_per_module = 1000;
  // Symbol servers asked on a miss (see app/symbols/suppliers/
  // upstream_supplier.h).
  symbols::UpstreamOptions upstream;
};

}  // namespace crashbox::symsvc
