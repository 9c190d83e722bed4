// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/crashpad_info.h"

#include <gtest/gtest.h>

#include "app/minidump/test_util.h"

namespace crashbox::minidump {
namespace {

using testing::SynthCrashpad;
using testing::SynthDump;

TEST(CrashpadInfo, ReadsAnnotationsOfEveryKind) {
  SynthCrashpad cp;
  cp.report_id = {0x78, 0x56, 0x34, 0x12, 0xbc, 0x9a, 0xf0, 0xde,
                  1,    2,    3,    4,    5,    6,    7,    8};
  cp.simple_annotations = {{"prod", "Firebird"}};
  cp.modules.push_back({.module_index = 2,
                        .list_annotations = {"abort message"},
                        .simple_annotations = {{"k", "v"}},
                        .annotation_objects = {{"crash_reason", "OOM"}}});
  auto dump = OpenOrDie(SynthDump().SetCrashpadInfo(cp));
  const Result<CrashpadInfo>& info = dump->crashpad_info();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->report_id, "12345678-9abc-def0-0102-030405060708");
  EXPECT_EQ(info->simple_annotations.at("prod"), "Firebird");
  ASSERT_EQ(info->modules.size(), 1u);
  const CrashpadModuleInfo& m = info->modules[0];
  EXPECT_EQ(m.module_index, 2u);
  EXPECT_EQ(m.list_annotations, std::vector<std::string>{"abort message"});
  EXPECT_EQ(m.simple_annotations.at("k"), "v");
  ASSERT_EQ(m.annotation_objects.size(), 1u);
  EXPECT_EQ(m.annotation_objects[0].name, "crash_reason");
  EXPECT_EQ(m.annotation_objects[0].type, 1);
  EXPECT_EQ(m.annotation_objects[0].value, "OOM");
}

TEST(CrashpadInfo, WrongSizeIsCorrupt) {
  auto dump = OpenOrDie(
      SynthDump().AddRawStream(kCrashpadInfoStream, std::string(40, '\0')));
  EXPECT_EQ(dump->crashpad_info().status().code(), Status::Code::kCorrupt);
}

TEST(CrashpadInfo, LyingModuleCountIsCorrupt) {
  std::string body(52, '\0');
  uint32_t loc[2] = {16, 60};  // module list: 16 bytes at 60
  std::memcpy(body.data() + 44, loc, 8);
  std::string list(16, '\0');
  uint32_t count = 0x10000000;
  std::memcpy(list.data(), &count, 4);
  SynthDump synth;
  synth.AddRawStream(kCrashpadInfoStream, body);
  std::string bytes = synth.Build() + list;
  // Point the module list at the appended bytes.
  uint32_t at = static_cast<uint32_t>(bytes.size() - 16);
  size_t stream_at = bytes.find(body);
  std::memcpy(bytes.data() + stream_at + 48, &at, 4);
  auto dump = OpenOrDie(bytes);
  EXPECT_EQ(dump->crashpad_info().status().code(), Status::Code::kCorrupt);
}

}  // namespace
}  // namespace crashbox::minidump
