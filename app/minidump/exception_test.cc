// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/exception.h"

#include <gtest/gtest.h>

#include "app/minidump/test_util.h"

namespace crashbox::minidump {
namespace {

using testing::SynthCpu;
using testing::SynthDump;

CrashReason Reason(SynthCpu cpu, uint32_t platform, uint32_t code,
                   uint32_t flags, uint64_t address,
                   std::vector<uint64_t> params = {}) {
  SynthDump synth(cpu, platform);
  synth.SetException(1, code, flags, address, std::move(params));
  auto dump = OpenOrDie(synth);
  EXPECT_TRUE(dump->exception().ok());
  return GetCrashReason(*dump->exception(), &dump->system_info().value());
}

TEST(CrashReason, LinuxSegvHasNoSpaceAfterSlash) {
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsLinux, 11, 1, 0).reason,
            "SIGSEGV /SEGV_MAPERR");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsLinux, 11, 0x80, 0).reason,
            "SIGSEGV /0x00000080");
}

TEST(CrashReason, LinuxSignalsWithAndWithoutSubcodes) {
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsLinux, 8, 1, 0).reason,
            "SIGFPE / FPE_INTDIV");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsLinux, 8, 0, 0).reason,
            "SIGFPE / 0x00000000");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsLinux, 4, 2, 0).reason,
            "SIGILL / ILL_ILLOPN");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsLinux, 7, 2, 0).reason,
            "SIGBUS / BUS_ADRERR");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsLinux, 6, 0, 0x7902).reason, "SIGABRT");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsAndroid, 5, 0, 0).reason, "SIGTRAP");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsLinux, 0xffffffff, 0, 0).reason,
            "DUMP_REQUESTED");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsLinux, 77, 3, 0).reason,
            "0x0000004d / 0x00000003");
}

TEST(CrashReason, WindowsAccessViolationUsesParameters) {
  CrashReason r =
      Reason(SynthCpu::kAmd64, kOsWin32Nt, 0xc0000005, 0, 0x401000, {1, 0x45});
  EXPECT_EQ(r.reason, "EXCEPTION_ACCESS_VIOLATION_WRITE");
  EXPECT_EQ(r.address, 0x45u);
  EXPECT_EQ(
      Reason(SynthCpu::kAmd64, kOsWin32Nt, 0xc0000005, 0, 0, {0, 1}).reason,
      "EXCEPTION_ACCESS_VIOLATION_READ");
  EXPECT_EQ(
      Reason(SynthCpu::kAmd64, kOsWin32Nt, 0xc0000005, 0, 0, {8, 1}).reason,
      "EXCEPTION_ACCESS_VIOLATION_EXEC");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsWin32Nt, 0xc0000005, 0, 0).reason,
            "EXCEPTION_ACCESS_VIOLATION");
}

TEST(CrashReason, WindowsInPageErrorAppendsNtStatus) {
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsWin32Nt, 0xc0000006, 0, 0,
                   {0, 0x10, 0xc000009c})
                .reason,
            "EXCEPTION_IN_PAGE_ERROR_READ / STATUS_DEVICE_DATA_ERROR");
}

TEST(CrashReason, WindowsFastFailAndNamedCodes) {
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsWin32Nt, 0xc0000409, 1, 0, {7}).reason,
            "FAST_FAIL_FATAL_APP_EXIT");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsWin32Nt, 0xc0000409, 1, 0).reason,
            "EXCEPTION_STACK_BUFFER_OVERRUN");
  EXPECT_EQ(Reason(SynthCpu::kX86, kOsWin32Nt, 0xc00000fd, 0, 0).reason,
            "EXCEPTION_STACK_OVERFLOW");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsWin32Nt, 0xc000000d, 0, 0).reason,
            "0xc000000d / 0x00000000");
}

TEST(CrashReason, X86AddressIsMaskedTo32Bits) {
  EXPECT_EQ(
      Reason(SynthCpu::kX86, kOsWin32Nt, 0x80000003, 0, 0xffffffff00401000)
          .address,
      0x401000u);
  EXPECT_EQ(
      Reason(SynthCpu::kAmd64, kOsWin32Nt, 0x80000003, 0, 0xffffffff00401000)
          .address,
      0xffffffff00401000u);
}

TEST(CrashReason, MacNamesDependOnArchitecture) {
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsMacOsX, 1, 1, 0).reason,
            "EXC_BAD_ACCESS / KERN_INVALID_ADDRESS");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsMacOsX, 1, 13, 0).reason,
            "EXC_BAD_ACCESS / EXC_I386_GPFLT");
  EXPECT_EQ(Reason(SynthCpu::kArm, kOsIos, 1, 0x101, 0).reason,
            "EXC_BAD_ACCESS / EXC_ARM_DA_ALIGN");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsMacOsX, 3, 1, 0).reason,
            "EXC_ARITHMETIC / EXC_I386_DIV");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsMacOsX, 5, 0x10002, 0).reason,
            "EXC_SOFTWARE / SIGABRT");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsMacOsX, 7, 5, 0).reason,
            "EXC_SYSCALL / 0x00000005");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsIos, 0x43506e78, 0, 0).reason,
            "Uncaught NSException");
  EXPECT_EQ(Reason(SynthCpu::kAmd64, kOsMacOsX, 0, 0, 0).reason,
            "0x00000000 / 0x00000000");
}

TEST(CrashReason, NoSystemInfoGivesNumericReason) {
  ExceptionStream e;
  e.exception_code = 11;
  e.exception_flags = 1;
  EXPECT_EQ(GetCrashReason(e, nullptr).reason, "0x0000000b / 0x00000001");
}

TEST(ExceptionStream, WrongSizeIsCorrupt) {
  auto dump = OpenOrDie(
      SynthDump().AddRawStream(kExceptionStream, std::string(100, '\0')));
  EXPECT_EQ(dump->exception().status().code(), Status::Code::kCorrupt);
}

TEST(ExceptionStream, ContextIsTheCrashState) {
  SynthDump synth;
  synth.AddThread(1, Amd64(0x1, 0x2))
      .SetException(1, 11, 1, 0, {}, Amd64(0x401234, 0x7ff0));
  auto dump = OpenOrDie(synth);
  Result<CpuContext> ctx = dump->ExceptionContext();
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->pc(), 0x401234u);
  EXPECT_EQ(ctx->sp(), 0x7ff0u);
}

}  // namespace
}  // namespace crashbox::minidump
