// SPDX-License-Identifier: MPL-2.0
// `crashbox symbols ...`: the symbol store from the command line.
//   upload ZIP|DIR|FILE... [--url URL]   zips, symbol-server directory trees
//                                        or single .sym files; into the local
//                                        store when no server holds the data
//                                        directory, else (or with --url) POSTed
//                                        to the server's /upload/
//   list [--module NAME]                 stored modules,
//   "<debug_file>/<DEBUG_ID>" missing [--format text|csv|json]     modules
//   crashes lacked symbols for fetch DEBUG_FILE DEBUG_ID            download
//   from the configured symbol
//                                        servers
//                                        (CRASHBOX_SYMBOLS_UPSTREAM_URLS) and
//                                        store (or upload to the server)
// Reading (list, missing) opens the store read-only, so it works beside a
// running server. Exit codes: 0 done, 1 something was rejected or not found,
// 2 bad arguments or configuration.
#pragma once

#include <string>
#include <vector>

#include "app/config/config.h"

namespace crashbox::run {

struct SymbolsCommand {
  std::string action;                // upload, list, missing, fetch
  std::vector<std::string> paths;    // upload
  std::string url;                   // upload/fetch: server to POST to
  std::string token;                 // its API token (upload_symbols)
  std::string module;                // list
  std::string format = "text";       // missing
  std::string debug_file, debug_id;  // fetch
};

int Symbols(const config::Config& config, const SymbolsCommand& command);

}  // namespace crashbox::run
