// SPDX-License-Identifier: MPL-2.0
// The route table: every URL crashbox serves, in one function.
#pragma once

#include <string>

#include "app/base/metrics.h"
#include "app/collector/collector.h"
#include "app/signature/signature.h"
#include "app/symsvc/symbol_service.h"
#include "store/crash_store.h"
#include "store/lmdb/bug_store.h"
#include "web/api/access.h"
#include "web/api/search.h"
#include "web/http/router.h"

namespace crashbox::web {

// What the handlers need; all references must outlive the router.
struct Services {
  collector::Collector* collector =
      nullptr;  // null: this node does not collect
  store::CrashStore* crashes = nullptr;
  symsvc::SymbolService* symbols = nullptr;  // null: no symbol upload/download
  base::MetricsRegistry* metrics = nullptr;
  const SearchServices* search = nullptr;  // null: no Super Search
  Access* access = nullptr;                // who each request is (required)
  const signature::SignatureGenerator* signatures = nullptr;  // required
  store::lmdb::BugStore* bugs = nullptr;                      // required
  std::string version_json = "{}";
};

void RegisterRoutes(Router& r, const Services& s);

}  // namespace crashbox::web
