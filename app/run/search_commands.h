// SPDX-License-Identifier: MPL-2.0
// Search from the command line, and the index's upkeep:
//   crashbox search [--url URL] [--format table|json|csv] [--unredacted]
//                   --<param> VALUE ...
//       Super Search's parameters (SOCORRO.md §4), repeatable:
//       crashbox search --product Firefox --signature '~OOM' --_facets platform
//       Without --url the local index is read directly, read-only, beside a
//       running server; with it, the server's /api/SuperSearch/ answers.
//   crashbox reindex
//       rebuilds var/search.sqlite from the crash store (the server must be
//       stopped: it holds the index open); a progress bar on a terminal, a
//       rate in the log otherwise.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/base/status.h"
#include "app/config/config.h"

namespace crashbox::run {

struct SearchCommand {
  std::vector<std::string> args;  // "--key value" / "--key=value", in order
  std::string format = "table";   // table, json or csv
  std::string url;                // "" = the local index
  bool unredacted = false;        // protected fields too
  std::string token;              // --url: the API token (view_pii for
                                  // unredacted)
};
// Exit codes: 0 answered, 1 the search failed (Socorro's 400 message or the
// server's error on stderr), 2 usage error (bad arguments, no index).
int Search(const config::Config& config, const SearchCommand& command);

// Exit codes: 0 rebuilt, 1 failed, 2 no store, 3 a server holds the data
// directory.
int Reindex(const config::Config& config);

// "--product Firefox --_sort=-date" →
// {{"product","Firefox"},{"_sort","-date"}}.
Result<std::vector<std::pair<std::string, std::string>>> SearchParamsFromArgs(
    const std::vector<std::string>& args);

// A Super Search response as text: "table" (hits, the total, then each
// facet), "csv" (the hits, or the facets when there are none) or "json".
// `columns` orders the hit columns (JSON objects do not keep order).
std::string FormatSearchResult(const nlohmann::json& body,
                               const std::vector<std::string>& columns,
                               std::string_view format);

}  // namespace crashbox::run
