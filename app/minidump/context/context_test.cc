// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/context/cpu_context.h"

#include <gtest/gtest.h>

#include <cstring>

#include "app/minidump/context/parse_context.h"
#include "app/minidump/format.h"

#include "app/minidump/test_util.h"

namespace crashbox::minidump {
namespace {

using testing::SynthContext;
using testing::SynthCpu;
using testing::SynthDump;

Result<CpuContext> ThreadContextOf(SynthCpu dump_cpu, SynthContext ctx) {
  auto dump = OpenOrDie(SynthDump(dump_cpu).AddThread(1, std::move(ctx)));
  if (!dump->threads().ok()) return dump->threads().status();
  return dump->ThreadContext(dump->threads()->threads[0]);
}

TEST(Amd64Context, ReadsRegistersByName) {
  Result<CpuContext> ctx = ThreadContextOf(
      SynthCpu::kAmd64,
      {SynthCpu::kAmd64,
       {{"rip", 0x401000}, {"rsp", 0x7ff0}, {"rbp", 0x7ff8}, {"r15", 15}},
       {}});
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->cpu(), Cpu::kAmd64);
  EXPECT_EQ(ctx->pc(), 0x401000u);
  EXPECT_EQ(ctx->sp(), 0x7ff0u);
  EXPECT_EQ(ctx->fp(), 0x7ff8u);
  EXPECT_EQ(ctx->Get("r15"), 15u);
  EXPECT_TRUE(ctx->IsValid("rax"));
  EXPECT_EQ(ctx->RegisterNames().size(), 17u);
}

TEST(X86Context, ReadsRegistersByName) {
  Result<CpuContext> ctx = ThreadContextOf(
      SynthCpu::kX86,
      {SynthCpu::kX86,
       {{"eip", 0x401000}, {"esp", 0x7ff0}, {"ebp", 0x7ff8}, {"efl", 0x246}},
       {}});
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->pc(), 0x401000u);
  EXPECT_EQ(ctx->fp(), 0x7ff8u);
  EXPECT_EQ(ctx->Get("eflags"), 0x246u);
}

TEST(ArmContext, ReadsRegistersAndAliases) {
  Result<CpuContext> ctx = ThreadContextOf(
      SynthCpu::kArm,
      {SynthCpu::kArm,
       {{"pc", 0x8000}, {"sp", 0x7000}, {"r11", 0x7010}, {"lr", 0x8100}},
       {}});
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->pc(), 0x8000u);
  EXPECT_EQ(ctx->Get("r13"), 0x7000u);
  EXPECT_EQ(ctx->fp(), 0x7010u);
  EXPECT_EQ(ctx->Get("r14"), 0x8100u);
}

TEST(ArmContext, LegacyWindowsCeFlagIsAccepted) {
  Result<CpuContext> ctx =
      ThreadContextOf(SynthCpu::kArm, {SynthCpu::kArm, {{"pc", 4}}, 0x46});
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->cpu(), Cpu::kArm);
  EXPECT_EQ(ctx->context_flags(), 0x40000006u);
}

TEST(Arm64Context, ReadsCurrentLayout) {
  Result<CpuContext> ctx = ThreadContextOf(
      SynthCpu::kArm64,
      {SynthCpu::kArm64,
       {{"pc", 0x1000}, {"sp", 0x2000}, {"fp", 0x2010}, {"x0", 7}},
       {}});
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->cpu(), Cpu::kArm64);
  EXPECT_EQ(ctx->pc(), 0x1000u);
  EXPECT_EQ(ctx->sp(), 0x2000u);
  EXPECT_EQ(ctx->Get("x29"), 0x2010u);
  EXPECT_EQ(ctx->Get("x0"), 7u);
}

TEST(Arm64Context, ConvertsOldLayout) {
  Result<CpuContext> ctx = ThreadContextOf(
      SynthCpu::kArm64Old, {SynthCpu::kArm64Old,
                            {{"pc", 0x1000}, {"sp", 0x2000}, {"lr", 0x3000}},
                            {}});
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->cpu(), Cpu::kArm64);
  EXPECT_EQ(ctx->context_flags() & 0xffffff00, 0x00400000u);
  EXPECT_EQ(ctx->pc(), 0x1000u);
  EXPECT_EQ(ctx->Get("lr"), 0x3000u);
}

TEST(Context, MismatchWithSystemInfoIsCorrupt) {
  Result<CpuContext> ctx =
      ThreadContextOf(SynthCpu::kArm64, {SynthCpu::kAmd64, {{"rip", 1}}, {}});
  ASSERT_FALSE(ctx.ok());
  EXPECT_EQ(ctx.status().code(), Status::Code::kCorrupt);
}

TEST(Context, X86ContextIsAcceptedInAmd64Dump) {
  EXPECT_TRUE(
      ThreadContextOf(SynthCpu::kAmd64, {SynthCpu::kX86, {{"eip", 1}}, {}})
          .ok());
}

TEST(Context, MissingCpuBitsComeFromSystemInfo) {
  Result<CpuContext> ctx =
      ThreadContextOf(SynthCpu::kX86, {SynthCpu::kX86, {{"eip", 9}}, 0x7});
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->pc(), 9u);
}

TEST(Context, WrongSizeForCpuIsCorrupt) {
  SynthDump synth(SynthCpu::kX86);
  synth.AddThread(1, {SynthCpu::kX86, {}, {}});
  auto dump = OpenOrDie(synth);
  LocationDescriptor where = dump->threads()->threads[0].context;
  where.data_size -= 4;
  EXPECT_FALSE(dump->ReadContext(where).ok());
}

TEST(Context, RecordOutsideFileIsCorrupt) {
  auto dump = OpenOrDie(SynthDump().AddThread(1, Amd64(1, 2)));
  LocationDescriptor where{1232, 0xfffffff0};
  EXPECT_EQ(dump->ReadContext(where).status().code(), Status::Code::kCorrupt);
}

TEST(Context, Amd64ContextWithXsaveAreaIsAccepted) {
  // A CET/AVX Windows context: CONTEXT_AMD64 | CONTEXT_XSTATE flags, the
  // 1232-byte CONTEXT followed by the XSAVE area.
  std::string raw(kContextAmd64Size + 0x200, '\0');
  uint32_t flags = kContextAmd64 | 0x4b;
  std::memcpy(raw.data() + 48, &flags, 4);
  uint64_t rip = 0x7ff912345678;
  std::memcpy(raw.data() + 0xf8, &rip, 8);  // CONTEXT.Rip
  Result<CpuContext> ctx = ParseContext(AsBytes(raw), {});
  ASSERT_TRUE(ctx.ok()) << ctx.status().ToString();
  EXPECT_EQ(ctx->cpu(), Cpu::kAmd64);
  EXPECT_EQ(ctx->pc(), rip);
}

TEST(CpuContext, ValidityIsPerRegister) {
  CpuContext ctx(Cpu::kAmd64);
  EXPECT_FALSE(ctx.Get("rip").has_value());
  EXPECT_TRUE(ctx.Set("rip", 5));
  EXPECT_FALSE(ctx.Set("x0", 5));
  EXPECT_EQ(ctx.Get("rip"), 5u);
  ctx.Invalidate("rip");
  EXPECT_FALSE(ctx.IsValid("rip"));
  EXPECT_EQ(ctx.pc(), 0u);
  ctx.SetAllValid();
  EXPECT_TRUE(ctx.IsValid("r15"));
  EXPECT_EQ(ctx.RegisterIndex("nope"), -1);
}

}  // namespace
}  // namespace crashbox::minidump
