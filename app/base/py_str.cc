// SPDX-License-Identifier: MPL-2.0
#include "app/base/py_str.h"

#include <cmath>

#include <fmt/format.h>

namespace crashbox::base {

std::string PyStr(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null:
      return "None";
    case nlohmann::json::value_t::boolean:
      return v.get<bool>() ? "True" : "False";
    case nlohmann::json::value_t::string:
      return v.get<std::string>();
    case nlohmann::json::value_t::number_float: {
      double d = v.get<double>();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e16) {
        return fmt::format("{:.1f}", d);
      }
      return fmt::format("{}", d);
    }
    default:
      return v.dump();
  }
}

}  // namespace crashbox::base
