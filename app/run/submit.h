// SPDX-License-Identifier: MPL-2.0
// run::Submit: `crashbox submit URL PATH...`. Posts every crash report found
// in the paths (or in paths read from stdin, one per line, when none are
// given or a path is "-") and prints each crash id on its own line.
#pragma once

#include <string>
#include <vector>

#include "app/submitter/submitter.h"

namespace crashbox::run {

struct SubmitCommand {
  submitter::SubmitOptions options;
  std::vector<std::string> paths;
  std::vector<std::string> annotations;  // KEY=VALUE added to every report
  int jobs = 4;
  int retries = 3;  // for 5xx and connection failures
};

// Exit codes: 0 all submitted, 1 some failed (each failure on stderr),
// 2 nothing to submit.
int Submit(const SubmitCommand& command);

}  // namespace crashbox::run
