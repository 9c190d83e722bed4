// SPDX-License-Identifier: MPL-2.0
#include "app/submitter/submitter.h"

#include <fmt/format.h>

#include "app/base/gzip.h"
#include "app/base/strings.h"
#include "app/wire/multipart_writer.h"

namespace crashbox::submitter {

std::string SubmitUrl(const std::string& url) {
  std::string u = url;
  size_t scheme = u.find("://");
  size_t path = u.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path == std::string::npos) return u + "/submit";
  if (path == u.size() - 1) return u + "submit";
  return u;
}

Submitter::Submitter(SubmitOptions options)
    : options_(std::move(options)), client_(options_.timeout_ms) {}

Result<std::string> Submitter::Submit(const CrashPayload& payload) {
  wire::MultipartWriter writer;
  std::string body = wire::EncodeCrashReport(payload.annotations, payload.dumps,
                                             options_.json_extra, writer);
  std::vector<std::string> headers = {"Content-Type: " + writer.ContentType()};
  if (options_.gzip) {
    body = base::Gzip(AsBytes(body));
    headers.push_back("Content-Encoding: gzip");
  }
  if (!options_.bearer_token.empty())
    headers.push_back("Authorization: Bearer " + options_.bearer_token);
  CB_ASSIGN_OR_RETURN(httpclient::HttpResponse resp,
                      client_.Post(SubmitUrl(options_.url), body, headers));
  std::string_view text = base::Trim(resp.body);
  if (resp.status == 200 && text.starts_with("CrashID=bp-"))
    return std::string(text.substr(11));
  std::string shown =
      text.empty() ? "(empty body)" : std::string(text.substr(0, 200));
  if (resp.status >= 500 || resp.status == 429) {
    return Status::Unavailable(fmt::format("HTTP {}: {}", resp.status, shown));
  }
  return Status::InvalidArgument(
      fmt::format("HTTP {}: {}", resp.status, shown));
}

}  // namespace crashbox::submitter
