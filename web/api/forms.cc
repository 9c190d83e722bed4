// SPDX-License-Identifier: MPL-2.0
#include "web/api/forms.h"

#include <nlohmann/json.hpp>

#include "app/base/strings.h"

namespace crashbox::web {

std::optional<Params> ReadForm(Request& req, Response& resp, size_t max_bytes) {
  std::string body;
  char buf[4096];
  while (true) {
    Result<size_t> got = req.read_body(buf, sizeof buf);
    if (!got.ok() || body.size() + got.value() > max_bytes) {
      ErrorJson(resp, 413, "form too large");
      return std::nullopt;
    }
    if (got.value() == 0) break;
    body.append(buf, got.value());
  }
  return ParseQuery(body);
}

std::string FormField(const Params& form, std::string_view name) {
  for (const auto& [k, v] : form) {
    if (k == name) return v;
  }
  return "";
}

std::vector<std::string> FormValues(const Params& form, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& [k, v] : form) {
    if (k == name && !v.empty()) out.push_back(v);
  }
  return out;
}

void ErrorJson(Response& resp, int status, std::string_view message) {
  resp.Json(status, nlohmann::json{{"error", base::Utf8Lossy(message)}}.dump());
}

void ReplyJson(Response& resp, int status, const nlohmann::json& body) {
  resp.Json(status, body.dump(-1, ' ', false,
                              nlohmann::json::error_handler_t::replace));
}

}  // namespace crashbox::web
