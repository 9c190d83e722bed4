// SPDX-License-Identifier: MPL-2.0
// Pages embedded from assets/html/, with their scripts and styles from
// assets/ui/ (static HTML whose module scripts read the JSON API; crash
// values are inserted as text). Every page and file is sent with a
// Content-Security-Policy that allows scripts and styles from this server
// only (no inline script, no eval), no framing, no other origins.
//   GET /static/<name>      assets/ui/<name> (.js, .css, .svg)
//   GET /report/index/<id>  the report view (assets/html/report.html)
//   GET /favicon.svg, /favicon.ico   the icon (SVG)
#pragma once

#include <string>

#include "web/http/request.h"

namespace crashbox::web {

// Serves the embedded asset `path` (relative to assets/) as `content_type`.
Handler MakeAssetHandler(std::string path, std::string content_type);
// Serves assets/ui/<name> for GET /static/<name>.
Handler MakeStaticHandler();
// GET /report/index/<crash id>: the report page; bp-<id> redirects to the
// bare id, anything else that is not a crash id is 400 `Invalid crash ID`
// (Socorro's answers).
Handler MakeReportPageHandler();

}  // namespace crashbox::web
