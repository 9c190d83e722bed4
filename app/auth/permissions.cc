// SPDX-License-Identifier: MPL-2.0
#include "app/auth/permissions.h"

#include <algorithm>

namespace crashbox::auth {
namespace {

constexpr PermissionInfo kPermissions[] = {
    {kViewPii, "view_pii", "View Personal Identifiable Information"},
    {kViewRawdump, "view_rawdump", "View Raw Dumps"},
    {kReprocessCrashes, "reprocess_crashes", "Reprocess Crashes"},
    {kRunLongQueries, "run_long_queries", "Run Long Queries"},
    {kRunCustomQueries, "run_custom_queries",
     "Run Custom Queries in Super Search"},
    {kUploadSymbols, "upload_symbols", "Upload Symbols Files"},
    {kAdmin, "admin", "Administer Users, Tokens and Bugs"},
};

constexpr PermSet kHackers =
    kReprocessCrashes | kRunLongQueries | kViewPii | kViewRawdump;
constexpr GroupInfo kGroups[] = {
    {"Hackers", kHackers},
    {"Hackers Plus", kHackers | kRunCustomQueries},
};

}  // namespace

std::span<const PermissionInfo> AllPermissions() { return kPermissions; }

std::optional<Perm> ParsePermission(std::string_view codename) {
  for (const PermissionInfo& p : kPermissions) {
    if (p.codename == codename) return p.bit;
  }
  return std::nullopt;
}

const PermissionInfo& InfoFor(Perm p) {
  auto it = std::find_if(std::begin(kPermissions), std::end(kPermissions),
                         [p](const PermissionInfo& i) { return i.bit == p; });
  return it != std::end(kPermissions) ? *it : kPermissions[0];
}

std::vector<std::string> PermissionNames(PermSet set) {
  std::vector<std::string> out;
  for (const PermissionInfo& p : kPermissions) {
    if (set & p.bit) out.emplace_back(p.codename);
  }
  return out;
}

std::optional<PermSet> ParsePermissions(const std::vector<std::string>& names,
                                        std::string* bad) {
  PermSet set = 0;
  for (const std::string& n : names) {
    std::optional<Perm> p = ParsePermission(n);
    if (!p) {
      if (bad != nullptr) *bad = n;
      return std::nullopt;
    }
    set |= *p;
  }
  return set;
}

std::span<const GroupInfo> AllGroups() { return kGroups; }

const GroupInfo* FindGroup(std::string_view name) {
  for (const GroupInfo& g : kGroups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

}  // namespace crashbox::auth
