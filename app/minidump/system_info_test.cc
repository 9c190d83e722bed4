// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/system_info.h"

#include <gtest/gtest.h>

#include "app/minidump/test_util.h"

namespace crashbox::minidump {
namespace {

using testing::SynthCpu;
using testing::SynthDump;

TEST(SystemInfo, LinuxAmd64StringsMatchBreakpad) {
  SynthDump synth(SynthCpu::kAmd64, kOsLinux);
  synth.SetOsVersion(0, 0, 0, "Linux 6.1.0 #1 SMP x86_64")
      .SetProcessor(6, 0xa701, 8);
  auto dump = OpenOrDie(synth);
  const Result<SystemInfo>& info = dump->system_info();
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(CpuString(*info), "amd64");
  EXPECT_EQ(CpuInfoString(*info), "family 6 model 167 stepping 1");
  EXPECT_EQ(OsString(*info), "Linux");
  EXPECT_EQ(OsShortString(*info), "linux");
  EXPECT_EQ(OsVersionString(*info), "0.0.0 Linux 6.1.0 #1 SMP x86_64");
  EXPECT_EQ(info->number_of_processors, 8);
}

TEST(SystemInfo, X86HasVendorAndEmptyCsdKeepsSpace) {
  SynthDump synth(SynthCpu::kX86, kOsWin32Nt);
  synth.SetOsVersion(6, 1, 7600, "")
      .SetCpuVendor("GenuineIntel")
      .SetProcessor(6, 0x1a05, 16);
  auto dump = OpenOrDie(synth);
  ASSERT_TRUE(dump->system_info().ok());
  EXPECT_EQ(CpuInfoString(*dump->system_info()),
            "GenuineIntel family 6 model 26 stepping 5");
  EXPECT_EQ(OsString(*dump->system_info()), "Windows NT");
  EXPECT_EQ(OsVersionString(*dump->system_info()), "6.1.7600 ");
}

TEST(SystemInfo, ArmCpuInfoNamesVendorPartAndFeatures) {
  SynthDump synth(SynthCpu::kArm, kOsAndroid);
  synth.SetProcessor(7, 0, 4).SetArmCpu(0x4100c090, 0x7);
  auto dump = OpenOrDie(synth);
  EXPECT_EQ(CpuInfoString(*dump->system_info()),
            "ARMv7 ARM Cortex-A9 features: swp,half,thumb");
}

TEST(SystemInfo, UnknownPlatformAndCpuAreHex) {
  SynthDump synth(SynthCpu::kAmd64, 0x1234);
  synth.SetArchitecture(0x77);
  auto dump = OpenOrDie(synth);
  EXPECT_EQ(OsString(*dump->system_info()), "0x00001234");
  EXPECT_EQ(CpuString(*dump->system_info()), "0x0077");
}

TEST(SystemInfo, WrongSizeIsCorrupt) {
  SynthDump synth;
  synth.OverrideStreamSize(kSystemInfoStream, 40);
  auto dump = OpenOrDie(synth);
  EXPECT_EQ(dump->system_info().status().code(), Status::Code::kCorrupt);
}

}  // namespace
}  // namespace crashbox::minidump
