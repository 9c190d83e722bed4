// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/linux_streams.h"

#include <gtest/gtest.h>

#include "app/minidump/test_util.h"

namespace crashbox::minidump {
namespace {

using testing::SynthDump;

TEST(LinuxStreams, CpuInfoIsRawText) {
  auto dump = OpenOrDie(
      SynthDump().AddLinuxStream(kLinuxCpuInfoStream, "processor\t: 0\n"));
  EXPECT_EQ(ParseLinuxText(*dump->FindStream(kLinuxCpuInfoStream)),
            "processor\t: 0\n");
}

TEST(LinuxStreams, LsbReleaseKeyValuesDropQuotes) {
  auto kv = ParseLinuxKeyValues(
      AsBytes("DISTRIB_ID=Debian\nDISTRIB_DESCRIPTION=\"Debian 12\"\njunk\n"),
      '=');
  ASSERT_EQ(kv.size(), 2u);
  EXPECT_EQ(kv[1].first, "DISTRIB_DESCRIPTION");
  EXPECT_EQ(kv[1].second, "Debian 12");
}

TEST(LinuxStreams, ProcStatusUsesColon) {
  auto kv = ParseLinuxKeyValues(AsBytes("Name:\tcrasher\nPid:\t42\n"), ':');
  ASSERT_EQ(kv.size(), 2u);
  EXPECT_EQ(kv[1].second, "42");
}

TEST(LinuxStreams, CmdLineSplitsOnNul) {
  auto args =
      ParseLinuxNulSeparated(AsBytes(std::string_view("./app\0--flag\0", 13)));
  ASSERT_EQ(args.size(), 2u);
  EXPECT_EQ(args[1], "--flag");
}

TEST(LinuxStreams, AuxvPairsByPointerSize) {
  std::string raw(32, '\0');
  raw[0] = 6;  // AT_PAGESZ
  raw[8] = 0x10;
  raw[16] = 0;  // AT_NULL
  auto aux = ParseLinuxAuxv(AsBytes(raw), /*is_64bit=*/true);
  ASSERT_EQ(aux.size(), 2u);
  EXPECT_EQ(aux[0], (std::pair<uint64_t, uint64_t>(6, 0x10)));
  EXPECT_EQ(ParseLinuxAuxv(AsBytes(raw), false).size(), 4u);
}

TEST(LinuxStreams, MapsLinesParseAndJunkIsSkipped) {
  auto maps = ParseLinuxMaps(
      AsBytes("55d0c000-55d0d000 r-xp 00001000 08:01 1234    /usr/bin/app\n"
              "garbage line\n"
              "7ffc0000-7ffc1000 rw-p 00000000 00:00 0 [stack]\n"));
  ASSERT_EQ(maps.size(), 2u);
  EXPECT_EQ(maps[0].start, 0x55d0c000u);
  EXPECT_EQ(maps[0].offset, 0x1000u);
  EXPECT_EQ(maps[0].inode, 1234u);
  EXPECT_EQ(maps[0].path, "/usr/bin/app");
  EXPECT_EQ(maps[1].path, "[stack]");
}

TEST(LinuxStreams, DsoDebugHeaderAndTruncation) {
  std::string raw(40, '\0');
  raw[0] = 1;
  raw[8] = 3;
  Result<LinuxDsoDebug> d = ParseLinuxDsoDebug(AsBytes(raw));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->dso_count, 3u);
  EXPECT_FALSE(ParseLinuxDsoDebug(AsBytes(raw.substr(0, 6))).ok());
}

}  // namespace
}  // namespace crashbox::minidump
