// SPDX-License-Identifier: MPL-2.0
// A module a crash's stack walk had no symbols for (json_dump.modules[] with
// missing_symbols): what the missing-symbols report counts and what a symbol
// upload matches to queue crashes for reprocessing. One type for the
// processor (which takes it from the walker), the store and the symbol
// service.
#pragma once

#include <string>

namespace crashbox::report {

struct MissingModule {
  std::string debug_file, debug_id;  // the symbol key (debug id upper case)
  std::string code_file, code_id, version;

  bool operator==(const MissingModule&) const = default;
};

}  // namespace crashbox::report
