// SPDX-License-Identifier: MPL-2.0
#include "store/lmdb/status.h"

#include <lmdb.h>

#include <cerrno>

#include <fmt/format.h>

namespace crashbox::store::lmdb {

Status StatusFromMdb(int rc, std::string_view what) {
  switch (rc) {
    case MDB_SUCCESS:
      return Status::Ok();
    case MDB_NOTFOUND:
      return Status::NotFound(fmt::format("{}: not found", what));
    case MDB_MAP_FULL:
      return Status::LimitExceeded(fmt::format("{}: store map full", what));
    case ENOSPC:
    case EDQUOT:
      return Status::Unavailable(fmt::format("{}: disk full", what));
    default:
      return Status::IoError(fmt::format("{}: {}", what, mdb_strerror(rc)));
  }
}

}  // namespace crashbox::store::lmdb
