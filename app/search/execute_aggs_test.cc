// SPDX-License-Identifier: MPL-2.0
// The executor's aggregations: facets, nested aggs, histograms,
// cardinality.
#include <gtest/gtest.h>

#include "app/search/execute_test_util.h"

namespace crashbox::search::testing {
namespace {

TEST_F(ExecuteTest, PlaceHolder) { Add("a", {}); }

}  // namespace
}  // namespace crashbox::search::testing
