// SPDX-License-Identifier: MPL-2.0
// POST /submit: Antenna's crash submission endpoint. Streams the request body
// into the collector and answers with Antenna's exact status and body.
#pragma once

#include "app/base/metrics.h"
#include "app/collector/collector.h"
#include "web/http/request.h"

namespace crashbox::web {

// `collector` and `metrics` must outlive the handler.
Handler MakeSubmitHandler(collector::Collector& collector,
                          base::MetricsRegistry& metrics);

}  // namespace crashbox::web
