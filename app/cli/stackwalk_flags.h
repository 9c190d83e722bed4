// SPDX-License-Identifier: MPL-2.0
// Flags of `crashbox stackwalk` (CLI11 stays inside app/cli).
#pragma once

#include "app/run/stackwalk.h"

namespace CLI {
class App;
}

namespace crashbox::cli {

// Adds the "stackwalk" subcommand to `app`, filling `command` when parsed.
CLI::App* AddStackwalkFlags(CLI::App& app, run::StackwalkCommand& command);

}  // namespace crashbox::cli
