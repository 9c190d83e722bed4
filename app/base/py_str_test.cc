// SPDX-License-Identifier: MPL-2.0
#include "app/base/py_str.h"

#include <gtest/gtest.h>

#include "app/base/iso_time.h"

namespace crashbox::base {
namespace {

using nlohmann::json;

TEST(PyStr, FollowsPythonStr) {
  EXPECT_EQ(PyStr(json("text")), "text");
  EXPECT_EQ(PyStr(json()), "None");
  EXPECT_EQ(PyStr(json(true)), "True");
  EXPECT_EQ(PyStr(json(false)), "False");
  EXPECT_EQ(PyStr(json(-42)), "-42");
  EXPECT_EQ(PyStr(json(42u)), "42");
  EXPECT_EQ(PyStr(json(1.0)), "1.0");
  EXPECT_EQ(PyStr(json(1.5)), "1.5");
  EXPECT_EQ(PyStr(json(0.1)), "0.1");
  EXPECT_EQ(PyStr(json(1e16)), "1e+16");
  EXPECT_EQ(PyStr(json::array({1, "a"})), "[1, 'a']");
}

TEST(IsoTime, FormatsAndParsesUtc) {
  auto t = std::chrono::system_clock::time_point(
      std::chrono::microseconds(1795514400123456));
  EXPECT_EQ(IsoTimestampMicros(t), "2026-11-24T10:00:00.123456+00:00");
  EXPECT_EQ(IsoTimestampSeconds(1795514400), "2026-11-24T10:00:00+00:00");
  EXPECT_EQ(ParseIsoTimestampSeconds("2026-11-24T10:00:00.123456+00:00"),
            1795514400);
  EXPECT_EQ(ParseIsoTimestampSeconds("yesterday"), std::nullopt);
}

}  // namespace
}  // namespace crashbox::base
