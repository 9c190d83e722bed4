// SPDX-License-Identifier: MPL-2.0
#include "web/api/search_gate.h"

#include <gtest/gtest.h>

namespace crashbox::web {
namespace {

TEST(SearchGate, OneAddressGetsItsShareOthersTheRest) {
  SearchGate gate(/*max_total=*/3, /*max_per_address=*/2);
  EXPECT_TRUE(gate.Enter("a"));
  EXPECT_TRUE(gate.Enter("a"));
  EXPECT_FALSE(gate.Enter("a"));  // its share
  EXPECT_TRUE(gate.Enter("b"));
  EXPECT_FALSE(gate.Enter("c"));  // every place taken
  EXPECT_EQ(gate.addresses(), 2u);
  gate.Leave("a");
  EXPECT_TRUE(gate.Enter("c"));
  EXPECT_FALSE(gate.Enter("a"));
}

TEST(SearchGate, RefusedAddressesLeaveNoTrace) {
  SearchGate gate(1, 1);
  ASSERT_TRUE(gate.Enter("a"));
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(gate.Enter(std::to_string(i)));
  EXPECT_EQ(gate.addresses(), 1u);
  gate.Leave("a");
  EXPECT_EQ(gate.addresses(), 0u);
  EXPECT_TRUE(gate.Enter("b"));
}

}  // namespace
}  // namespace crashbox::web
