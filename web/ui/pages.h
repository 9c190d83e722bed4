// SPDX-License-Identifier: MPL-2.0
// Pages embedded from assets/html/ (static HTML whose script reads the JSON
// API; crash values are inserted as text). Until authentication exists they
// follow their API's loopback rule.
//   GET /symbols/missing/   modules without symbols (reads
//   /api/MissingSymbols/) GET /favicon.svg, /favicon.ico   the icon (SVG)
#pragma once

#include <string>

#include "web/http/request.h"

namespace crashbox::web {

// Serves the embedded asset `path` (relative to assets/) as `content_type`.
Handler MakeAssetHandler(std::string path, std::string content_type);

}  // namespace crashbox::web
