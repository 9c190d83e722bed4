// SPDX-License-Identifier: MPL-2.0
#include "store/lmdb/bug_store.h"

#include <algorithm>

namespace crashbox::store::lmdb {
namespace {

std::string BigEndian(int64_t v) {
  std::string out(8, '\0');
  uint64_t u = static_cast<uint64_t>(v);
  for (int i = 7; i >= 0; --i, u >>= 8) out[i] = static_cast<char>(u & 0xff);
  return out;
}

int64_t FromBigEndian(std::string_view s) {
  uint64_t u = 0;
  for (char c : s.substr(0, 8)) u = (u << 8) | static_cast<unsigned char>(c);
  return static_cast<int64_t>(u);
}

std::string SignatureKey(std::string_view sig, int64_t bug) {
  std::string k = "s";
  k += sig;
  k += '\0';
  k += BigEndian(bug);
  return k;
}

std::string BugKey(int64_t bug, std::string_view sig) {
  return "b" + BigEndian(bug) + std::string(sig);
}

void Sort(std::vector<BugAssociation>& v) {
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) {
    return a.bug_id != b.bug_id ? a.bug_id < b.bug_id
                                : a.signature < b.signature;
  });
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

Result<bool> BugStore::Add(int64_t bug_id, std::string_view signature) {
  bool changed = false;
  CB_RETURN_IF_ERROR(
      env_.Write(2 * signature.size() + 32, [&](WriteTxn& txn) -> Status {
        changed = !txn.Get(Db::kBugs, BugKey(bug_id, signature)).ok();
        if (!changed) return Status::Ok();
        CB_RETURN_IF_ERROR(txn.Put(Db::kBugs, BugKey(bug_id, signature), ""));
        return txn.Put(Db::kBugs, SignatureKey(signature, bug_id), "");
      }));
  return changed;
}

Result<bool> BugStore::Remove(int64_t bug_id, std::string_view signature) {
  bool changed = false;
  CB_RETURN_IF_ERROR(env_.Write(64, [&](WriteTxn& txn) -> Status {
    Status s = txn.Delete(Db::kBugs, BugKey(bug_id, signature));
    if (s.code() == Status::Code::kNotFound) return Status::Ok();
    CB_RETURN_IF_ERROR(s);
    changed = true;
    s = txn.Delete(Db::kBugs, SignatureKey(signature, bug_id));
    return s.code() == Status::Code::kNotFound ? Status::Ok() : s;
  }));
  return changed;
}

Result<std::vector<BugAssociation>> BugStore::ForSignatures(
    const std::vector<std::string>& signatures) {
  std::vector<BugAssociation> out;
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) -> Status {
    for (const std::string& sig : signatures) {
      std::string prefix = "s" + sig + std::string(1, '\0');
      CB_RETURN_IF_ERROR(txn.Scan(
          Db::kBugs, prefix, [&](std::string_view k, std::string_view) {
            out.push_back({FromBigEndian(k.substr(prefix.size())), sig});
            return true;
          }));
    }
    return Status::Ok();
  }));
  Sort(out);
  return out;
}

Result<std::vector<BugAssociation>> BugStore::ForBugs(
    const std::vector<int64_t>& bugs) {
  std::vector<BugAssociation> out;
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) -> Status {
    for (int64_t bug : bugs) {
      std::string prefix = "b" + BigEndian(bug);
      CB_RETURN_IF_ERROR(txn.Scan(
          Db::kBugs, prefix, [&](std::string_view k, std::string_view) {
            out.push_back({bug, std::string(k.substr(prefix.size()))});
            return true;
          }));
    }
    return Status::Ok();
  }));
  Sort(out);
  return out;
}

Result<std::vector<BugAssociation>> BugStore::All(size_t limit) {
  std::vector<BugAssociation> out;
  CB_RETURN_IF_ERROR(env_.Read([&](ReadTxn& txn) {
    return txn.Scan(Db::kBugs, "b", [&](std::string_view k, std::string_view) {
      out.push_back({FromBigEndian(k.substr(1, 8)), std::string(k.substr(9))});
      return out.size() < limit;
    });
  }));
  return out;
}

}  // namespace crashbox::store::lmdb
