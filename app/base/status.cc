// SPDX-License-Identifier: MPL-2.0
#include "app/base/status.h"

#include <cstdio>
#include <cstdlib>

namespace crashbox {

namespace base {
void CheckFailed(const char* file, int line, const char* expr) {
  std::fprintf(stderr, "%s:%d: CB_CHECK failed: %s\n", file, line, expr);
  std::abort();
}
}  // namespace base

std::string_view CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk:
      return "ok";
    case Status::Code::kNotFound:
      return "not found";
    case Status::Code::kCorrupt:
      return "corrupt";
    case Status::Code::kInvalidArgument:
      return "invalid argument";
    case Status::Code::kIoError:
      return "i/o error";
    case Status::Code::kUnavailable:
      return "unavailable";
    case Status::Code::kLimitExceeded:
      return "limit exceeded";
    case Status::Code::kPermissionDenied:
      return "permission denied";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string out(CodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  msg += ": ";
  msg += message_;
  return Status(code_, std::move(msg));
}

}  // namespace crashbox
