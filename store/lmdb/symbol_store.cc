// SPDX-License-Identifier: MPL-2.0
#include "store/lmdb/symbol_store.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "app/base/gzip.h"
#include "store/lmdb/keys.h"

namespace crashbox::store::lmdb {
namespace {

Status CheckKey(const SymbolKey& key) {
  // Keys become symbol-server paths: no separators, no traversal, bounded.
  auto bad = [](const std::string& s) {
    return s.empty() || s.size() > 512 || s.find('/') != std::string::npos ||
           s.find('\\') != std::string::npos || s == "." || s == ".." ||
           s.find('\0') != std::string::npos;
  };
  if (bad(key.debug_file) || bad(key.debug_id)) {
    return Status::InvalidArgument(
        fmt::format("bad symbol key {}/{}", key.debug_file, key.debug_id));
  }
  return Status::Ok();
}

std::string BlobKey(const SymbolKey& k) {
  return k.debug_file + "/" + k.debug_id;
}
std::string TextKey(const SymbolKey& k) {
  return "text/" + k.debug_file + "/" + k.debug_id;
}

}  // namespace

Status LmdbSymbolStore::PutSymbols(const SymbolKey& key, std::string_view blob,
                                   std::string sym_text) {
  CB_RETURN_IF_ERROR(CheckKey(key));
  std::string packed_text =
      sym_text.empty() ? std::string() : base::PackBlob(AsBytes(sym_text), 1);
  std::string().swap(
      sym_text);  // the write copies blob and packed text into pages of its own
  Status s = env_.Write(
      blob.size() + packed_text.size(), [&](WriteTxn& txn) -> Status {
        CB_RETURN_IF_ERROR(txn.Put(Db::kSymbols, BlobKey(key), blob));
        if (!packed_text.empty())
          CB_RETURN_IF_ERROR(txn.Put(Db::kSymbols, TextKey(key), packed_text));
        return Status::Ok();
      });
  // After the commit: a download starting now must read the new text.
  std::lock_guard<std::mutex> lock(text_mu_);
  ++text_generation_;
  shared_texts_.erase(TextKey(key));
  return s;
}

Result<std::shared_ptr<const std::string>> LmdbSymbolStore::GetBlob(
    const SymbolKey& key) {
  CB_RETURN_IF_ERROR(CheckKey(key));
  auto out = std::make_shared<std::string>();
  Status s = env_.Read([&](ReadTxn& txn) -> Status {
    CB_ASSIGN_OR_RETURN(std::string_view v,
                        txn.Get(Db::kSymbols, BlobKey(key)));
    out->assign(v);
    return Status::Ok();
  });
  if (s.code() == Status::Code::kNotFound)
    return Status::NotFound(fmt::format("no symbols for {}", BlobKey(key)));
  CB_RETURN_IF_ERROR(s);
  return std::shared_ptr<const std::string>(std::move(out));
}

Result<std::string> LmdbSymbolStore::GetSymText(const SymbolKey& key) {
  CB_RETURN_IF_ERROR(CheckKey(key));
  std::string packed;
  Status s = env_.Read([&](ReadTxn& txn) -> Status {
    CB_ASSIGN_OR_RETURN(std::string_view v,
                        txn.Get(Db::kSymbols, TextKey(key)));
    packed.assign(v);
    return Status::Ok();
  });
  if (s.code() == Status::Code::kNotFound)
    return Status::NotFound(fmt::format("no symbol text for {}", BlobKey(key)));
  CB_RETURN_IF_ERROR(s);
  return base::UnpackBlob(AsBytes(packed), 4ull << 30);
}

namespace {

// Inflates a packed text as the client takes it; owns (a share of) the copy.
class PackedTextReader final : public SymTextReader {
 public:
  explicit PackedTextReader(std::shared_ptr<const std::string> packed)
      : packed_(std::move(packed)), reader_(AsBytes(*packed_)) {}
  Result<size_t> Read(char* buf, size_t n) override {
    return reader_.Read(reinterpret_cast<uint8_t*>(buf), n);
  }

