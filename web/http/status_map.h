// SPDX-License-Identifier: MPL-2.0
// The one mapping from Status codes to HTTP statuses; core code never says 404.
#pragma once

#include "app/base/status.h"

namespace crashbox::web {

int HttpStatusFor(const Status& s);

}  // namespace crashbox::web
