// SPDX-License-Identifier: MPL-2.0
// Accounts from the shell (app/auth), beside a running server or with none:
//   crashbox user add NAME [--admin]      new user; the password is asked
//                                         twice on a terminal, else read as
//                                         one line from stdin
//   crashbox user passwd NAME             a new password, the same way
//   crashbox user disable|enable NAME     a disabled user's sessions and
//                                         tokens stop working at once
//   crashbox user grant NAME WHAT...      WHAT: a permission (view_pii, ...)
//   crashbox user revoke NAME WHAT...     or a group (Hackers, "Hackers Plus")
//   crashbox user list [--format json]
//   crashbox token create USER [--permission P]... [--days 90] [--notes T]
//                                         prints the key once (32 hex)
//   crashbox token list [USER]
//   crashbox token revoke ID              ID: the id `token list` shows
//   crashbox audit [--since DATE] [--limit N] [--format json]
// Changes are recorded in the audit log as made by the shell. Exit codes: 0
// done, 1 refused (no such user, a permission the owner lacks), 2 usage.
#pragma once

#include <string>
#include <vector>

#include "app/config/config.h"

namespace crashbox::run {

struct UserCommand {
  std::string action;  // add passwd disable enable grant revoke list
  std::string name;
  std::vector<std::string> what;  // grant / revoke
  bool admin = false;
  std::string format = "table";
};
int User(const config::Config& config, const UserCommand& command);

struct TokenCommand {
  std::string action;  // create list revoke
  std::string arg;     // user (create, list) or token id (revoke)
  std::vector<std::string> permissions;
  int days = 90;
  std::string notes;
  std::string format = "table";
};
int Token(const config::Config& config, const TokenCommand& command);

struct AuditCommand {
  std::string since;  // YYYY-MM-DD
  size_t limit = 200;
  std::string format = "table";
};
int Audit(const config::Config& config, const AuditCommand& command);

}  // namespace crashbox::run
