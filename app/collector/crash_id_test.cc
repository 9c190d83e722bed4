// SPDX-License-Identifier: MPL-2.0
#include "app/collector/crash_id.h"

#include <set>

#include <gtest/gtest.h>

namespace crashbox::collector {
namespace {

std::chrono::system_clock::time_point Day(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days(year_month_day{year{y}, month{m}, day{d}}) + hours(23);
}

TEST(CrashId, EndsWithThrottleDigitAndDate) {
  std::string id = MakeCrashId(Day(2016, 10, 17), 0);
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id.substr(29), "0161017");
  EXPECT_EQ(id[14], '4');  // UUID4 version nibble
  EXPECT_TRUE(IsValidCrashId(id));
  EXPECT_EQ(MakeCrashId(Day(2026, 1, 2), 1).substr(29), "1260102");
}

TEST(CrashId, IsRandom) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(MakeCrashId(Day(2026, 1, 2), 0));
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(CrashId, Validation) {
  EXPECT_TRUE(IsValidCrashId("de1bb258-cbbf-4589-a673-34f800161017"));
  EXPECT_FALSE(IsValidCrashId("DE1BB258-cbbf-4589-a673-34f800161017"));
  EXPECT_FALSE(IsValidCrashId("de1bb258-cbbf-4589-a673-34f8001610x7"));
  EXPECT_FALSE(IsValidCrashId(
      "de1bb258-cbbf-4589-a673-34f802161017"));  // throttle digit 2
  EXPECT_TRUE(IsValidCrashId("de1bb258-cbbf-4589-a673-34f802161017", false));
  EXPECT_FALSE(IsValidCrashId("de1bb258cbbf-4589-a673-34f8001610177"));
}

TEST(CrashId, ParsesPrefixedAndUrlForms) {
  const char* id = "de1bb258-cbbf-4589-a673-34f800161017";
  EXPECT_EQ(ParseCrashId(std::string("bp-") + id), id);
  EXPECT_EQ(ParseCrashId(std::string("https://x/report/index/") + id + "/"),
            id);
  EXPECT_EQ(ParseCrashId("nonsense"), "");
}

}  // namespace
}  // namespace crashbox::collector
