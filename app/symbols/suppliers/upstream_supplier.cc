// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/suppliers/upstream_supplier.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "app/base/gzip.h"
#include "app/base/log.h"
#include "app/httpclient/http_client.h"
#include "app/symbols/suppliers/symbol_path.h"

namespace crashbox::symbols {
namespace {

std::string Lower(std::string s) {
  for (char& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

Status CheckUpstreamUrl(const std::string& url,
                        const std::vector<std::string>& allowed_hosts) {
  std::string l = Lower(url);
  size_t scheme_end = l.starts_with("http://")    ? 7
                      : l.starts_with("https://") ? 8
                                                  : 0;
  if (scheme_end == 0)
    return Status::InvalidArgument(
        fmt::format("symbol server {} is not http or https", url));
  size_t host_end = l.find_first_of("/?#", scheme_end);
  std::string authority = l.substr(scheme_end, host_end == std::string::npos
                                                   ? std::string::npos
                                                   : host_end - scheme_end);
  if (authority.find('@') != std::string::npos) {
    return Status::InvalidArgument(fmt::format(
        "symbol server {}: credentials in URLs are not accepted", url));
  }
  std::string host = authority;
  if (host.starts_with("[")) {
    host = host.substr(0, host.find(']') + 1);
  } else if (size_t colon = host.find(':'); colon != std::string::npos) {
    host.resize(colon);
  }
  if (host.empty())
    return Status::InvalidArgument(
        fmt::format("symbol server {} has no host", url));
  if (!allowed_hosts.empty() &&
      std::none_of(allowed_hosts.begin(), allowed_hosts.end(),
                   [&](const std::string& h) { return Lower(h) == host; })) {
    return Status::InvalidArgument(
        fmt::format("symbol server host {} is not in the allowed hosts", host));
  }
  return Status::Ok();
}

UpstreamSupplier::UpstreamSupplier(UpstreamOptions options, StoreText store,
                                   SymbolSupplier& fetch_stored)
    : options_(std::move(options)),
      store_(std::move(store)),
      stored_(fetch_stored) {}

uint64_t UpstreamSupplier::downloads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return downloads_;
}

Result<UpstreamSupplier::Downloaded> UpstreamSupplier::Download(
    const UpstreamOptions& options, const ModuleKey& key) {
  std::string debug_file = Leaf(key.debug_file);
  std::string rel = fmt::format("{}/{}/{}", debug_file, key.debug_id,
                                SymFileName(debug_file));
  CB_ASSIGN_OR_RETURN(ModuleKey checked, ParseSymbolPath(rel));
  rel = fmt::format("{}/{}/{}", checked.debug_file, checked.debug_id,
                    SymFileName(checked.debug_file));
  httpclient::HttpClient http(options.timeout_ms);
  http.set_max_body_bytes(options.max_sym_bytes);
  http.set_follow_redirects(true);
  Status last = Status::NotFound(fmt::format("no symbol server has {}", rel));
  for (std::string base : options.urls) {
    if (Status ok = CheckUpstreamUrl(base, options.allowed_hosts); !ok.ok()) {
      last = ok;
      continue;
    }
    while (base.ends_with('/')) base.pop_back();
    std::string url = base + "/" + rel;
    Result<httpclient::HttpResponse> r = http.Get(url);
    if (!r.ok()) {
      CB_LOG_WARNING("symbols: {}: {}", url, r.status().ToString());
      last = r.status();
      continue;
    }
    if (r->status != 200) continue;  // 404 and the like: try the next server
    std::string text = std::move(r->body);
    if (text.size() >= 2 && static_cast<unsigned char>(text[0]) == 0x1f &&
        static_cast<unsigned char>(text[1]) == 0x8b) {
      Result<std::string> plain =
          base::Gunzip(AsBytes(text), options.max_sym_bytes);
      if (!plain.ok()) {
        last = plain.status();
        continue;
      }
      text = std::move(plain).value();
    }
    return Downloaded{rel, std::move(text), url};
  }
  return last;
}

Result<std::string> UpstreamSupplier::Fetch(const ModuleKey& key) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++downloads_;
  }
  CB_ASSIGN_OR_RETURN(Downloaded d, Download(options_, key));
  CB_ASSIGN_OR_RETURN(std::string rejected, store_(d.path, d.text));
  if (!rejected.empty()) {
    Status bad = Status::Corrupt(fmt::format("{}: {}", d.url, rejected));
    CB_LOG_WARNING("symbols: {}", bad.message());
    return bad;
  }
  return std::move(d.text);
}

Result<std::shared_ptr<const SymbolFile>> UpstreamSupplier::Find(
    const ModuleKey& key) {
  if (options_.urls.empty())
    return Status::NotFound("no symbol servers configured");
  auto miss_key = std::make_pair(Leaf(key.debug_file), key.debug_id);
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = misses_.find(miss_key);
    if (it != misses_.end() && now < it->second) {
      return Status::NotFound(fmt::format("{}/{}: missed upstream recently",
                                          miss_key.first, key.debug_id));
    }
    if (misses_.size() > 100000)
      misses_.clear();  // bound memory; worst case a few extra downloads
  }
  Result<std::string> text = Fetch(key);
  if (!text.ok()) {
    if (text.status().code() != Status::Code::kInvalidArgument) {
      std::lock_guard<std::mutex> lock(mu_);
      misses_[miss_key] = now + options_.miss_ttl;
    }
    return Status::NotFound(text.status().message());
  }
  return stored_.Find(ModuleKey{miss_key.first, key.debug_id});
}

}  // namespace crashbox::symbols
