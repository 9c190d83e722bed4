// SPDX-License-Identifier: MPL-2.0
// run::Serve: the composition root of `crashbox serve`. Builds the concrete
// store, collector and HTTP server from a validated Config, prints the URL it
// listens on as the first line of stdout, and runs until SIGINT or SIGTERM.
#pragma once

#include "app/config/config.h"

namespace crashbox::run {

// Exit codes: 0 after a clean shutdown, 3 when the service cannot start
// (data directory locked or unwritable, address in use).
int Serve(const config::Config& config);

// {"version": ..., "commit": ..., "source": ..., "build": ...}
std::string VersionJson();

}  // namespace crashbox::run
