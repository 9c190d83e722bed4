// SPDX-License-Identifier: MPL-2.0
// Crash reports read from disk for `crashbox submit`. Accepted inputs:
// - a dump file (`x.dmp`) with its annotations in `x.json` beside it, or in
//   `../meta/x.json` (the corpus layout); without either, only the dump is sent
//   with the annotations given by --annotation;
// - an annotations file (`x.json`) with its dump `x.dmp` beside it;
// - a directory: Socorro's bucket layout (`v1/raw_crash/<date>/<id>`,
//   `v1/dump_names/<id>`, `v1/dump/<id>`, `v1/<name>/<id>`), Antenna's
//   filesystem layout (`<date>/raw_crash/<id>.json`,
//   `<date>/dump_names/<id>.json`,
//   `<date>/<name>/<id>`), or any tree of `.dmp` files (each as above).
// Fields the collector sets itself (metadata, submitted_timestamp, version,
// uuid) are dropped from stored raw crashes before sending.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/base/status.h"

namespace crashbox::submitter {

struct CrashPayload {
  std::string source;  // path it came from, for messages
  nlohmann::json annotations = nlohmann::json::object();
  std::vector<std::pair<std::string, std::string>> dumps;  // name → bytes
};

struct LoadLimits {
  uint64_t max_file_bytes = 256ull << 20;
  size_t max_crashes_per_dir = 1000000;
};

// kNotFound when the path does not exist, kInvalidArgument when it is not a
// crash report of a known shape, kCorrupt when its JSON does not parse.
Result<std::vector<CrashPayload>> LoadPayloads(const std::string& path,
                                               const LoadLimits& limits = {});

}  // namespace crashbox::submitter