 private:
  std::shared_ptr<const std::string> packed_;
  base::BlobReader reader_;
};

}  // namespace

Result<std::unique_ptr<SymTextReader>> LmdbSymbolStore::OpenSymText(
    const SymbolKey& key) {
  CB_RETURN_IF_ERROR(CheckKey(key));
  std::string text_key = TextKey(key);
  std::shared_ptr<const std::string> packed;
  // Held across the copy, so that downloads starting together make one copy
  // (copies are a memcpy each; they wait for one another, reads do not).
  std::lock_guard<std::mutex> lock(text_mu_);
  auto it = shared_texts_.find(text_key);
  if (it != shared_texts_.end() && it->second.generation == text_generation_)
    packed = it->second.packed.lock();
  if (!packed) {
    // One copy of the compressed bytes, taken in a short read transaction:
    // holding one for a slow client's whole download would pin old pages.
    auto copy = std::make_shared<std::string>();
    Status s = env_.Read([&](ReadTxn& txn) -> Status {
      CB_ASSIGN_OR_RETURN(std::string_view v, txn.Get(Db::kSymbols, text_key));
      copy->assign(v);
      return Status::Ok();
    });
    if (s.code() == Status::Code::kNotFound) {
      return Status::NotFound(
          fmt::format("no symbol text for {}", BlobKey(key)));
    }
    CB_RETURN_IF_ERROR(s);
    packed = std::move(copy);
    if (shared_texts_.size() >= 64) {
      std::erase_if(shared_texts_,
                    [](const auto& e) { return e.second.packed.expired(); });
    }
    // A PutSymbols committing while this copy was taken moves the
    // generation on after its commit, so a stale copy is not shared again.
    shared_texts_[text_key] = SharedText{text_generation_, packed};
  }
  return std::unique_ptr<SymTextReader>(
      std::make_unique<PackedTextReader>(std::move(packed)));
}

Status LmdbSymbolStore::HasSymText(const SymbolKey& key) {
  CB_RETURN_IF_ERROR(CheckKey(key));
  Status s = env_.Read([&](ReadTxn& txn) -> Status {
    return txn.Get(Db::kSymbols, TextKey(key)).status();
  });
  if (s.code() == Status::Code::kNotFound)
    return Status::NotFound(fmt::format("no symbol text for {}", BlobKey(key)));
  return s;
}

Result<std::vector<SymbolKey>> LmdbSymbolStore::List(
    const std::string& debug_file_prefix, size_t limit) {
  std::vector<SymbolKey> out;
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) -> Status {
    return txn.Scan(
        Db::kSymbols, debug_file_prefix,
        [&](std::string_view k, std::string_view) {
          if (k.starts_with("text/")) return true;
          size_t slash = k.rfind('/');
          if (slash != std::string_view::npos) {
            out.push_back(SymbolKey{std::string(k.substr(0, slash)),
                                    std::string(k.substr(slash + 1))});
          }
          return out.size() < limit;
        });
  }));
  return out;
}

}  // namespace crashbox::store::lmdb

namespace crashbox::store::lmdb {
namespace {

std::string Clean(std::string_view s) {
  std::string out(s.substr(0, 512));
  for (char& c : out) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

std::string EncodeMissing(const MissingSymbols& m) {
  std::string v = fmt::format("{}\t{}\t{}\t{}\t{}", m.count, m.last_seen_ms,
                              Clean(m.module.code_file),
                              Clean(m.module.code_id), Clean(m.module.version));
  for (const std::string& id : m.crash_ids) v += "\n" + Clean(id);
  return v;
}

Result<MissingSymbols> DecodeMissing(std::string_view key, std::string_view v) {
  MissingSymbols m;
  size_t slash = key.rfind('/');
  if (slash == std::string_view::npos)
    return Status::Corrupt(fmt::format("missing symbols key {}", key));
  m.module.debug_file = key.substr(0, slash);
  m.module.debug_id = key.substr(slash + 1);
  std::vector<std::string> lines;
  for (size_t start = 0; start <= v.size();) {
    size_t nl = v.find('\n', start);
    if (nl == std::string_view::npos) nl = v.size();
    lines.emplace_back(v.substr(start, nl - start));
    start = nl + 1;
  }
  std::vector<std::string> f;
  for (size_t start = 0; start <= lines[0].size();) {
    size_t tab = lines[0].find('\t', start);
    if (tab == std::string::npos) tab = lines[0].size();
    f.push_back(lines[0].substr(start, tab - start));
    start = tab + 1;
  }
  if (f.size() != 5)
    return Status::Corrupt(fmt::format("missing symbols record {}", key));
  m.count = std::strtoull(f[0].c_str(), nullptr, 10);
  m.last_seen_ms = std::strtoll(f[1].c_str(), nullptr, 10);
  m.module.code_file = f[2];
  m.module.code_id = f[3];
  m.module.version = f[4];
  m.crash_ids.assign(lines.begin() + 1, lines.end());
  return m;
}

}  // namespace

Status LmdbSymbolStore::RecordMissing(const std::string& crash_id,
                                      const std::vector<MissingModule>& modules,
                                      int64_t now_ms, size_t max_crash_ids) {
  if (modules.empty()) return Status::Ok();
  for (const MissingModule& mod : modules)
    CB_RETURN_IF_ERROR(CheckKey({mod.debug_file, mod.debug_id}));
  return env_.Write(modules.size() * 256, [&](WriteTxn& txn) -> Status {
    for (const MissingModule& mod : modules) {
      std::string key = MissingSymbolsKey(mod.debug_file, mod.debug_id);
      MissingSymbols m;
      Result<std::string> old = txn.Get(Db::kMissingSymbols, key);
      if (old.ok()) {
        CB_ASSIGN_OR_RETURN(m, DecodeMissing(key, *old));
      } else if (old.status().code() != Status::Code::kNotFound) {
        return old.status();
      }
      m.module = mod;
      m.last_seen_ms = std::max(m.last_seen_ms, now_ms);
      if (std::find(m.crash_ids.begin(), m.crash_ids.end(), crash_id) ==
          m.crash_ids.end()) {
        ++m.count;
        m.crash_ids.push_back(crash_id);
        if (m.crash_ids.size() > max_crash_ids) {
          m.crash_ids.erase(
              m.crash_ids.begin(),
              m.crash_ids.end() - static_cast<ptrdiff_t>(max_crash_ids));
        }
      }
      CB_RETURN_IF_ERROR(txn.Put(Db::kMissingSymbols, key, EncodeMissing(m)));
    }
    return Status::Ok();
  });
}

Result<std::vector<MissingSymbols>> LmdbSymbolStore::ListMissing() {
  std::vector<MissingSymbols> out;
  Status bad;
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) -> Status {
    return txn.Scan(Db::kMissingSymbols, "",
                    [&](std::string_view k, std::string_view v) {
                      Result<MissingSymbols> m = DecodeMissing(k, v);
                      if (!m.ok()) {
                        bad = m.status();
                        return false;
                      }
                      out.push_back(std::move(m).value());
                      return true;
                    });
  }));
  CB_RETURN_IF_ERROR(bad);
  std::stable_sort(out.begin(), out.end(),
                   [](const MissingSymbols& a, const MissingSymbols& b) {
                     return a.count != b.count
                                ? a.count > b.count
                                : a.last_seen_ms > b.last_seen_ms;
                   });
  return out;
}

