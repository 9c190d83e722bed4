// SPDX-License-Identifier: MPL-2.0
// Commands on stored crashes:
//   crashbox show ID [--json]        a processed crash for a terminal (or as
//   JSON) crashbox reprocess ID...         queue crashes for reprocessing
//   crashbox signature [INPUT...]    signatures of crash data, processed
//   crashes or
//                                    stored crashes (old and new, to review a
//                                    list change)
// Reading uses the data directory read-only, so it works while `crashbox serve`
// runs. Reprocessing writes to the store directly when no server holds the
// data directory, else asks the running server (POST /api/Reprocessing/).
#pragma once

#include <string>
#include <vector>

#include "app/config/config.h"

namespace crashbox::run {

struct ShowCommand {
  std::string crash_id;
  bool json = false;
};
// Exit codes: 0 shown, 1 not processed yet or unknown crash, 2 bad id or no
// store.
int Show(const config::Config& config, const ShowCommand& command);

struct ReprocessCommand {
  std::vector<std::string> crash_ids;  // "-" or none: read ids from stdin
  std::string ruleset = "default";     // or "regenerate_signature"
  std::string url;    // a server to ask; "" = queue in the local store
  std::string token;  // url: an API token holding reprocess_crashes
};
// Exit codes: 0 queued, 1 some ids were refused, 2 usage error.
int Reprocess(const config::Config& config, const ReprocessCommand& command);

struct SignatureCommand {
  // Files of crash data or processed crashes (JSON), "-" for stdin, or crash
  // ids of stored crashes; none = read JSON documents from stdin.
  std::vector<std::string> inputs;
  std::string format = "text";  // text | csv | json
};
// Exit codes: 0 all signed, 1 some inputs could not be read, 2 usage error.
int Signature(const config::Config& config, const SignatureCommand& command);

}  // namespace crashbox::run
