// SPDX-License-Identifier: MPL-2.0
#include "web/api/health.h"

#include <nlohmann/json.hpp>

namespace crashbox::web {

using nlohmann::json;

namespace {
void SetQueueGauges(const store::QueueDepths& d,
                    base::MetricsRegistry& metrics) {
  metrics.SetGauge("queue.priority.depth", static_cast<double>(d.priority),
                   "crashes waiting in the priority queue");
  metrics.SetGauge("queue.reprocessing.depth",
                   static_cast<double>(d.reprocessing),
                   "crashes waiting for reprocessing");
  metrics.SetGauge("queue.normal.depth", static_cast<double>(d.normal),
                   "crashes waiting for processing");
}
}  // namespace

Handler MakeHeartbeatHandler(store::CrashStore& store,
                             base::MetricsRegistry& metrics) {
  return [&store, &metrics](Request&, Response& resp) {
    metrics.GetCounter("collector.health.heartbeat.count")->Add();
    json errors = json::array();
    if (Status s = store.CheckWritable(); !s.ok()) {
      errors.push_back(json{{"name", "crash_store"},
                            {"msg", "store not writable: " + s.ToString()}});
    }
    json info = json::object();
    Result<store::QueueDepths> depths = store.GetQueueDepths();
    if (depths.ok()) {
      info["queue"] = json{{"priority", depths->priority},
                           {"reprocessing", depths->reprocessing},
                           {"normal", depths->normal}};
      SetQueueGauges(*depths, metrics);
    } else {
      errors.push_back(
          json{{"name", "queue"}, {"msg", depths.status().ToString()}});
    }
    resp.Json(errors.empty() ? 200 : 503,
              json{{"errors", errors}, {"info", info}}.dump());
  };
}

Handler MakeLbHeartbeatHandler(base::MetricsRegistry& metrics) {
  return [&metrics](Request&, Response& resp) {
    metrics.GetCounter("collector.health.lbheartbeat.count")->Add();
    resp.Json(200, "");
  };
}

Handler MakeVersionHandler(std::string version_json,
                           base::MetricsRegistry& metrics) {
  return [version_json, &metrics](Request&, Response& resp) {
    metrics.GetCounter("collector.health.version.count")->Add();
    resp.Json(200, version_json);
  };
}

Handler MakeMetricsHandler(store::CrashStore& store,
                           base::MetricsRegistry& metrics) {
  return [&store, &metrics](Request&, Response& resp) {
    if (Result<store::QueueDepths> d = store.GetQueueDepths(); d.ok())
      SetQueueGauges(*d, metrics);
    resp.status = 200;
    resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
    resp.body = metrics.RenderPrometheus();
  };
}

}  // namespace crashbox::web
