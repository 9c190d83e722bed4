// SPDX-License-Identifier: MPL-2.0
#include "store/lmdb/bug_store.h"

#include <gtest/gtest.h>

#include "tests/testing/temp_dir.h"

namespace crashbox::store::lmdb {
namespace {

TEST(BugStoreTest, AssociationsReadBothWaysInBugOrder) {
  testing::TempDir dir;
  EnvOptions opts;
  opts.path = (dir / "store").string();
  auto env = std::move(Env::Open(opts)).value();
  BugStore bugs(*env);
  EXPECT_TRUE(bugs.Add(300, "OOM | small").value());
  EXPECT_FALSE(bugs.Add(300, "OOM | small").value()) << "already there";
  ASSERT_TRUE(bugs.Add(12, "OOM | small").ok());
  ASSERT_TRUE(bugs.Add(12, "js::GC").ok());
  ASSERT_TRUE(bugs.Add(1LL << 40, "big").ok());
  using A = BugAssociation;
  EXPECT_EQ(bugs.ForSignatures({"OOM | small"}).value(),
            (std::vector<A>{{12, "OOM | small"}, {300, "OOM | small"}}));
  EXPECT_EQ(bugs.ForBugs({300, 12}).value(),
            (std::vector<A>{
                {12, "OOM | small"}, {12, "js::GC"}, {300, "OOM | small"}}));
  EXPECT_EQ(bugs.ForBugs({1LL << 40}).value(),
            (std::vector<A>{{1LL << 40, "big"}}));
  // A signature that is a prefix of another does not match it.
  EXPECT_TRUE(bugs.ForSignatures({"OOM"}).value().empty());
  EXPECT_TRUE(bugs.Remove(12, "js::GC").value());
  EXPECT_FALSE(bugs.Remove(12, "js::GC").value());
  EXPECT_EQ(bugs.All(10).value().size(), 3u);
}

}  // namespace
}  // namespace crashbox::store::lmdb
