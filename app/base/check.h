// SPDX-License-Identifier: MPL-2.0
// CB_CHECK(cond): a broken invariant is a bug; abort with file:line rather than
// "handle" an impossible state. Active in every build type.
#pragma once

namespace crashbox::base {
[[noreturn]] void CheckFailed(const char* file, int line, const char* expr);
}  // namespace crashbox::base

#define CB_CHECK(cond)                                                     \
  do {                                                                     \
    if (!(cond)) ::crashbox::base::CheckFailed(__FILE__, __LINE__, #cond); \
  } while (0)
