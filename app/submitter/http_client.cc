// SPDX-License-Identifier: MPL-2.0
#include "app/submitter/http_client.h"

#include <curl/curl.h>
#include <dlfcn.h>

#include <mutex>

#include <fmt/format.h>

#include "app/base/strings.h"

namespace crashbox::submitter {
namespace {

// libcurl is loaded on first use: it brings some 27 shared libraries (TLS,
// LDAP, SSH, ...) whose mapping would otherwise slow the start of every
// command, including the ones that never speak HTTP (stackwalk, config).
struct Curl {
  CURLcode (*global_init)(long);
  CURL* (*easy_init)();
  void (*easy_cleanup)(CURL*);
  void (*easy_reset)(CURL*);
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
  CURLcode (*easy_perform)(CURL*);
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
  const char* (*easy_strerror)(CURLcode);
  curl_slist* (*slist_append)(curl_slist*, const char*);
  void (*slist_free_all)(curl_slist*);
  bool ok = false;
};

const Curl& Lib() {
  static const Curl lib = [] {
    Curl c{};
    void* h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (h == nullptr) return c;
    auto sym = [h](const char* name) { return dlsym(h, name); };
    c.global_init = reinterpret_cast<decltype(c.global_init)>(sym("curl_global_init"));
    c.easy_init = reinterpret_cast<decltype(c.easy_init)>(sym("curl_easy_init"));
    c.easy_cleanup = reinterpret_cast<decltype(c.easy_cleanup)>(sym("curl_easy_cleanup"));
    c.easy_reset = reinterpret_cast<decltype(c.easy_reset)>(sym("curl_easy_reset"));
    c.easy_setopt = reinterpret_cast<decltype(c.easy_setopt)>(sym("curl_easy_setopt"));
    c.easy_perform = reinterpret_cast<decltype(c.easy_perform)>(sym("curl_easy_perform"));
    c.easy_getinfo = reinterpret_cast<decltype(c.easy_getinfo)>(sym("curl_easy_getinfo"));
    c.easy_strerror = reinterpret_cast<decltype(c.easy_strerror)>(sym("curl_easy_strerror"));
    c.slist_append = reinterpret_cast<decltype(c.slist_append)>(sym("curl_slist_append"));
    c.slist_free_all = reinterpret_cast<decltype(c.slist_free_all)>(sym("curl_slist_free_all"));
    c.ok = c.global_init && c.easy_init && c.easy_cleanup && c.easy_reset && c.easy_setopt && c.easy_perform &&
           c.easy_getinfo && c.easy_strerror && c.slist_append && c.slist_free_all;
    if (c.ok) c.global_init(CURL_GLOBAL_DEFAULT);
    return c;
  }();
  return lib;
}

struct BodySink {
  HttpResponse* resp;
  uint64_t max_bytes;  // 0 = no cap
  bool over = false;
};

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  if (sink->max_bytes && sink->resp->body.size() + size * n > sink->max_bytes) {
    sink->over = true;
    return 0;  // aborts the transfer
  }
  sink->resp->body.append(data, size * n);
  return size * n;
}

size_t WriteHeader(char* data, size_t size, size_t n, void* user) {
  std::string_view line(data, size * n);
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    static_cast<HttpResponse*>(user)->headers.emplace_back(std::string(base::Trim(line.substr(0, colon))),
                                                           std::string(base::Trim(line.substr(colon + 1))));
  }
  return size * n;
}

}  // namespace

HttpClient::HttpClient(long timeout_ms) : timeout_ms_(timeout_ms) {
  curl_ = Lib().ok ? Lib().easy_init() : nullptr;
}

HttpClient::~HttpClient() {
  if (curl_) Lib().easy_cleanup(static_cast<CURL*>(curl_));
}

Result<HttpResponse> HttpClient::Post(const std::string& url, const std::string& body,
                                      const std::vector<std::string>& headers) {
  if (!curl_) return Unloaded();
  CURL* c = static_cast<CURL*>(curl_);
  Lib().easy_reset(c);
  Lib().easy_setopt(c, CURLOPT_POST, 1L);
  Lib().easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  Lib().easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  return Perform(url, headers);
}

Result<HttpResponse> HttpClient::Get(const std::string& url, const std::vector<std::string>& headers) {
  if (!curl_) return Unloaded();
  CURL* c = static_cast<CURL*>(curl_);
  Lib().easy_reset(c);
  Lib().easy_setopt(c, CURLOPT_HTTPGET, 1L);
  return Perform(url, headers);
}

Result<HttpResponse> HttpClient::Perform(const std::string& url, const std::vector<std::string>& headers) {
  const Curl& lib = Lib();
  CURL* c = static_cast<CURL*>(curl_);
  HttpResponse resp;
  curl_slist* list = nullptr;
  for (const std::string& h : headers) list = lib.slist_append(list, h.c_str());
  list = lib.slist_append(list, "Expect:");  // no 100-continue round trip
  lib.easy_setopt(c, CURLOPT_URL, url.c_str());
  lib.easy_setopt(c, CURLOPT_HTTPHEADER, list);
  lib.easy_setopt(c, CURLOPT_WRITEFUNCTION, WriteBody);
  BodySink sink{&resp, max_body_bytes_};
  lib.easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  if (follow_redirects_) {
    lib.easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    lib.easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    lib.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  }
  lib.easy_setopt(c, CURLOPT_HEADERFUNCTION, WriteHeader);
  lib.easy_setopt(c, CURLOPT_HEADERDATA, &resp);
  lib.easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms_);
  lib.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 10000L);
  lib.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  lib.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  lib.easy_setopt(c, CURLOPT_USERAGENT, "crashbox-submit/0.1");
  CURLcode rc = lib.easy_perform(c);
  lib.slist_free_all(list);
  if (sink.over) return Status::LimitExceeded(fmt::format("{}: response larger than {} bytes", url, max_body_bytes_));
  if (rc != CURLE_OK) return Status::Unavailable(fmt::format("{}: {}", url, lib.easy_strerror(rc)));
  lib.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

Status HttpClient::Unloaded() {
  return Status::Unavailable("libcurl.so.4 could not be loaded (install Debian's libcurl4)");
}

}  // namespace crashbox::submitter
