// SPDX-License-Identifier: MPL-2.0
// Site administration (Socorro's /siteadmin/, as an API the admin page
// reads). Every change needs `admin`, a session's CSRF token when made with
// a session cookie, and leaves an audit entry.
//   GET  /api/Users/           every user: {"users": [{"name", "active",
//                              "source", "permissions" (granted directly),
//                              "groups", "effective", "created",
//                              "last_login"}], "permissions": [{"codename",
//                              "display"}], "groups": [{"name",
//                              "permissions"}]}
//   POST /api/Users/           form username, password (8+ characters),
//                              permissions*, groups*: a new local user
//   PUT  /api/Users/           form username, active (true|false),
//                              permissions*, groups*[, password]: replaces
//                              that user's state and grants; an admin
//                              cannot disable themself or drop their own
//                              admin (a site must keep a way in)
//   GET  /api/AuditLog/        ?since=YYYY-MM-DD[THH:MM:SS+00:00] (default:
//                              7 days ago) &limit=1..1000 (200): {"entries":
//                              [{"time", "actor", "via", "action", "target",
//                              "address", "detail"}] oldest first, "more"}
//   GET  /api/StatusMessage/   the site banner, public: {"message",
//                              "severity", "created", "author"}, or
//                              {"message": null}
//   POST /api/StatusMessage/   form message (1000 bytes at most; empty
//                              clears it), severity (info|warning|critical)
//   GET  /api/BugAssociations/ every bug association (public, as in
//                              Socorro): {"hits": [{"id", "signature"}],
//                              "total"}, at most 10,000
//   GET  /siteadmin/           the admin page (assets/html/admin.html)
#pragma once

#include "store/lmdb/bug_store.h"
#include "web/api/access.h"
#include "web/http/request.h"

namespace crashbox::web {

struct AdminHandlers {
  Handler page, users_list, users_create, users_update, audit_log, status_get,
      status_set, bug_associations;
};
// `bugs` must outlive the handlers.
AdminHandlers MakeAdminHandlers(Access& access, store::lmdb::BugStore& bugs);

}  // namespace crashbox::web
