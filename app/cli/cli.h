// SPDX-License-Identifier: MPL-2.0
// The command line (CLI11 is used only here). Runs one subcommand and returns
// the process exit code: 0 success, 1 partial failure, 2 usage or
// configuration error, 3 a service could not start.
#pragma once

namespace crashbox::cli {

int Main(int argc, char** argv);

}  // namespace crashbox::cli
