// SPDX-License-Identifier: MPL-2.0
#include "web/http/request.h"

#include "app/base/strings.h"

namespace crashbox::web {

std::optional<std::string> Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (base::EqualsIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

Params Request::Query() const { return ParseQuery(query_string); }

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  for (auto& [k, v] : Query()) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::optional<std::string> PercentDecode(std::string_view s, bool form) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+' && form) {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      auto hex = [](char h) -> int {
        if (h >= '0' && h <= '9') return h - '0';
        if (h >= 'a' && h <= 'f') return h - 'a' + 10;
        if (h >= 'A' && h <= 'F') return h - 'A' + 10;
        return -1;
      };
      int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Params ParseQuery(std::string_view query) {
  Params out;
  if (query.empty()) return out;
  for (std::string_view pair : base::Split(query, '&')) {
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::optional<std::string> k = PercentDecode(pair.substr(0, eq), true);
    std::optional<std::string> v =
        PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (k && v) out.emplace_back(std::move(*k), std::move(*v));
  }
  return out;
}

}  // namespace crashbox::web
