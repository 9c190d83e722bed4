// SPDX-License-Identifier: MPL-2.0
// Test-only: small in-memory siglists.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/signature/siglists.h"

namespace crashbox::signature {

inline std::string Lines(const std::vector<std::string>& entries) {
  std::string s;
  for (const std::string& e : entries) s += e + "\n";
  return s;
}

inline std::shared_ptr<const Siglists> MakeTestLists(
    const std::vector<std::string>& sentinels,
    const std::vector<std::string>& irrelevant,
    const std::vector<std::string>& prefix,
    const std::vector<std::string>& line_numbers = {}) {
  return std::make_shared<const Siglists>(
      MakeSiglists({Lines(sentinels), Lines(irrelevant), Lines(prefix),
                    Lines(line_numbers)}));
}

}  // namespace crashbox::signature
