// SPDX-License-Identifier: MPL-2.0
// Permissions and groups, as Socorro's Crash Stats names them (SOCORRO.md
// 5.6), plus crashbox's upload_symbols and admin. A PermSet is a bit set;
// `admin` implies every other permission.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace crashbox::auth {

enum Perm : uint32_t {
  kViewPii = 1u << 0,
  kViewRawdump = 1u << 1,
  kReprocessCrashes = 1u << 2,
  kRunLongQueries = 1u << 3,
  kRunCustomQueries = 1u << 4,
  kUploadSymbols = 1u << 5,
  kAdmin = 1u << 6,
};
using PermSet = uint32_t;
inline constexpr PermSet kAllPermissions = (1u << 7) - 1;

struct PermissionInfo {
  Perm bit;
  std::string_view codename;  // view_pii
  std::string_view display;   // "View Personal Identifiable Information"
};
std::span<const PermissionInfo> AllPermissions();
std::optional<Perm> ParsePermission(std::string_view codename);
const PermissionInfo& InfoFor(Perm p);
// Codenames in table order.
std::vector<std::string> PermissionNames(PermSet set);
// nullopt (and *bad set) when a name is unknown.
std::optional<PermSet> ParsePermissions(const std::vector<std::string>& names,
                                        std::string* bad = nullptr);

// Socorro's presets: Hackers = reprocess_crashes, run_long_queries,
// view_pii, view_rawdump; Hackers Plus = Hackers + run_custom_queries.
struct GroupInfo {
  std::string_view name;
  PermSet permissions;
};
std::span<const GroupInfo> AllGroups();
const GroupInfo* FindGroup(std::string_view name);

// What holding `set` allows: admin is every permission.
inline PermSet Expand(PermSet set) {
  return (set & kAdmin) ? kAllPermissions : set;
}

}  // namespace crashbox::auth
