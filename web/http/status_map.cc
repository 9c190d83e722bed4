// SPDX-License-Identifier: MPL-2.0
#include "web/http/status_map.h"

namespace crashbox::web {

int HttpStatusFor(const Status& s) {
  using C = Status::Code;
  switch (s.code()) {
    case C::kOk:
      return 200;
    case C::kNotFound:
      return 404;
    case C::kInvalidArgument:
    case C::kCorrupt:
      return 400;
    case C::kLimitExceeded:
      return 413;
    case C::kUnavailable:
      return 503;
    case C::kPermissionDenied:
      return 403;
    case C::kIoError:
      return 500;
  }
  return 500;
}

}  // namespace crashbox::web
