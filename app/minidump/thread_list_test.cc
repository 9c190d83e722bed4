// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/thread_list.h"

#include <gtest/gtest.h>

#include "app/minidump/test_util.h"

namespace crashbox::minidump {
namespace {

using testing::SynthDump;

TEST(ThreadList, ReadsThreadsInFileOrder) {
  auto dump = OpenOrDie(
      SynthDump()
          .AddThread(5, Amd64(0x401000, 0x7000), 0x7000, std::string(64, '\0'))
          .AddThread(6, Amd64(0x402000, 0x9000)));
  const Result<ThreadList>& threads = dump->threads();
  ASSERT_TRUE(threads.ok()) << threads.status().ToString();
  ASSERT_EQ(threads->threads.size(), 2u);
  EXPECT_EQ(threads->threads[0].thread_id, 5u);
  EXPECT_EQ(threads->threads[0].stack.start_of_memory_range, 0x7000u);
  EXPECT_EQ(threads->threads[0].stack.memory.data_size, 64u);
  EXPECT_TRUE(threads->threads[0].HasUsableStackDescriptor());
  EXPECT_FALSE(threads->threads[1].HasUsableStackDescriptor());
  EXPECT_EQ(threads->FindById(6), &threads->threads[1]);
  EXPECT_EQ(threads->FindById(7), nullptr);
}

TEST(ThreadList, AcceptsFourBytePadding) {
  auto dump = OpenOrDie(
      SynthDump().AddThread(5, Amd64(1, 2)).AddListPadding(kThreadListStream));
  ASSERT_TRUE(dump->threads().ok()) << dump->threads().status().ToString();
  EXPECT_EQ(dump->threads()->threads[0].thread_id, 5u);
}

TEST(ThreadList, LyingCountIsCorrupt) {
  auto dump = OpenOrDie(SynthDump()
                            .AddThread(5, Amd64(1, 2))
                            .OverrideListCount(kThreadListStream, 0x7fffffff));
  EXPECT_EQ(dump->threads().status().code(), Status::Code::kCorrupt);
}

TEST(ThreadList, TruncatedStreamIsCorrupt) {
  auto dump = OpenOrDie(SynthDump()
                            .AddThread(5, Amd64(1, 2))
                            .OverrideStreamSize(kThreadListStream, 30));
  EXPECT_EQ(dump->threads().status().code(), Status::Code::kCorrupt);
}

TEST(ThreadList, EmptyStreamIsCorrupt) {
  auto dump = OpenOrDie(SynthDump().AddRawStream(kThreadListStream, ""));
  EXPECT_EQ(dump->threads().status().code(), Status::Code::kCorrupt);
}

TEST(ThreadNames, MapsIdsToNames) {
  auto dump = OpenOrDie(
      SynthDump().AddThreadName(5, "main").AddThreadName(6, "Gecko_IOThread"));
  ASSERT_TRUE(dump->thread_names().ok());
  EXPECT_EQ(dump->thread_names()->Find(6), "Gecko_IOThread");
  EXPECT_EQ(dump->thread_names()->Find(7), "");
}

TEST(ThreadNames, CountBeyondStreamIsCorrupt) {
  auto dump = OpenOrDie(SynthDump().AddThreadName(5, "main").OverrideListCount(
      kThreadNamesStream, 1000));
  EXPECT_EQ(dump->thread_names().status().code(), Status::Code::kCorrupt);
}

}  // namespace
}  // namespace crashbox::minidump
