// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/minidump.h"

#include <gtest/gtest.h>

#include "app/minidump/test_util.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::minidump {
namespace {

using testing::SynthCpu;
using testing::SynthDump;

TEST(MinidumpOpen, ReadsHeaderAndDirectory) {
  auto dump = OpenOrDie(
      SynthDump().SetTimeDateStamp(1700000000).AddThread(1, Amd64(1, 2)));
  ASSERT_TRUE(dump);
  EXPECT_EQ(dump->header().time_date_stamp, 1700000000u);
  ASSERT_EQ(dump->directory().size(), 2u);
  EXPECT_EQ(dump->directory()[0].stream_type, kSystemInfoStream);
  EXPECT_TRUE(dump->HasStream(kThreadListStream));
}

TEST(MinidumpOpen, RejectsBadSignature) {
  std::string bytes = SynthDump().Build();
  bytes[0] = 'X';
  Result<std::unique_ptr<Minidump>> dump = Minidump::Open(bytes);
  ASSERT_FALSE(dump.ok());
  EXPECT_EQ(dump.status().code(), Status::Code::kCorrupt);
  EXPECT_NE(dump.status().message().find("signature"), std::string::npos);
}

TEST(MinidumpOpen, RejectsBigEndianDumps) {
  std::string bytes = SynthDump().Build();
  std::swap(bytes[0], bytes[3]);
  std::swap(bytes[1], bytes[2]);
  Result<std::unique_ptr<Minidump>> dump = Minidump::Open(bytes);
  ASSERT_FALSE(dump.ok());
  EXPECT_NE(dump.status().message().find("big-endian"), std::string::npos);
}

TEST(MinidumpOpen, RejectsWrongVersion) {
  std::string bytes = SynthDump().Build();
  bytes[4] = 0x11;
  EXPECT_FALSE(Minidump::Open(bytes).ok());
}

TEST(MinidumpOpen, RejectsTruncatedHeader) {
  Result<std::unique_ptr<Minidump>> dump =
      Minidump::Open(SynthDump::Truncate(SynthDump().Build(), 20));
  ASSERT_FALSE(dump.ok());
  EXPECT_EQ(dump.status().code(), Status::Code::kCorrupt);
}

TEST(MinidumpOpen, RejectsDirectoryPastEndOfFile) {
  Result<std::unique_ptr<Minidump>> dump =
      Minidump::Open(SynthDump().OverrideHeaderStreamCount(100).Build());
  ASSERT_FALSE(dump.ok());
  EXPECT_NE(dump.status().message().find("directory"), std::string::npos);
}

TEST(MinidumpOpen, RejectsMoreStreamsThanBreakpadAllows) {
  EXPECT_FALSE(
      Minidump::Open(SynthDump().OverrideHeaderStreamCount(129).Build()).ok());
}

TEST(MinidumpOpen, RejectsDuplicateCoreStreams) {
  SynthDump synth;
  synth.AddRawStream(kBreakpadInfoStream, std::string(12, '\0'));
  synth.AddRawStream(kBreakpadInfoStream, std::string(12, '\0'));
  EXPECT_FALSE(Minidump::Open(synth.Build()).ok());
}

TEST(MinidumpOpen, ReadsFromFile) {
  testing::TempDir dir;
  testing::WriteFileOrDie(dir / "a.dmp",
                          SynthDump().AddThread(7, Amd64(1, 2)).Build());
  Result<std::unique_ptr<Minidump>> dump = Minidump::ReadFile(dir / "a.dmp");
  ASSERT_TRUE(dump.ok()) << dump.status().ToString();
  EXPECT_TRUE((*dump)->threads().ok());
}

TEST(MinidumpOpen, MissingFileIsNotFound) {
  testing::TempDir dir;
  Result<std::unique_ptr<Minidump>> dump = Minidump::ReadFile(dir / "nope.dmp");
  ASSERT_FALSE(dump.ok());
  EXPECT_EQ(dump.status().code(), Status::Code::kNotFound);
}

TEST(MinidumpStreams, AbsentStreamIsNotFoundWithoutNote) {
  auto dump = OpenOrDie(SynthDump());
  EXPECT_EQ(dump->threads().status().code(), Status::Code::kNotFound);
  EXPECT_TRUE(dump->notes().empty());
}

TEST(MinidumpStreams, CorruptStreamLeavesOthersReadable) {
  SynthDump synth;
  synth.AddThread(1, Amd64(0x1000, 0x2000))
      .AddModule({.name = "/bin/app", .base = 0x400000, .size = 0x1000})
      .OverrideListCount(kThreadListStream, 9);
  auto dump = OpenOrDie(synth);
  EXPECT_EQ(dump->threads().status().code(), Status::Code::kCorrupt);
  ASSERT_TRUE(dump->modules().ok());
  EXPECT_EQ(dump->modules()->size(), 1u);
  ASSERT_TRUE(dump->system_info().ok());
  ASSERT_EQ(dump->notes().size(), 1u);
  EXPECT_EQ(dump->notes()[0].rfind("thread list: ", 0), 0u) << dump->notes()[0];
}

TEST(MinidumpStreams, StreamOutsideFileIsCorrupt) {
  auto dump = OpenOrDie(SynthDump()
                            .AddThread(1, Amd64(1, 2))
                            .OverrideStreamRva(kThreadListStream, 1u << 30));
  EXPECT_EQ(dump->threads().status().code(), Status::Code::kCorrupt);
  EXPECT_EQ(dump->notes().size(), 1u);
}

TEST(MinidumpStreams, ParseAllCollectsNotes) {
  SynthDump synth;
  synth.AddRawStream(kExceptionStream, "short")
      .AddRawStream(kMiscInfoStream, "x");
  auto dump = OpenOrDie(synth);
  dump->ParseAll();
  EXPECT_EQ(dump->notes().size(), 2u);
}

TEST(MinidumpMemory, FindMemorySearchesBothLists) {
  auto dump = OpenOrDie(
      SynthDump().AddMemory(0x1000, "abcd").AddMemory64(0x9000, "wxyz"));
  ASSERT_NE(dump->FindMemory(0x1002), nullptr);
  ASSERT_NE(dump->FindMemory(0x9003), nullptr);
  EXPECT_EQ(dump->FindMemory(0x9003)->ReadU8(0x9003), 'z');
  EXPECT_EQ(dump->FindMemory(0x5000), nullptr);
}

TEST(MinidumpMemory, ThreadStackUsesDescriptor) {
  auto dump = OpenOrDie(
      SynthDump().AddThread(1, Amd64(1, 0x8000), 0x8000, std::string(16, 'S')));
  std::optional<MemoryRegion> stack =
      dump->ThreadStack(dump->threads()->threads[0]);
  ASSERT_TRUE(stack);
  EXPECT_EQ(stack->base, 0x8000u);
  EXPECT_EQ(stack->ReadU32(0x8004), 0x53535353u);
}

TEST(MinidumpMemory, ThreadStackFallsBackToMemoryList) {
  // No stack bytes in the thread record: Breakpad looks the start up in the
  // memory list.
  auto dump = OpenOrDie(SynthDump()
                            .AddThread(1, Amd64(1, 0x8000), 0x8000)
                            .AddMemory(0x8000, "12345678"));
  std::optional<MemoryRegion> stack =
      dump->ThreadStack(dump->threads()->threads[0]);
  ASSERT_TRUE(stack);
  EXPECT_EQ(stack->size, 8u);
}

TEST(CrashInfo, RequestingThreadSkipsDumpThread) {
  SynthDump synth;
  synth.AddThread(10, Amd64(1, 2))
      .AddThread(11, Amd64(1, 2))
      .AddThread(12, Amd64(1, 2));
  synth.SetBreakpadInfo(/*dump_tid=*/10, /*requesting_tid=*/12);
  synth.SetException(12, 11, 1, 0x10);
  CrashInfo info = GetCrashInfo(*OpenOrDie(synth));
  EXPECT_TRUE(info.crashed);
  EXPECT_EQ(info.reason, "SIGSEGV /SEGV_MAPERR");
  EXPECT_EQ(info.address, 0x10u);
  EXPECT_EQ(info.requesting_thread_index, 1);
}

TEST(CrashInfo, NoExceptionMeansNoCrash) {
  SynthDump synth;
  synth.AddThread(10, Amd64(1, 2)).SetBreakpadInfo(std::nullopt, 10);
  CrashInfo info = GetCrashInfo(*OpenOrDie(synth));
  EXPECT_FALSE(info.crashed);
  EXPECT_EQ(info.requesting_thread_index, 0);
}

TEST(CrashInfo, UnknownRequestingThreadIsMinusOne) {
  SynthDump synth;
  synth.AddThread(10, Amd64(1, 2)).SetException(99, 6, 0, 0);
  EXPECT_EQ(GetCrashInfo(*OpenOrDie(synth)).requesting_thread_index, -1);
}

}  // namespace
}  // namespace crashbox::minidump
