// SPDX-License-Identifier: MPL-2.0
#include "store/lmdb/symbol_store.h"

#include <fmt/format.h>

#include "app/base/gzip.h"

namespace crashbox::store::lmdb {
namespace {

Status CheckKey(const SymbolKey& key) {
  // Keys become symbol-server paths: no separators, no traversal, bounded.
  auto bad = [](const std::string& s) {
    return s.empty() || s.size() > 512 || s.find('/') != std::string::npos ||
           s.find('\\') != std::string::npos || s == "." || s == ".." || s.find('\0') != std::string::npos;
  };
  if (bad(key.debug_file) || bad(key.debug_id)) {
    return Status::InvalidArgument(fmt::format("bad symbol key {}/{}", key.debug_file, key.debug_id));
  }
  return Status::Ok();
}

std::string BlobKey(const SymbolKey& k) { return k.debug_file + "/" + k.debug_id; }
std::string TextKey(const SymbolKey& k) { return "text/" + k.debug_file + "/" + k.debug_id; }

}  // namespace

Status LmdbSymbolStore::PutSymbols(const SymbolKey& key, const std::string& blob, const std::string& sym_text) {
  CB_RETURN_IF_ERROR(CheckKey(key));
  std::string packed_text = sym_text.empty() ? std::string() : base::PackBlob(AsBytes(sym_text), 6);
  return env_.Write(blob.size() + packed_text.size(), [&](WriteTxn& txn) -> Status {
    CB_RETURN_IF_ERROR(txn.Put(Db::kSymbols, BlobKey(key), blob));
    if (!packed_text.empty()) CB_RETURN_IF_ERROR(txn.Put(Db::kSymbols, TextKey(key), packed_text));
    return Status::Ok();
  });
}

Result<std::shared_ptr<const std::string>> LmdbSymbolStore::GetBlob(const SymbolKey& key) {
  CB_RETURN_IF_ERROR(CheckKey(key));
  auto out = std::make_shared<std::string>();
  Status s = env_.Read([&](ReadTxn& txn) -> Status {
    CB_ASSIGN_OR_RETURN(std::string_view v, txn.Get(Db::kSymbols, BlobKey(key)));
    out->assign(v);
    return Status::Ok();
  });
  if (s.code() == Status::Code::kNotFound) return Status::NotFound(fmt::format("no symbols for {}", BlobKey(key)));
  CB_RETURN_IF_ERROR(s);
  return std::shared_ptr<const std::string>(std::move(out));
}

Result<std::string> LmdbSymbolStore::GetSymText(const SymbolKey& key) {
  CB_RETURN_IF_ERROR(CheckKey(key));
  std::string packed;
  Status s = env_.Read([&](ReadTxn& txn) -> Status {
    CB_ASSIGN_OR_RETURN(std::string_view v, txn.Get(Db::kSymbols, TextKey(key)));
    packed.assign(v);
    return Status::Ok();
  });
  if (s.code() == Status::Code::kNotFound) return Status::NotFound(fmt::format("no symbol text for {}", BlobKey(key)));
  CB_RETURN_IF_ERROR(s);
  return base::UnpackBlob(AsBytes(packed), 4ull << 30);
}

Result<std::vector<SymbolKey>> LmdbSymbolStore::List(const std::string& debug_file_prefix) {
  std::vector<SymbolKey> out;
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) -> Status {
    return txn.Scan(Db::kSymbols, debug_file_prefix, [&](std::string_view k, std::string_view) {
      if (k.starts_with("text/")) return true;
      size_t slash = k.rfind('/');
      if (slash != std::string_view::npos) {
        out.push_back(SymbolKey{std::string(k.substr(0, slash)), std::string(k.substr(slash + 1))});
      }
      return out.size() < 1000000;
    });
  }));
  return out;
}

}  // namespace crashbox::store::lmdb
