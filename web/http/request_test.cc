// SPDX-License-Identifier: MPL-2.0
#include "web/http/request.h"

#include <gtest/gtest.h>

namespace crashbox::web {
namespace {

TEST(PercentDecode, DecodesAndRejectsBadEscapes) {
  EXPECT_EQ(PercentDecode("a%20b+c", true), "a b c");
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_FALSE(PercentDecode("bad%2", true));
  EXPECT_FALSE(PercentDecode("bad%zz", true));
  EXPECT_FALSE(PercentDecode("%", true));
}

TEST(Request, QueryAndHeaders) {
  Request r;
  r.query_string = "crash_id=bp-1&format=raw&x=%00&x=2";
  r.headers = {{"Content-Type", "text/plain"}};
  EXPECT_EQ(r.QueryParam("crash_id"), "bp-1");
  EXPECT_EQ(r.QueryParam("x"), std::string("\0", 1));
  EXPECT_EQ(r.Query().size(), 4u);
  EXPECT_EQ(r.Header("content-type"), "text/plain");
  EXPECT_FALSE(r.Header("Accept"));
}

}  // namespace
}  // namespace crashbox::web
