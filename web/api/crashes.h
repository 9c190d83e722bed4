// SPDX-License-Identifier: MPL-2.0
// Socorro's crash read-back endpoints.
//   GET /api/RawCrash/?crash_id=ID                 raw crash JSON (format=meta)
//   GET /api/RawCrash/?crash_id=ID&format=raw[&name=DUMP]
//                                                  dump bytes as an attachment
// Until authentication exists these answer loopback clients only (403 with a
// JSON error otherwise): raw crashes hold personal data.
#pragma once

#include "store/crash_store.h"
#include "web/http/request.h"

namespace crashbox::web {

Handler MakeRawCrashHandler(store::CrashStore& store);

}  // namespace crashbox::web
