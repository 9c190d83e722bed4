// SPDX-License-Identifier: MPL-2.0
// UpstreamSupplier: on a miss, fetches <url>/<debug_file>/<DEBUG_ID>/<name>.sym
// from configured symbol servers (Tecken, another crashbox, any Breakpad
// symbol-server layout over HTTP, see symbol_path.h) and hands the text to its
// owner to store (the symbol service checks it like an upload, MODULE line
// must agree, converts it once and stores it), so each module is downloaded
// once.
// A module no server has is remembered as missing for miss_ttl, so a module
// without symbols does not cost a download per crash.
//
// Only http and https URLs are accepted (redirects too); with allowed_hosts,
// only those hosts. Thread-safe: each Find uses its own HTTP client; two
// concurrent misses of the same module may both download it (the second
// store is skipped as identical).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/base/status.h"
#include "app/base/thread_annotations.h"
#include "app/symbols/suppliers/symbol_supplier.h"
#include "app/symbols/suppliers/upstream_options.h"

namespace crashbox::symbols {

// kInvalidArgument unless `url` is http(s)://host[:port][/path] with a host
// in `allowed_hosts` (when not empty).
Status CheckUpstreamUrl(const std::string& url,
                        const std::vector<std::string>& allowed_hosts);

class UpstreamSupplier final : public SymbolSupplier {
 public:
  // Stores a downloaded text under its symbol-server path
  // (<debug_file>/<DEBUG_ID>/<name>.sym). Returns why the text was rejected
  // (empty when it was stored, or skipped as already stored), or the store's
  // failure. Called from any thread.
  using StoreText = std::function<Result<std::string>(const std::string& path,
                                                      std::string_view text)>;

  // `store` keeps what was fetched (the symbol service's uploader, which so
  // fires its reprocessing hook); `fetch_stored` reads a stored blob back as
  // a SymbolFile (the store's supplier) and must outlive this supplier.
  UpstreamSupplier(UpstreamOptions options, StoreText store,
                   SymbolSupplier& fetch_stored);

  Result<std::shared_ptr<const SymbolFile>> Find(const ModuleKey& key) override;
  // Fetches and stores now, ignoring remembered misses. kNotFound when no
  // server has the module, kCorrupt when what they have fails the checks.
  Result<std::string> Fetch(const ModuleKey& key);

  struct Downloaded {
    std::string path;  // <debug_file>/<DEBUG_ID>/<name>.sym
    std::string text;
    std::string url;  // where it came from
  };
  // Downloads without storing (`crashbox symbols fetch` beside a server).
  static Result<Downloaded> Download(const UpstreamOptions& options,
                                     const ModuleKey& key);

  uint64_t downloads() const;

 private:
  const UpstreamOptions options_;
  const StoreText store_;
  SymbolSupplier& stored_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>,
           std::chrono::steady_clock::time_point>
      misses_ CB_GUARDED_BY(mu_);
  uint64_t downloads_ CB_GUARDED_BY(mu_) = 0;
};

}  // namespace crashbox::symbols
