// SPDX-License-Identifier: MPL-2.0
// Converts LMDB and errno codes into Status, in one place.
#pragma once

#include <string_view>

#include "app/base/status.h"

namespace crashbox::store::lmdb {

// MDB_NOTFOUND → kNotFound; MDB_MAP_FULL → kLimitExceeded (the env grows the
// map and retries); ENOSPC/EDQUOT → kUnavailable ("disk full"); anything else
// → kIoError with mdb_strerror().
Status StatusFromMdb(int rc, std::string_view what);

}  // namespace crashbox::store::lmdb
