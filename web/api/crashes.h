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
// ProcessedCrash and RawCrash (format=meta) answer everyone, reduced to
// public fields (app/report/redact.h) unless the caller holds view_pii;
// format=raw needs view_rawdump, Reprocessing reprocess_crashes (Socorro's
// 403 bodies otherwise). Reads of protected data are audited.
#pragma once

#include "store/crash_store.h"
#include "web/api/access.h"
#include "web/http/request.h"

namespace crashbox::web {

Handler MakeRawCrashHandler(store::CrashStore& store, Access& access);
Handler MakeProcessedCrashHandler(store::CrashStore& store, Access& access);
Handler MakeReprocessingHandler(store::CrashStore& store, Access& access);

}  // namespace crashbox::web
