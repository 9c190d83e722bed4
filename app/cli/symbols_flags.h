// SPDX-License-Identifier: MPL-2.0
// Flags of `crashbox symbols upload|list|missing|fetch` (CLI11 stays inside
// app/cli).
#pragma once

#include "app/run/symbols_command.h"

namespace CLI {
class App;
}

namespace crashbox::cli {

// Adds "symbols" and its actions to `app`, filling `command` (action
// included) when parsed. Options the actions do not know (the setting flags
// the caller adds to the returned "symbols" app) fall through to it.
CLI::App* AddSymbolsFlags(CLI::App& app, run::SymbolsCommand& command);

}  // namespace crashbox::cli
