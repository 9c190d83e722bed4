// SPDX-License-Identifier: MPL-2.0
// STACK WIN records: parsing, containment, FRAME_DATA vs FPO preference.
#include <gtest/gtest.h>

#include "app/symbols/text/symbols_test_util.h"

namespace crashbox::symbols {
namespace {

using testing::Load;

TEST(StackWin, FrameDataWithProgramString) {
  auto f =
      Load("STACK WIN 4 1000 50 5 1 8 4 10 20 1 $T0 $ebp = $eip $T0 4 + ^ =\n");
  auto info = f->FindWinFrameInfo(0x1010, WinFrameType::kFrameData);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->prolog_size, 5u);
  EXPECT_EQ(info->epilog_size, 1u);
  EXPECT_EQ(info->parameter_size, 8u);
  EXPECT_EQ(info->saved_register_size, 4u);
  EXPECT_EQ(info->local_size, 0x10u);
  EXPECT_EQ(info->max_stack_size, 0x20u);
  EXPECT_EQ(info->program_string, "$T0 $ebp = $eip $T0 4 + ^ =");
  EXPECT_FALSE(info->parameter_size_only);
  EXPECT_FALSE(
      f->FindWinFrameInfo(0x1050, WinFrameType::kFrameData).has_value());
}

TEST(StackWin, FpoAllocatesBasePointer) {
  auto f = Load("STACK WIN 0 1000 50 5 0 c 0 8 0 0 1\n");
  auto info = f->FindWindowsFrameInfo(0x1000);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->type, WinFrameType::kFpo);
  EXPECT_TRUE(info->allocates_base_pointer);
  EXPECT_TRUE(info->program_string.empty());
  EXPECT_EQ(info->parameter_size, 0xcu);
}

TEST(StackWin, FrameDataPreferredOverFpo) {
  auto f = Load(
      "STACK WIN 0 1000 50 0 0 4 0 0 0 0 0\n"
      "STACK WIN 4 1000 50 0 0 8 0 0 0 1 $eip\n");
  auto info = f->FindWindowsFrameInfo(0x1000);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->type, WinFrameType::kFrameData);
  EXPECT_EQ(info->parameter_size, 8u);
}

TEST(StackWin, InnermostContainedRecordWins) {
  auto f = Load(
      "STACK WIN 4 1000 100 0 0 1 0 0 0 1 outer\n"
      "STACK WIN 4 1010 10 0 0 2 0 0 0 1 inner\n");
  EXPECT_EQ(
      f->FindWinFrameInfo(0x1015, WinFrameType::kFrameData)->program_string,
      "inner");
  EXPECT_EQ(
      f->FindWinFrameInfo(0x1020, WinFrameType::kFrameData)->program_string,
      "outer");
  EXPECT_EQ(
      f->FindWinFrameInfo(0x1005, WinFrameType::kFrameData)->program_string,
      "outer");
}

TEST(StackWin, EnclosingRecordStoredLaterAdoptsEarlierOnes) {
  auto f = Load(
      "STACK WIN 4 1010 10 0 0 2 0 0 0 1 inner\n"
      "STACK WIN 4 1000 100 0 0 1 0 0 0 1 outer\n");
  EXPECT_EQ(
      f->FindWinFrameInfo(0x1015, WinFrameType::kFrameData)->program_string,
      "inner");
  EXPECT_EQ(
      f->FindWinFrameInfo(0x10ff, WinFrameType::kFrameData)->program_string,
      "outer");
}

TEST(StackWin, IdenticalAndPartialOverlapsAreDropped) {
  auto f = Load(
      "STACK WIN 4 4242 1a a 0 0 0 0 0 1 first\n"
      "STACK WIN 4 4243 2e 9 0 0 0 0 0 1 partial\n"
      "STACK WIN 4 4242 1a a 0 0 0 0 0 1 same\n");
  EXPECT_EQ(
      f->FindWinFrameInfo(0x4250, WinFrameType::kFrameData)->program_string,
      "first");
  EXPECT_FALSE(
      f->FindWinFrameInfo(0x4265, WinFrameType::kFrameData).has_value());
  EXPECT_EQ(f->stats().win_dropped, 2u);
  EXPECT_EQ(f->stats().parse_errors, 0u);
}

TEST(StackWin, BadTypeOrTooFewFieldsIsAnError) {
  auto f = Load("STACK WIN 5 1000 50 0 0 0 0 0 0 0 0\nSTACK WIN 4 1000 50\n");
  EXPECT_EQ(f->stats().parse_errors, 2u);
  EXPECT_FALSE(f->FindWindowsFrameInfo(0x1000).has_value());
}

}  // namespace
}  // namespace crashbox::symbols
