// SPDX-License-Identifier: MPL-2.0
// Dockerflow endpoints and metrics:
//   GET /__heartbeat__    200 {"errors": [], ...} after really writing to the
//                         store; 503 with the failing checks otherwise
//   GET /__lbheartbeat__  200, empty: the process answers
//   GET /__version__      build information as JSON
//   GET /metrics          Prometheus text exposition
#pragma once

#include <string>

#include "app/base/metrics.h"
#include "store/crash_store.h"
#include "web/http/request.h"

namespace crashbox::web {

Handler MakeHeartbeatHandler(store::CrashStore& store,
                             base::MetricsRegistry& metrics);
Handler MakeLbHeartbeatHandler(base::MetricsRegistry& metrics);
Handler MakeVersionHandler(std::string version_json,
                           base::MetricsRegistry& metrics);
Handler MakeMetricsHandler(store::CrashStore& store,
                           base::MetricsRegistry& metrics);

}  // namespace crashbox::web
