// SPDX-License-Identifier: MPL-2.0
// Signing in and out, and the first run.
//   GET  /login            the sign-in form (assets/html/login.html)
//   POST /login            form username, password[, next]: a session cookie
//                          and 303 to `next` (a local path) or /; a wrong
//                          name or password 303s back to /login?failed=1,
//                          throttling answers 429. With Accept:
//                          application/json: 200 {"user", "permissions",
//                          "csrf_token"}, 401 or 429 {"error"}.
//   POST /logout           ends the session (CSRF token required), 303 to /
//   GET  /setup            while no user exists, to loopback visitors only:
//                          the form that creates the first admin
//   POST /setup            form username, password, password2: creates
//                          that admin (only while no user exists, checked in
//                          the writing transaction), signs them in, 303 to /
//   GET  /api/Session/     who the caller is: {"user", "via", "permissions",
//                          "csrf_token", "first_run"}
//   GET  /                 the home page; while no user exists, loopback
//                          visitors are sent to /setup
//   GET  /api/Tokens/      the signed-in caller's API tokens (never keys)
//   POST /api/Tokens/      form permissions (repeatable), notes, days (1 to
//                          3650, default 90): a new token for the caller
//                          signed in with a session (not with a token),
//                          carrying a subset of their permissions; the
//                          answer holds its key, shown this once
//   DELETE /api/Tokens/?id=ID   revokes one of the caller's tokens (an
//                          admin's: anyone's)
//   GET  /api/tokens/      the page for them (Socorro's URL)
// Cross-site form posts to /login and /setup are refused by their Origin.
#pragma once

#include "web/api/access.h"
#include "web/http/request.h"

namespace crashbox::web {

struct AccountHandlers {
  Handler login_page, login, logout, setup_page, setup, session, home;
  Handler tokens_page, tokens_list, tokens_create, tokens_revoke;
};
AccountHandlers MakeAccountHandlers(Access& access);

}  // namespace crashbox::web
