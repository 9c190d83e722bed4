// SPDX-License-Identifier: MPL-2.0
// Bug associations from the shell (the Bugs and SignaturesByBugs APIs read
// them), beside a running server or with none:
//   crashbox bugs add BUG SIGNATURE...      associate
//   crashbox bugs remove BUG SIGNATURE...   dissociate
//   crashbox bugs list [SIGNATURE...]       all, or those of the signatures
// Exit codes: 0 done, 2 usage (a bug id that is not a number, no store).
#pragma once

#include <string>
#include <vector>

#include "app/config/config.h"

namespace crashbox::run {

struct BugsCommand {
  std::string action;  // add remove list
  std::vector<std::string> args;
};
int Bugs(const config::Config& config, const BugsCommand& command);

}  // namespace crashbox::run
