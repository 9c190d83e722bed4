// SPDX-License-Identifier: MPL-2.0
#include "app/run/bug_commands.h"

#include <algorithm>
#include <cstdio>

#include <fmt/format.h>

#include "app/run/common.h"
#include "store/lmdb/bug_store.h"

namespace crashbox::run {

int Bugs(const config::Config& config, const BugsCommand& c) {
  Result<OpenStore> store = OpenCrashStore(config, /*read_only=*/false);
  if (!store.ok()) return CommandError("bugs", store.status().ToString(), 2);
  store::lmdb::BugStore bugs(*store->env);
  if (c.action == "list") {
    auto found =
        c.args.empty() ? bugs.All(1'000'000) : bugs.ForSignatures(c.args);
    if (!found.ok()) return CommandError("bugs", found.status().ToString(), 1);
    for (const auto& a : *found)
      std::printf("%lld\t%s\n", static_cast<long long>(a.bug_id),
                  a.signature.c_str());
    return 0;
  }
  if (c.args.size() < 2)
    return CommandError("bugs", "give a bug id and one or more signatures", 2);
  const std::string& bug = c.args[0];
  if (bug.empty() || bug.size() > 15 ||
      !std::all_of(bug.begin(), bug.end(),
                   [](char ch) { return ch >= '0' && ch <= '9'; }))
    return CommandError("bugs", fmt::format("'{}' is not a bug number", bug),
                        2);
  const int64_t id = std::stoll(bug);
  int changed = 0;
  for (size_t i = 1; i < c.args.size(); ++i) {
    Result<bool> r = c.action == "add" ? bugs.Add(id, c.args[i])
                                       : bugs.Remove(id, c.args[i]);
    if (!r.ok()) return CommandError("bugs", r.status().ToString(), 1);
    changed += r.value();
  }
  std::printf("%s %d association(s) of bug %s\n",
              c.action == "add" ? "added" : "removed", changed, bug.c_str());
  return 0;
}

}  // namespace crashbox::run
