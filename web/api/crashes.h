// SPDX-License-Identifier: MPL-2.0
// Socorro's crash read-back endpoints.
//   GET /api/RawCrash/?crash_id=ID                 raw crash JSON (format=meta)
//   GET /api/RawCrash/?crash_id=ID&format=raw[&name=DUMP]
//                                                  dump bytes as an attachment
//   GET /api/ProcessedCrash/?crash_id=ID           processed crash JSON; when
//   the
//                                                  crash is stored but not
//                                                  processed yet: 404 and a
//                                                  priority job
//   POST /api/Reprocessing/  crash_ids=ID[:ruleset] (repeatable; form body or
//                                                  query): queue for
//                                                  reprocessing
// Until authentication exists these answer loopback clients only (403 with a
// JSON error otherwise): crashes hold personal data.
#pragma once

#include "store/crash_store.h"
#include "web/http/request.h"

namespace crashbox::web {

Handler MakeRawCrashHandler(store::CrashStore& store);
Handler MakeProcessedCrashHandler(store::CrashStore& store);
Handler MakeReprocessingHandler(store::CrashStore& store);

}  // namespace crashbox::web
