// SPDX-License-Identifier: MPL-2.0
// Moving crashes in and out in Socorro's bucket layout (app/transfer):
//   crashbox import [DIR | -]            a Socorro bucket copy, or processed
//                                        crashes as JSON lines on stdin
//   crashbox export DIR [--since DATE]   the same layout, from the store
// Import writes the store directly, with the data directory's lock or, while
// a server holds that, beside the server (LMDB shares the store between
// processes; the server processes the raw crashes import queues and indexes
// the processed ones). Export reads the store read-only, so it also runs
// beside a server.
#pragma once

#include <string>

#include "app/config/config.h"

namespace crashbox::run {

struct ImportCommand {
  std::string dir;  // "" or "-": processed crashes as JSON lines on stdin
};
// Prints problems on stderr (by path), progress on a terminal, and one
// summary line on stdout. Exit codes: 0 all imported or present, 1 some
// crashes failed (reported) or a store write failed, 2 usage error (no such
// directory, not the layout, no store).
int Import(const config::Config& config, const ImportCommand& command);

struct ExportCommand {
  std::string dir;
  std::string since;  // YYYY-MM-DD or YYYYMMDD; "" = every crash
};
// Exit codes: 0 all exported, 1 some crashes failed (reported, e.g. a file
// there with other bytes), 2 usage error (bad date, no store).
int Export(const config::Config& config, const ExportCommand& command);

}  // namespace crashbox::run
