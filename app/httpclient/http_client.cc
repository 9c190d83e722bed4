// SPDX-License-Identifier: MPL-2.0
#include "app/httpclient/http_client.h"

#include <curl/curl.h>

#include <fmt/format.h>

#include "app/base/shared_library.h"
#include "app/base/strings.h"

namespace crashbox::httpclient {
namespace {

// libcurl is loaded on first use (see app/base/shared_library.h): it brings
// some 27 shared libraries (TLS, LDAP, SSH, ...) whose mapping would otherwise
// slow the start of every command, including those that never speak HTTP.
#define CB_CURL_FUNCTIONS(X)           \
  X(global_init, curl_global_init)     \
  X(easy_init, curl_easy_init)         \
  X(easy_cleanup, curl_easy_cleanup)   \
  X(easy_reset, curl_easy_reset)       \
  X(easy_setopt, curl_easy_setopt)     \
  X(easy_perform, curl_easy_perform)   \
  X(easy_getinfo, curl_easy_getinfo)   \
  X(easy_strerror, curl_easy_strerror) \
  X(slist_append, curl_slist_append)   \
  X(slist_free_all, curl_slist_free_all)

struct Curl {
  static constexpr const char* kSoname = "libcurl.so.4";
  CB_SHARED_LIBRARY_FUNCTIONS(CB_CURL_FUNCTIONS)
  void OnLoad() const { global_init(CURL_GLOBAL_DEFAULT); }
};

const base::LazyLibrary<Curl>& Loaded() {
  return base::LazyLibrary<Curl>::Get();
}
const Curl& Lib() { return *Loaded(); }

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
  curl_ = Loaded().ok() ? Lib().easy_init() : nullptr;
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
  return Status::Unavailable("HTTP client: " + Loaded().error());
}

}  // namespace crashbox::httpclient