Result<std::optional<MissingSymbols>> LmdbSymbolStore::TakeMissing(
    const SymbolKey& key) {
  CB_RETURN_IF_ERROR(CheckKey(key));
  std::optional<MissingSymbols> taken;
  CB_RETURN_IF_ERROR(env_.Write(64, [&](WriteTxn& txn) -> Status {
    std::string k = MissingSymbolsKey(key.debug_file, key.debug_id);
    Result<std::string> old = txn.Get(Db::kMissingSymbols, k);
    if (!old.ok())
      return old.status().code() == Status::Code::kNotFound ? Status::Ok()
                                                            : old.status();
    CB_ASSIGN_OR_RETURN(MissingSymbols m, DecodeMissing(k, *old));
    taken = std::move(m);
    return txn.Delete(Db::kMissingSymbols, k);
  }));
  return taken;
}

Status LmdbSymbolStore::PutCodeId(const std::string& code_file,
                                  const std::string& code_id,
                                  const SymbolKey& key) {
  CB_RETURN_IF_ERROR(CheckKey({code_file, code_id}));
  CB_RETURN_IF_ERROR(CheckKey(key));
  std::string id = code_id;
  for (char& c : id)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string value = BlobKey(key);
  return env_.Write(value.size() + 64, [&](WriteTxn& txn) {
    return txn.Put(Db::kMeta, CodeIdKey(code_file, id), value);
  });
}

Result<SymbolKey> LmdbSymbolStore::FindByCodeId(const std::string& code_file,
                                                const std::string& code_id) {
  CB_RETURN_IF_ERROR(CheckKey({code_file, code_id}));
  std::string id = code_id;
  for (char& c : id)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string value;
  Status s = env_.Read([&](ReadTxn& txn) -> Status {
    CB_ASSIGN_OR_RETURN(std::string_view v,
                        txn.Get(Db::kMeta, CodeIdKey(code_file, id)));
    value.assign(v);
    return Status::Ok();
  });
  if (s.code() == Status::Code::kNotFound)
    return Status::NotFound(
        fmt::format("no symbols for code {}/{}", code_file, id));
  CB_RETURN_IF_ERROR(s);
  size_t slash = value.rfind('/');
  if (slash == std::string::npos)
    return Status::Corrupt(fmt::format("code id index {}/{}", code_file, id));
  return SymbolKey{value.substr(0, slash), value.substr(slash + 1)};
}

}  // namespace crashbox::store::lmdb
