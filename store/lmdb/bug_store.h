// SPDX-License-Identifier: MPL-2.0
// BugStore: which bugs (a tracker's numeric ids) are filed against which
// signatures, kept locally for Socorro's Bugs and SignaturesByBugs APIs.
// Database "bugs", two keys per association so both directions are one
// range read:
//   s<signature>\0<bug id: 8 bytes big-endian>   ""
//   b<bug id: 8 bytes big-endian><signature>     ""
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "app/base/status.h"
#include "store/lmdb/env.h"

namespace crashbox::store::lmdb {

struct BugAssociation {
  int64_t bug_id = 0;
  std::string signature;
  bool operator==(const BugAssociation&) const = default;
};

class BugStore {
 public:
  explicit BugStore(Env& env) : env_(env) {}

  // Adding what exists, or removing what does not, is not an error; the
  // result says whether anything changed.
  Result<bool> Add(int64_t bug_id, std::string_view signature);
  Result<bool> Remove(int64_t bug_id, std::string_view signature);

  // Associations of these signatures, ordered by bug id, then signature.
  Result<std::vector<BugAssociation>> ForSignatures(
      const std::vector<std::string>& signatures);
  // Associations of these bugs, ordered by bug id, then signature.
  Result<std::vector<BugAssociation>> ForBugs(const std::vector<int64_t>& bugs);
  // Every association (bounded by `limit`), ordered by bug id.
  Result<std::vector<BugAssociation>> All(size_t limit);

 private:
  Env& env_;
};

}  // namespace crashbox::store::lmdb
