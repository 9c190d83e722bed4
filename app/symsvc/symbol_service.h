// SPDX-License-Identifier: MPL-2.0
// SymbolService: what the web layer and the CLI ask of the symbol store
// service, over the SymbolStore: uploads (SymbolUploader) and the original
// .sym texts for download, from the store or else the configured symbol
// directories (read as files, never converted here), streamed rather than
// held whole, at most max_concurrent_downloads at once; the missing-symbols
// report (which modules crashes needed, and how often), and reprocessing of
// the crashes that needed a module when its symbols arrive. It also builds
// the one symbol supplier the processor walks with: the store, then the
// symbol directories, then the upstream symbol servers.
//
// Only regular files inside the symbol directories are served (symlinks
// resolved, see app/symbols/suppliers/regular_file.h): a symlink out of the
// tree, a directory, a FIFO or a device is "not found", and never blocks.
//
// Thread-safe. The store must outlive the service, and the service every
// SymTextReader it returned (a reader holds a download slot).
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/base/status.h"
#include "app/symbols/suppliers/blob_supplier.h"
#include "app/symbols/suppliers/chain_supplier.h"
#include "app/symbols/suppliers/dir_supplier.h"
#include "app/symbols/suppliers/upstream_supplier.h"
#include "app/symsvc/symbol_service_options.h"
#include "app/symsvc/symbol_uploader.h"
#include "store/crash_store.h"
#include "store/symbol_store.h"

namespace crashbox::symsvc {

class SymbolService {
 public:
  // `crashes` (may be null: no reprocessing) must outlive the service.
  // `on_added` runs after each stored upload, after the reprocessing queue.
  SymbolService(store::SymbolStore& store, store::CrashStore* crashes,
                ServiceOptions options, SymbolUploader::OnAdded on_added = {});

  SymbolUploader& uploader() { return uploader_; }
  // Symbols for the stack walk: the store (blobs verified once, then cached
  // until new symbols are stored for the module), then the symbol
  // directories (converted on first use), then the symbol servers (a
  // download is stored like an upload). Keys are looked up by the leaf of the
  // debug file. Thread-safe; lives as long as the service.
  symbols::SymbolSupplier& supplier() { return chain_; }
  // Takes one of the max_concurrent_uploads slots; false when all are taken.
  // Pair a true answer with EndUpload().
  bool BeginUpload();
  void EndUpload();
  const ServiceOptions& options() const { return options_; }

  // The .sym text for `<debug_file>/<debug_id>/<sym_name>`, read whole
  // (tests, small texts): kInvalidArgument for a path that cannot name
  // symbols (the HTTP layer answers 400), kNotFound when neither the store
  // nor a symbol directory has it.
  Result<std::string> FindSymText(std::string_view debug_file,
                                  std::string_view debug_id,
                                  std::string_view sym_name);
  // The same text as a reader for download, holding one of the
  // max_concurrent_downloads slots until it is destroyed: kUnavailable when
  // every slot is taken, otherwise FindSymText's errors. The reader's size()
  // is known for symbol-directory files, not for stored texts.
  Result<std::unique_ptr<store::SymTextReader>> OpenSymText(
      std::string_view debug_file, std::string_view debug_id,
      std::string_view sym_name);
  // What OpenSymText would find, without reading it or taking a slot (HEAD):
  // the size when known (nullopt for stored texts), or its errors.
  Result<std::optional<uint64_t>> StatSymText(std::string_view debug_file,
                                              std::string_view debug_id,
                                              std::string_view sym_name);
  int downloads_in_flight() const { return downloads_.load(); }

  // "/<debug_file>/<DEBUG_ID>/<name>.sym" of the symbols uploaded for a code
  // file and id (Tecken's code-id redirect), kNotFound when none were. The
  // path is percent-encoded (anything but letters, digits and -._~!$&()*+,;=@)
  // so that no stored byte reaches a Location header as is.
  Result<std::string> FindCodeRedirect(std::string_view code_file,
                                       std::string_view code_id);

  // Counts a processed crash for each module it lacked symbols for.
  Status RecordMissing(const std::string& crash_id,
                       const std::vector<store::MissingModule>& modules);
  Result<std::vector<store::MissingSymbols>> ListMissing() {
    return store_.ListMissing();
  }
  // Stored symbol files whose debug file starts with `prefix`, at most
  // `limit`.
  Result<std::vector<store::SymbolKey>> List(const std::string& prefix,
                                             size_t limit) {
    return store_.List(prefix, limit);
  }

 private:
  void OnAdded(const store::SymbolKey& key);
  // The file of `key` in the first symbol directory holding a regular one.
  Result<std::unique_ptr<store::SymTextReader>> OpenDirText(
      const store::SymbolKey& key, std::string_view sym_name);

  store::SymbolStore& store_;
  store::CrashStore* crashes_;
  SymbolUploader::OnAdded extra_on_added_;
  const ServiceOptions options_;
  SymbolUploader uploader_;
  std::atomic<int> uploads_{0};
  std::atomic<int> downloads_{0};
  // The supplier chain; declared last, as it refers to the store and the
  // uploader.
  symbols::BlobSupplier from_store_;
  symbols::DirSymbolSupplier from_dirs_;
  symbols::UpstreamSupplier from_upstream_;
  symbols::ChainSupplier chain_;
};

}  // namespace crashbox::symsvc
