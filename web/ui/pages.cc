// SPDX-License-Identifier: MPL-2.0
#include "web/ui/pages.h"

#include <string_view>

#include "app/collector/crash_id.h"
#include "assets/embedded.h"

namespace crashbox::web {
namespace {

void Send(Response& resp, std::string_view data,
          const std::string& content_type) {
  resp.status = 200;
  resp.content_type = content_type;
  resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
  resp.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; script-src 'self'; style-src 'self'; "
      "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
      "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
  resp.headers.emplace_back("X-Frame-Options", "DENY");
  resp.headers.emplace_back("Referrer-Policy", "same-origin");
  resp.body = std::string(data);
}

std::string ContentTypeOf(std::string_view name) {
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

}  // namespace

Handler MakeAssetHandler(std::string path, std::string content_type) {
  return [path = std::move(path), content_type = std::move(content_type)](
             Request&, Response& resp) {
    std::optional<std::string_view> data = assets::Find(path);
    if (!data) {
      resp.Text(404, "Not Found\n");
      return;
    }
    Send(resp, *data, content_type);
  };
}

Handler MakeStaticHandler() {
  return [](Request& req, Response& resp) {
    constexpr std::string_view kPrefix = "/static/";
    std::string_view name = std::string_view(req.path).substr(kPrefix.size());
    // Our files in one flat folder, third-party ones (ui-vendor/, embedded
    // as ui/vendor/) in vendor/: no other sub-paths, no dot files.
    std::string_view file = name;
    if (file.starts_with("vendor/")) file.remove_prefix(7);
    std::optional<std::string_view> data;
    if (!file.empty() && file.find('/') == std::string_view::npos &&
        file[0] != '.')
      data = assets::Find("ui/" + std::string(name));
    if (!data) {
      resp.Text(404, "Not Found\n");
      return;
    }
    Send(resp, *data, ContentTypeOf(name));
    resp.headers.emplace_back("Cache-Control", "no-cache");
  };
}

Handler MakeReportPageHandler() {
  return [page =
              MakeAssetHandler("html/report.html", "text/html; charset=utf-8")](
             Request& req, Response& resp) {
    constexpr std::string_view kPrefix = "/report/index/";
    std::string_view given = std::string_view(req.path).substr(kPrefix.size());
    std::string id = collector::ParseCrashId(given);
    if (id.empty()) {
      resp.Text(400, "Invalid crash ID\n");
      return;
    }
    if (id != given) {
      resp.status = 302;
      resp.headers.emplace_back("Location", std::string(kPrefix) + id);
      return;
    }
    page(req, resp);
    // The page's first two requests, started while its scripts load (the
    // report view's time to data: issue 14 asks for 100 ms).
    // `crossorigin` makes the preloads match the scripts' fetch() calls.
    resp.headers.emplace_back(
        "Link", "</api/ProcessedCrash/?crash_id=" + id +
                    ">; rel=preload; as=fetch; crossorigin, "
                    "</api/Session/>; rel=preload; as=fetch; crossorigin");
  };
}

}  // namespace crashbox::web
