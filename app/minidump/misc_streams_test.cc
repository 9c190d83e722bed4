// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/misc_streams.h"

#include <gtest/gtest.h>

#include "app/minidump/test_util.h"

namespace crashbox::minidump {
namespace {

using testing::SynthDump;

TEST(MiscInfo, ReadsProcessIdAndTimes) {
  auto dump = OpenOrDie(SynthDump().SetMiscInfo(4242, 1700000000));
  const Result<MiscInfo>& misc = dump->misc_info();
  ASSERT_TRUE(misc.ok()) << misc.status().ToString();
  EXPECT_EQ(misc->process_id, 4242u);
  EXPECT_EQ(misc->process_create_time, 1700000000u);
  EXPECT_FALSE(misc->processor_max_mhz.has_value());
}

TEST(MiscInfo, UnknownSizeIsCorrupt) {
  auto dump = OpenOrDie(
      SynthDump().AddRawStream(kMiscInfoStream, std::string(30, '\0')));
  EXPECT_EQ(dump->misc_info().status().code(), Status::Code::kCorrupt);
}

TEST(MiscInfo, SizeOfInfoMustMatchStream) {
  std::string body(24, '\0');
  body[0] = 44;
  auto dump = OpenOrDie(SynthDump().AddRawStream(kMiscInfoStream, body));
  EXPECT_EQ(dump->misc_info().status().code(), Status::Code::kCorrupt);
}

TEST(BreakpadInfo, ValidityBitsSelectFields) {
  auto dump = OpenOrDie(SynthDump().SetBreakpadInfo(std::nullopt, 77));
  const Result<BreakpadInfo>& info = dump->breakpad_info();
  ASSERT_TRUE(info.ok());
  EXPECT_FALSE(info->dump_thread_id.has_value());
  EXPECT_EQ(info->requesting_thread_id, 77u);
}

TEST(BreakpadInfo, WrongSizeIsCorrupt) {
  auto dump = OpenOrDie(
      SynthDump().AddRawStream(kBreakpadInfoStream, std::string(8, '\0')));
  EXPECT_EQ(dump->breakpad_info().status().code(), Status::Code::kCorrupt);
}

}  // namespace
}  // namespace crashbox::minidump
