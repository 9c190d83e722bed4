// SPDX-License-Identifier: MPL-2.0
// Mozilla's symbolication API (app/symbolicate) over HTTP, for profilers
// and tools that point at Eliot:
//   POST /symbolicate/v5   {"jobs": [{"memoryMap", "stacks"}]} → results
//   POST /symbolicate/v4   the legacy form
//   OPTIONS on both        CORS preflight (browsers post JSON cross-site)
// Open to everyone, as Eliot is; the API rate limits apply. Bodies up to
// 16 MiB; at most `max_concurrent` requests at once (two per address), 429
// beyond: each holds a worker and about 1.3 KiB per answered frame. Errors
// are Eliot's: 400 {"title": "<message>"} (413 past the body bound).
#pragma once

#include <cstddef>
#include <cstdint>

#include "app/symbols/suppliers/symbol_supplier.h"
#include "web/api/access.h"
#include "web/http/request.h"

namespace crashbox::web {

inline constexpr uint64_t kMaxSymbolicateBodyBytes = 16 << 20;

struct SymbolicateHandlers {
  Handler v5, v4, preflight;
};
SymbolicateHandlers MakeSymbolicateHandlers(symbols::SymbolSupplier& supplier,
                                            Access& access,
                                            size_t max_concurrent);

}  // namespace crashbox::web
