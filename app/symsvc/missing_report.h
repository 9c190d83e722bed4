// SPDX-License-Identifier: MPL-2.0
// The missing-symbols report as JSON (for /api/MissingSymbols/) and CSV (for
// `crashbox symbols missing --format csv`), most-needed modules first.
//   JSON: {"total": N, "hits": [{"debug_file", "debug_id", "code_file",
//          "code_id", "version", "count", "last_seen" (ISO 8601 UTC)}]}
//   CSV:  a header line, then one line per module in that column order,
//         fields quoted when they hold a comma, quote or line break (RFC 4180).
#pragma once

#include <string>
#include <vector>

#include "store/symbol_store.h"

namespace crashbox::symsvc {

std::string MissingSymbolsJson(const std::vector<store::MissingSymbols>& rows);
std::string MissingSymbolsCsv(const std::vector<store::MissingSymbols>& rows);

}  // namespace crashbox::symsvc
