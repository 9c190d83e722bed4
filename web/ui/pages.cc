// SPDX-License-Identifier: MPL-2.0
#include "web/ui/pages.h"

#include "assets/embedded.h"

namespace crashbox::web {

Handler MakeAssetHandler(std::string path, std::string content_type) {
  return [path = std::move(path), content_type = std::move(content_type)](
             Request&, Response& resp) {
    std::optional<std::string_view> data = assets::Find(path);
    if (!data) {
      resp.Text(404, "Not Found\n");
      return;
    }
    resp.status = 200;
    resp.content_type = content_type;
    resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
    resp.headers.emplace_back("Content-Security-Policy",
                              "default-src 'self'; script-src 'unsafe-inline'; "
                              "style-src 'unsafe-inline'");
    resp.body = std::string(*data);
  };
}

}  // namespace crashbox::web
