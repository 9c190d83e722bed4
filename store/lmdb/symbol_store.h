// SPDX-License-Identifier: MPL-2.0
// LmdbSymbolStore: SymbolStore in the LMDB env's "symbols" database.
//   <debug_file>/<DEBUG_ID>        converted blob (stored as is: already
//   compact) text/<debug_file>/<DEBUG_ID>   original .sym text (blob codec)
// and missing-symbols records in the "missing_symbols" database, code-id
// index entries in "meta" (keys.h).
// Blobs are copied out of the map on Get: reading them in place would need a
// read transaction held for as long as the symbols are in use, which pins old
// pages and blocks map growth. One copy per load is cheap next to parsing
// text, and callers keep the result cached.
// Texts are read for download the same way (OpenSymText): the compressed
// bytes (about a fifth of the text) are copied out in one short read
// transaction and inflated piece by piece as the client takes them, so a
// slow client never holds a transaction. Concurrent downloads of one module
// share that copy (it is dropped with the last reader, and not shared past a
// PutSymbols in this process).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "app/base/thread_annotations.h"
#include "store/lmdb/env.h"
#include "store/symbol_store.h"

namespace crashbox::store::lmdb {

class LmdbSymbolStore final : public SymbolStore {
 public:
  // `env` must outlive the store.
  explicit LmdbSymbolStore(Env& env) : env_(env) {}

  Status PutSymbols(const SymbolKey& key, std::string_view blob,
                    std::string sym_text) override;
  Result<std::shared_ptr<const std::string>> GetBlob(
      const SymbolKey& key) override;
  Result<std::string> GetSymText(const SymbolKey& key) override;
  Result<std::unique_ptr<SymTextReader>> OpenSymText(
      const SymbolKey& key) override;
  Status HasSymText(const SymbolKey& key) override;
  Result<std::vector<SymbolKey>> List(const std::string& debug_file_prefix,
                                      size_t limit) override;
  Status PutCodeId(const std::string& code_file, const std::string& code_id,
                   const SymbolKey& key) override;
  Result<SymbolKey> FindByCodeId(const std::string& code_file,
                                 const std::string& code_id) override;
  Status RecordMissing(const std::string& crash_id,
                       const std::vector<MissingModule>& modules,
                       int64_t now_ms, size_t max_crash_ids) override;
  Result<std::vector<MissingSymbols>> ListMissing() override;
  Result<std::optional<MissingSymbols>> TakeMissing(
      const SymbolKey& key) override;

 private:
  // Packed texts being downloaded, by text key; valid while `generation`
  // equals text_generation_ (every PutSymbols moves it on).
  struct SharedText {
    uint64_t generation = 0;
    std::weak_ptr<const std::string> packed;
  };
  Env& env_;
  std::mutex text_mu_;
  uint64_t text_generation_ CB_GUARDED_BY(text_mu_) = 0;
  std::unordered_map<std::string, SharedText> shared_texts_
      CB_GUARDED_BY(text_mu_);
};

}  // namespace crashbox::store::lmdb
