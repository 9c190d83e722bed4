// SPDX-License-Identifier: MPL-2.0
// SymbolUploader: accepts Breakpad .sym files (one at a time or a zip in the
// symbol-server layout <debug_file>/<DEBUG_ID>/<name>.sym), checks each one,
// converts it once with symbols::ParseSymText and stores blob + text.
//
// Per file, in order:
//   - the path must be <debug_file>/<DEBUG_ID>/<name>.sym with <name> derived
//     from <debug_file> as symbol servers do (xul.pdb → xul.sym, libc.so.6 →
//     libc.so.6.sym); the debug id is hex and is upper-cased
//   - the first line must be "MODULE <os> <arch> <debug_id> <debug_file>" and
//     agree with the path (id compared case-insensitively)
//   - an identical text already stored is skipped; different text replaces it
//   - an "INFO CODE_ID <id> <code_file>" line indexes the module by code file
//     and id too (SymbolStore::PutCodeId)
// Zip members Tecken ignores (*-symbols.txt at top level, .DS_Store, and
// directory entries) are ignored here too. A file that fails a check is
// rejected with a machine-readable reason ("bad_path: ...") and the others go
// on; only a zip that cannot be trusted as a whole fails the upload.
//
// Thread-safe (each call works on its own data; the store is thread-safe).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/base/byte_reader.h"
#include "app/base/status.h"
#include "app/symbols/suppliers/symbol_path.h"
#include "app/symsvc/upload_options.h"
#include "store/symbol_store.h"

namespace crashbox::symsvc {

struct UploadItem {
  std::string path;    // "xul.pdb/44E4...2/xul.sym" (or the zip member name)
  std::string reason;  // rejected: why; otherwise empty
  uint64_t bytes = 0;  // text size
};

struct UploadReport {
  std::vector<UploadItem> added;
  std::vector<UploadItem> skipped;  // identical symbols were already stored
  std::vector<UploadItem> rejected;
  uint64_t bytes_converted = 0;
  std::string ToJson() const;
};

// The parsed identity of a .sym file's MODULE line.
struct SymModuleLine {
  std::string os, arch, debug_id, debug_file;
};
// kCorrupt when `text` does not start with a well-formed MODULE line.
Result<SymModuleLine> ParseModuleLine(std::string_view text);
// The "INFO CODE_ID <code_id> [<code_file>]" line among the first lines of a
// .sym: {code_id, code_file}, or nullopt (ELF and Mach-O .sym files often
// have a code id without a file name).
std::optional<std::pair<std::string, std::string>> ParseCodeInfo(
    std::string_view text);
// "<debug_file>/<DEBUG_ID>/<name>.sym" → key (symbols::ParseSymbolPath as a
// store key); kInvalidArgument naming the problem otherwise.
Result<store::SymbolKey> ParseSymbolPath(std::string_view path);
// The symbol file name servers use for `debug_file` ("xul.pdb" → "xul.sym").
using symbols::SymFileName;

class SymbolUploader {
 public:
  // Called after symbols for `key` were stored (not when skipped).
  using OnAdded = std::function<void(const store::SymbolKey& key)>;
  // `store` must outlive the uploader.
  SymbolUploader(store::SymbolStore& store, UploadOptions options,
                 OnAdded on_added = {})
      : store_(store),
        options_(std::move(options)),
        on_added_(std::move(on_added)) {}

  // A zip archive. Fails only when the archive as a whole is refused
  // (ReadZip's errors); per-file problems are in the report.
  Result<UploadReport> UploadZip(ByteView zip);
  // One .sym text. `path` may be empty: it is then taken from the MODULE line.
  // Store failures (kUnavailable, kIoError) are returned as errors.
  Result<UploadReport> UploadSym(std::string path, std::string_view text);
  // The same, taking the text (move it in): it is freed as soon as it is
  // converted and packed, before the store's write (a large upload's peak).
  Result<UploadReport> UploadSymOwned(std::string path, std::string text);

 private:
  Result<UploadReport> UploadSymImpl(std::string path, std::string_view text,
                                     std::string* owned);
  // Adds one file to `report`; returns only store failures. `owned` (may be
  // null) is the string `text` views, given up to the store.
  Status AddOne(const std::string& path, std::string_view text,
                std::string* owned, UploadReport& report);

  store::SymbolStore& store_;
  const UploadOptions options_;
  OnAdded on_added_;
};

}  // namespace crashbox::symsvc
