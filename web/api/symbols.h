// SPDX-License-Identifier: MPL-2.0
// Tecken-compatible symbol endpoints.
//   POST /upload/        a zip of <debug_file>/<DEBUG_ID>/<name>.sym files, as
//                        the first file part of a multipart form or as the raw
//                        body; or one .sym text as the raw body (its path from
//                        its MODULE line). 201 + JSON {"added", "skipped",
//                        "rejected", "bytes_converted"} when anything was read;
//                        400/413 {"error"} when the body or zip is refused.
//                        Needs upload_symbols (an Auth-Token, as Tecken's
//                        upload scripts send, or a signed-in session).
//   GET /api/Symbols/[?prefix=P]  stored symbol files (MakeSymbolListHandler)
//   GET /symbols/        the symbols page: upload with progress, list,
//                        missing symbols (assets/html/symbols.html)
//   GET /api/MissingSymbols/[?format=csv]
//                        modules crashes lacked symbols for, most needed first
//                        (app/symsvc/missing_report.h)
//   GET|HEAD /<debug_file>/<debug_id>/<name>.sym
//                        the original .sym text (200); for
//                        <code_file>/<code_id>/... of an uploaded module, 302
//                        to its debug path (Tecken); "Symbol Not Found" (404),
//                        400 for characters Tecken refuses. Any other unknown
//                        path answers the router's usual 404.
#pragma once

#include "app/symsvc/symbol_service.h"
#include "web/api/access.h"
#include "web/http/request.h"

namespace crashbox::web {

Handler MakeSymbolUploadHandler(symsvc::SymbolService& service, Access& access);
Handler MakeMissingSymbolsHandler(symsvc::SymbolService& service);
// GET /api/Symbols/?prefix=<debug file start>: stored symbol files, public
// as their downloads are: {"hits": [{"debug_file", "debug_id", "path"}]
// (the first 1,000 in name order, read no further), "more": bool}.
Handler MakeSymbolListHandler(symsvc::SymbolService& service);
// The router's fallback for GET/HEAD paths no route matched.
Handler MakeSymbolDownloadHandler(symsvc::SymbolService& service);

}  // namespace crashbox::web
