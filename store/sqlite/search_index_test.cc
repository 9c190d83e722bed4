// SPDX-License-Identifier: MPL-2.0
#include "store/sqlite/search_index.h"
#include <gtest/gtest.h>
TEST(SearchIndex, Placeholder) {}
