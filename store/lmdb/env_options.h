// SPDX-License-Identifier: MPL-2.0
// EnvOptions: how the LMDB environment of a data directory is opened (see
// env.h). Its own header so that configuration names it without LMDB.
#pragma once

#include <cstdint>
#include <string>

namespace crashbox::store::lmdb {

struct EnvOptions {
  std::string path;  // directory; created if missing
  // Initial map size; the map doubles on MDB_MAP_FULL. The map is address
  // space, not disk (the file grows as pages are written), and each growth
  // briefly stops every transaction, so start large.
  uint64_t initial_map_bytes = 64ull << 30;
  // Upper bound on the map (and so the store's size); 0 = no bound but the
  // disk.
  uint64_t max_map_bytes = 0;
  // One group commit takes queued writes until it holds this many bytes.
  uint64_t max_batch_bytes = 64ull << 20;
  // fsync on commit. Off only for throwaway stores (tests of unrelated parts).
  bool sync = true;
  // Read-only: no writer thread; Write() answers kPermissionDenied. Safe while
  // a server writes the same store (LMDB readers and one writer may share it
  // across processes).
  bool read_only = false;
};

}  // namespace crashbox::store::lmdb
