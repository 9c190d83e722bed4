// SPDX-License-Identifier: MPL-2.0
// UpstreamOptions: the symbol servers asked on a miss (see
// upstream_supplier.h), in a header of their own for configuration.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace crashbox::symbols {

struct UpstreamOptions {
  // Base URLs, tried in order; empty = the supplier never fetches.
  std::vector<std::string> urls;
  // Hosts the URLs may name; empty = any.
  std::vector<std::string> allowed_hosts;
  long timeout_ms = 30000;
  uint64_t max_sym_bytes = uint64_t{2} << 30;
  std::chrono::seconds miss_ttl{3600};
};

}  // namespace crashbox::symbols
