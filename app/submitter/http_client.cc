// SPDX-License-Identifier: MPL-2.0
#include "app/submitter/http_client.h"

#include <curl/curl.h>

#include <mutex>

#include <fmt/format.h>

#include "app/base/shared_library.h"
#include "app/base/strings.h"

namespace crashbox::submitter {
namespace {

// libcurl is loaded on first use (see app/base/shared_library.h): it brings
// some 27 shared libraries (TLS, LDAP, SSH, ...) whose mapping would otherwise
// slow the start of every command, including those that never speak HTTP.
struct Curl {
  decltype(&curl_global_init) global_init;
  decltype(&curl_easy_init) easy_init;
  decltype(&curl_easy_cleanup) easy_cleanup;
  decltype(&curl_easy_reset) easy_reset;
  decltype(&curl_easy_setopt) easy_setopt;
  decltype(&curl_easy_perform) easy_perform;
  decltype(&curl_easy_getinfo) easy_getinfo;
  decltype(&curl_easy_strerror) easy_strerror;
  decltype(&curl_slist_append) slist_append;
  decltype(&curl_slist_free_all) slist_free_all;
  std::string error;  // empty when loaded
};

const Curl& Lib() {
  static const Curl lib = [] {
    static base::SharedLibrary so("libcurl.so.4");
    Curl c{};
    so.Get("curl_global_init", &c.global_init);
    so.Get("curl_easy_init", &c.easy_init);
    so.Get("curl_easy_cleanup", &c.easy_cleanup);
    so.Get("curl_easy_reset", &c.easy_reset);
    so.Get("curl_easy_setopt", &c.easy_setopt);
    so.Get("curl_easy_perform", &c.easy_perform);
    so.Get("curl_easy_getinfo", &c.easy_getinfo);
    so.Get("curl_easy_strerror", &c.easy_strerror);
    so.Get("curl_slist_append", &c.slist_append);
    so.Get("curl_slist_free_all", &c.slist_free_all);
    c.error = so.error();
    if (c.error.empty()) c.global_init(CURL_GLOBAL_DEFAULT);
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
    static_cast<HttpResponse*>(user)->headers.emplace_back(
        std::string(base::Trim(line.substr(0, colon))),
        std::string(base::Trim(line.substr(colon + 1))));
  }
  return size * n;
}

}  // namespace

HttpClient::HttpClient(long timeout_ms) : timeout_ms_(timeout_ms) {
  curl_ = Lib().error.empty() ? Lib().easy_init() : nullptr;
}

HttpClient::~HttpClient() {
  if (curl_) Lib().easy_cleanup(static_cast<CURL*>(curl_));
}

Result<HttpResponse> HttpClient::Post(const std::string& url,
                                      const std::string& body,
                                      const std::vector<std::string>& headers) {
  if (!curl_) return Unloaded();
  CURL* c = static_cast<CURL*>(curl_);
  Lib().easy_reset(c);
  Lib().easy_setopt(c, CURLOPT_POST, 1L);
  Lib().easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  Lib().easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                    static_cast<curl_off_t>(body.size()));
  return Perform(url, headers);
}

Result<HttpResponse> HttpClient::Get(const std::string& url,
                                     const std::vector<std::string>& headers) {
  if (!curl_) return Unloaded();
  CURL* c = static_cast<CURL*>(curl_);
  Lib().easy_reset(c);
  Lib().easy_setopt(c, CURLOPT_HTTPGET, 1L);
  return Perform(url, headers);
}

Result<HttpResponse> HttpClient::Perform(
    const std::string& url, const std::vector<std::string>& headers) {
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
  if (sink.over)
    return Status::LimitExceeded(
        fmt::format("{}: response larger than {} bytes", url, max_body_bytes_));
  if (rc != CURLE_OK)
    return Status::Unavailable(
        fmt::format("{}: {}", url, lib.easy_strerror(rc)));
  lib.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

Status HttpClient::Unloaded() {
  return Status::Unavailable("HTTP client: " + Lib().error);
}

}  // namespace crashbox::submitter
