// SPDX-License-Identifier: MPL-2.0
// Config: every setting of crashbox, assembled once at start from, later
// winning: built-in defaults < config file (`--config FILE`, else
// ./crashbox.env when present) < ./my.env (personal, not versioned) <
// CRASHBOX_* environment variables < command-line flags. Files hold
// `KEY=value` lines (`#` comments, optional quotes). Values are validated
// once; an unknown key in a file, a bad value or a missing --config file is
// an error that names the key and where it came from.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "app/auth/authenticator.h"
#include "app/base/status.h"
#include "app/collector/collector_options.h"
#include "app/symsvc/symbol_service_options.h"
#include "store/lmdb/env_options.h"
#include "web/http/server_options.h"

namespace crashbox::config {

// One setting as the user sees it.
struct SettingInfo {
  std::string key;   // CRASHBOX_DATA_DIR
  std::string flag;  // --data-dir
  std::string default_value;
  std::string help;
  bool secret = false;
};
const std::vector<SettingInfo>& AllSettings();

struct Config {
  std::string data_dir = "./var";
  std::string log_level = "info";
  // A preset name (accept_all, mozilla) or a path to a rules JSON file.
  std::string throttle_rules = "accept_all";
  std::string throttle_rules_json;  // resolved text of the rules
  std::vector<std::string> symbols_paths;
  // Socorro-format signature lists (four files); "" = crashbox's embedded
  // lists.
  std::string siglists_dir;
  // Run the signature rules keyed on Firefox-only annotations.
  bool mozilla_signature_rules = false;
  // Processor worker threads (0 = one per core; -1 = no processing on this
  // node).
  int processor_workers = 0;
  std::chrono::seconds processing_deadline{60};
  // A raw crash document longer than this is not parsed by the processor; its
  // processed crash says so in a note.
  uint64_t processor_max_raw_crash_bytes = 32ull << 20;
  // The memory budget shared by the HTTP server and the collector.
  uint64_t max_inflight_bytes = 2ull << 30;
  collector::CollectorOptions collector;
  // Symbol uploads and downloads (symbol_dirs is filled from symbols_paths).
  symsvc::ServiceOptions symbols;
  web::HttpOptions http;
  auth::AuthOptions auth;         // accounts and tokens (CRASHBOX_AUTH*)
  store::lmdb::EnvOptions store;  // store.path derived from data_dir

  struct Entry {
    std::string key;
    std::string value;  // masked when secret
    std::string
        source;  // "default", "crashbox.env:3", "my.env:1", "env", "flag"
  };
  std::vector<Entry> effective;  // in AllSettings() order
};

struct LoadInputs {
  std::string config_file;  // --config, "" = ./crashbox.env if present
  std::map<std::string, std::string>
      flags;  // key (CRASHBOX_...) → value from flags
  std::map<std::string, std::string>
      env;  // the process environment (CRASHBOX_* only)
  std::string working_dir =
      ".";  // where crashbox.env and my.env are looked for
};

Result<Config> LoadConfig(const LoadInputs& inputs);
// Reads CRASHBOX_* variables from the process environment.
std::map<std::string, std::string> ProcessEnvironment();
// `KEY=value  (source)` lines for `crashbox config`.
std::string FormatEffective(const Config& config);

}  // namespace crashbox::config
