// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/module_list.h"

#include <gtest/gtest.h>

#include "app/minidump/test_util.h"

namespace crashbox::minidump {
namespace {

using testing::SynthCpu;
using testing::SynthDump;
using testing::SynthModule;

constexpr std::array<uint8_t, 16> kGuid = {0x7b, 0x4f, 0xc0, 0xb7, 0x2a, 0x5c,
                                           0xaf, 0x80, 0x87, 0x0a, 0x1c, 0x23,
                                           0x46, 0x68, 0xa0, 0xde};

TEST(ModuleList, Pdb70GivesBreakpadDebugId) {
  SynthDump synth(SynthCpu::kX86, kOsWin32Nt);
  synth.AddModule(
      {.name = "C:\\app\\app.exe",
       .base = 0x400000,
       .size = 0x2000,
       .time_date_stamp = 0x4a5bc1d2,
       .version = {{1, 2, 3, 4}},
       .cv_record = SynthDump::Pdb70(kGuid, 0x1a, "c:\\src\\app.pdb")});
  auto dump = OpenOrDie(synth);
  ASSERT_TRUE(dump->modules().ok()) << dump->modules().status().ToString();
  const Module& m = dump->modules()->modules()[0];
  EXPECT_EQ(m.code_file, "C:\\app\\app.exe");
  EXPECT_EQ(m.debug_file, "c:\\src\\app.pdb");
  EXPECT_EQ(m.debug_id, "B7C04F7B5C2A80AF870A1C234668A0DE1a");
  EXPECT_EQ(m.code_id, "4A5BC1D22000");
  EXPECT_EQ(m.version, "1.2.3.4");
  EXPECT_EQ(m.cv_kind, CodeViewKind::kPdb70);
}

TEST(ModuleList, ElfBuildIdSwapsLikeAGuid) {
  std::string build_id =
      "\x7b\x4f\xc0\xb7\x2a\x5c\xaf\x80\x87\x0a\x1c\x23\x46\x68\xa0\xde\x01\x02"
      "\x03\x04";
  auto dump =
      OpenOrDie(SynthDump().AddModule({.name = "/usr/lib/libc.so.6",
                                       .base = 0x7f0000,
                                       .size = 0x1000,
                                       .cv_record = SynthDump::Elf(build_id)}));
  const Module& m = dump->modules()->modules()[0];
  EXPECT_EQ(m.debug_id, "B7C04F7B5C2A80AF870A1C234668A0DE0");
  EXPECT_EQ(m.code_id, "7b4fc0b72a5caf80870a1c234668a0de01020304");
  EXPECT_EQ(m.debug_file, "/usr/lib/libc.so.6");
}

TEST(ModuleList, ShortElfBuildIdIsZeroPadded) {
  auto dump = OpenOrDie(
      SynthDump().AddModule({.name = "a.so",
                             .base = 0x1000,
                             .size = 0x1000,
                             .cv_record = SynthDump::Elf("\x01\x02\x03\x04")}));
  EXPECT_EQ(dump->modules()->modules()[0].debug_id,
            "040302010000000000000000000000000");
}

TEST(ModuleList, Pdb20UsesSignatureAndAge) {
  SynthDump synth(SynthCpu::kX86, kOsWin32Nt);
  synth.AddModule({.name = "old.dll",
                   .base = 0x1000,
                   .size = 0x1000,
                   .cv_record = SynthDump::Pdb20(0x3f1a2b3c, 2, "old.pdb")});
  auto dump = OpenOrDie(synth);
  EXPECT_EQ(dump->modules()->modules()[0].debug_id, "3F1A2B3C2");
  EXPECT_EQ(dump->modules()->modules()[0].debug_file, "old.pdb");
}

TEST(ModuleList, MiscRecordSuppliesDebugFile) {
  SynthDump synth(SynthCpu::kX86, kOsWin32Nt);
  synth.AddModule({.name = "x.dll",
                   .base = 0x1000,
                   .size = 0x1000,
                   .misc_record = SynthDump::MiscRecord("x.dbg")});
  auto dump = OpenOrDie(synth);
  EXPECT_EQ(dump->modules()->modules()[0].debug_file.substr(0, 5), "x.dbg");
  EXPECT_EQ(dump->modules()->modules()[0].debug_id, "");
}

TEST(ModuleList, UnterminatedPdbNameDropsDebugInfoOnly) {
  SynthDump synth(SynthCpu::kX86, kOsWin32Nt);
  std::string cv = SynthDump::Pdb70(kGuid, 1, "a.pdb");
  cv.back() = 'x';
  synth.AddModule(
      {.name = "a.dll", .base = 0x1000, .size = 0x1000, .cv_record = cv});
  auto dump = OpenOrDie(synth);
  ASSERT_TRUE(dump->modules().ok());
  EXPECT_EQ(dump->modules()->modules()[0].code_file, "a.dll");
  EXPECT_EQ(dump->modules()->modules()[0].debug_id, "");
  EXPECT_EQ(dump->modules()->modules()[0].code_id, "");
}

TEST(ModuleList, LinuxWithoutCodeViewHasIdCodeId) {
  auto dump = OpenOrDie(
      SynthDump().AddModule({.name = "a.so", .base = 0x1000, .size = 0x1000}));
  EXPECT_EQ(dump->modules()->modules()[0].code_id, "id");
}

TEST(ModuleList, FindsModulesByAddressAndSortsByBase) {
  auto dump = OpenOrDie(
      SynthDump()
          .AddModule({.name = "main", .base = 0x9000, .size = 0x1000})
          .AddModule({.name = "lib", .base = 0x1000, .size = 0x2000}));
  const ModuleList& list = *dump->modules();
  EXPECT_EQ(list.main_module()->code_file, "main");
  EXPECT_EQ(list.ByAddress()[0]->code_file, "lib");
  EXPECT_EQ(list.FindByAddress(0x2fff)->code_file, "lib");
  EXPECT_EQ(list.FindByAddress(0x3000), nullptr);
  EXPECT_EQ(list.FindByAddress(0x9000)->code_file, "main");
}

TEST(ModuleList, DropsExactDuplicates) {
  SynthModule m{.name = "a.so", .base = 0x1000, .size = 0x1000};
  auto dump = OpenOrDie(SynthDump().AddModule(m).AddModule(m));
  EXPECT_EQ(dump->modules()->size(), 1u);
}

TEST(ModuleList, OverlapIsCorruptOnWindowsButNotLinux) {
  for (uint32_t platform : {uint32_t{kOsWin32Nt}, uint32_t{kOsLinux}}) {
    SynthDump synth(SynthCpu::kAmd64, platform);
    synth.AddModule({.name = "a", .base = 0x1000, .size = 0x2000})
        .AddModule({.name = "b", .base = 0x2000, .size = 0x2000});
    auto dump = OpenOrDie(synth);
    EXPECT_EQ(dump->modules().ok(), platform == kOsLinux) << platform;
  }
}

TEST(ModuleList, AcceptsFourBytePadding) {
  auto dump = OpenOrDie(SynthDump()
                            .AddModule({.name = "a", .base = 0x1000})
                            .AddListPadding(kModuleListStream));
  ASSERT_TRUE(dump->modules().ok()) << dump->modules().status().ToString();
  EXPECT_EQ(dump->modules()->modules()[0].code_file, "a");
}

TEST(ModuleList, LyingCountIsCorrupt) {
  auto dump = OpenOrDie(SynthDump()
                            .AddModule({.name = "a", .base = 0x1000})
                            .OverrideListCount(kModuleListStream, 3));
  EXPECT_EQ(dump->modules().status().code(), Status::Code::kCorrupt);
}

TEST(ModuleList, EmptyRangeIsCorrupt) {
  auto dump = OpenOrDie(
      SynthDump().AddModule({.name = "a", .base = 0x1000, .size = 0}));
  EXPECT_EQ(dump->modules().status().code(), Status::Code::kCorrupt);
}

TEST(UnloadedModuleList, ReadsNamesAndRanges) {
  SynthDump synth(SynthCpu::kAmd64, kOsWin32Nt);
  synth.AddUnloadedModule("gone.dll", 0x5000, 0x1000);
  auto dump = OpenOrDie(synth);
  ASSERT_TRUE(dump->unloaded_modules().ok())
      << dump->unloaded_modules().status().ToString();
  EXPECT_EQ((*dump->unloaded_modules())[0].code_file, "gone.dll");
  EXPECT_EQ((*dump->unloaded_modules())[0].code_id, "000000001000");
}

}  // namespace
}  // namespace crashbox::minidump
