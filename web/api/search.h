// SPDX-License-Identifier: MPL-2.0
// Super Search endpoints (SOCORRO.md §4.1):
//   GET /api/SuperSearchFields/  every field's definition, Socorro's shape (a
//                                dict keyed by field name); public, as in
//                                Socorro, protected fields included with
//                                their permissions_needed
#pragma once

#include "web/http/request.h"

namespace crashbox::web {

Handler MakeSuperSearchFieldsHandler();

}  // namespace crashbox::web
