// SPDX-License-Identifier: MPL-2.0
// The rest of Socorro's crash API (SOCORRO.md 5.5), each with Socorro's
// parameters, answers and 400 bodies:
//   GET  /api/SignatureFirstDate/?signatures=S...   first date and build seen
//   POST /api/CrashSignature/   {"jobs": [crash data, ...]}: signatures from
//                               the processor's own generator (≤ 1 MiB, ≤ 100
//                               jobs)
//   GET  /api/CrashVerify/?crash_id=ID              where a crash is stored
//   GET|POST /api/Bugs/?signatures=S...             bugs of these signatures
//                               and every signature of those bugs
//   POST /api/Bugs/ bug_id=N&signatures=S...        (admin) associates them
//   DELETE /api/Bugs/?bug_id=N&signatures=S...      (admin) dissociates them
//   GET  /api/SignaturesByBugs/?bug_ids=N...        signatures of these bugs
//   GET  /api/VersionString/?product&channel&build_id  the version of a build
//                               (from indexed crashes)
//   GET  /api/NoOp/?product=P                       {"hits": [], "total": 0}
#pragma once

#include "app/indexer/indexer.h"
#include "app/signature/signature.h"
#include "store/crash_store.h"
#include "store/lmdb/bug_store.h"
#include "web/api/access.h"
#include "web/http/request.h"

namespace crashbox::web {

struct CrashApiServices {
  store::CrashStore* crashes = nullptr;
  indexer::Indexer* index = nullptr;  // null: no search index on this node
  const signature::SignatureGenerator* signatures = nullptr;
  store::lmdb::BugStore* bugs = nullptr;
};

struct CrashApiHandlers {
  Handler signature_first_date, crash_signature, crash_verify, bugs_query,
      bugs_post, bugs_delete, signatures_by_bugs, version_string, noop;
};
// What `s` points to must outlive the handlers.
CrashApiHandlers MakeCrashApiHandlers(CrashApiServices s, Access& access);

}  // namespace crashbox::web
