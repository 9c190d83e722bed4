// SPDX-License-Identifier: MPL-2.0
// Files under assets/, embedded in the binary at build time
// (tools/embed_assets.cmake). Paths are relative to assets/, e.g.
// "throttle/mozilla.json". Thread-safe; the views live for the whole process.
#pragma once

#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace crashbox::assets {

const std::vector<std::pair<std::string_view, std::string_view>>& All();
std::optional<std::string_view> Find(std::string_view path);

}  // namespace crashbox::assets
