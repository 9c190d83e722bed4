// SPDX-License-Identifier: MPL-2.0
#include "assets/embedded.h"

namespace crashbox::assets {

std::optional<std::string_view> Find(std::string_view path) {
  for (const auto& [name, data] : All()) {
    if (name == path) return data;
  }
  return std::nullopt;
}

}  // namespace crashbox::assets
