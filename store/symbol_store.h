// SPDX-License-Identifier: MPL-2.0
// SymbolStore: converted symbol files (crashbox's pre-indexed blob form, see
// app/symbols/stored/blob_format.h) keyed by module identity, and the original
// .sym text (compressed) for download. Knows nothing of the blob's inside.
//
// Thread-safe. Put* are durable when they return OK. Errors: kNotFound,
// kUnavailable (store or disk full), kCorrupt, kIoError.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/base/status.h"
#include "app/report/missing_module.h"

namespace crashbox::store {

struct SymbolKey {
  std::string debug_file;  // "libxul.so", "xul.pdb"
  std::string debug_id;    // 33 hex characters, upper case
};

// A module a processed crash lacked symbols for (the report's type).
using MissingModule = report::MissingModule;

// How many crashes needed a module's symbols, and which (the most recent,
// up to the bound given to RecordMissing).
struct MissingSymbols {
  MissingModule module;
  uint64_t count = 0;
  int64_t last_seen_ms = 0;  // Unix time
  std::vector<std::string> crash_ids;
};

// A stored .sym text read piece by piece (downloads), instead of all at once.
// Owns what it reads from: it stays valid after the store call that made it,
// and while it lives it does not hold the store's transactions open.
class SymTextReader {
 public:
  virtual ~SymTextReader() = default;
  // Fills up to `n` bytes of `buf`; 0 at the end. Each call is quick (one
  // read or one decompression step). kCorrupt when the stored text is damaged.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // The text's length when known without reading it all.
  virtual std::optional<uint64_t> size() const { return std::nullopt; }
};

class SymbolStore {
 public:
  virtual ~SymbolStore() = default;
  // Stores the converted blob and, when non-empty, the original text. The
  // text is taken by value: a store that packs it frees it before writing,
  // so a caller that moves a large text in does not hold it through the write.
  virtual Status PutSymbols(const SymbolKey& key, std::string_view blob,
                            std::string sym_text) = 0;
  // The converted blob, copied out of the store (callers cache it).
  virtual Result<std::shared_ptr<const std::string>> GetBlob(
      const SymbolKey& key) = 0;
  // The original .sym text.
  virtual Result<std::string> GetSymText(const SymbolKey& key) = 0;
  // The original .sym text as a reader (kNotFound as GetSymText). The default
  // reads it whole; stores override it to keep memory below the text's size.
  virtual Result<std::unique_ptr<SymTextReader>> OpenSymText(
      const SymbolKey& key);
  // OK when the original text of `key` is stored, kNotFound when not; reads
  // no more than needed to know (HEAD requests).
  virtual Status HasSymText(const SymbolKey& key);
  // Stored symbol files whose debug file starts with the prefix, in key
  // order, at most `limit` of them.
  virtual Result<std::vector<SymbolKey>> List(
      const std::string& debug_file_prefix, size_t limit) = 0;
  // Code identity → debug identity (from a .sym's INFO CODE_ID line), for
  // symbol-server lookups by code file and id (Windows DLLs). `code_id` is
  // compared case-insensitively.
  virtual Status PutCodeId(const std::string& code_file,
                           const std::string& code_id,
                           const SymbolKey& key) = 0;
  // kNotFound when no uploaded symbols named that code file and id.
  virtual Result<SymbolKey> FindByCodeId(const std::string& code_file,
                                         const std::string& code_id) = 0;

  // Counts one crash for each module (in one transaction). A crash already
  // listed for a module is not counted again (reprocessing), as long as it is
  // among the `max_crash_ids` most recent kept per module.
  virtual Status RecordMissing(const std::string& crash_id,
                               const std::vector<MissingModule>& modules,
                               int64_t now_ms, size_t max_crash_ids) = 0;
  // Every recorded module, most crashes first.
  virtual Result<std::vector<MissingSymbols>> ListMissing() = 0;
  // Removes and returns the record of `key` (its symbols arrived), nullopt
  // when none exists.
  virtual Result<std::optional<MissingSymbols>> TakeMissing(
      const SymbolKey& key) = 0;
};

inline Result<std::unique_ptr<SymTextReader>> SymbolStore::OpenSymText(
    const SymbolKey& key) {
  class WholeText final : public SymTextReader {
   public:
    explicit WholeText(std::string text) : text_(std::move(text)) {}
    Result<size_t> Read(char* buf, size_t n) override {
      size_t take = std::min(n, text_.size() - pos_);
      std::memcpy(buf, text_.data() + pos_, take);
      pos_ += take;
      return take;
    }
    std::optional<uint64_t> size() const override { return text_.size(); }

   private:
    std::string text_;
    size_t pos_ = 0;
  };
  CB_ASSIGN_OR_RETURN(std::string text, GetSymText(key));
  return std::unique_ptr<SymTextReader>(
      std::make_unique<WholeText>(std::move(text)));
}

inline Status SymbolStore::HasSymText(const SymbolKey& key) {
  return GetSymText(key).status();
}

}  // namespace crashbox::store
