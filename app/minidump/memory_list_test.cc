// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/memory_list.h"

#include <gtest/gtest.h>

#include "app/minidump/test_util.h"

namespace crashbox::minidump {
namespace {

using testing::SynthDump;

TEST(MemoryList, ReadsValuesAtAddresses) {
  auto dump = OpenOrDie(SynthDump().AddMemory(
      0x1000, std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8)));
  const Result<MemoryList>& list = dump->memory_list();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  const MemoryRegion* r = list->Find(0x1004);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->ReadU32(0x1000), 0x04030201u);
  EXPECT_EQ(r->ReadU64(0x1000), 0x0807060504030201u);
  EXPECT_EQ(r->ReadU16(0x1006), 0x0807u);
  EXPECT_FALSE(r->ReadU32(0x1006).has_value());  // crosses the end
  EXPECT_EQ(r->Read(0x1002, 2)->size(), 2u);
  EXPECT_EQ(r->Read(0x0fff, 2).status().code(), Status::Code::kNotFound);
}

TEST(MemoryList, FindsAmongManyRegions) {
  SynthDump synth;
  for (uint64_t i = 0; i < 20; ++i)
    synth.AddMemory(0x10000 * (20 - i), std::string(16, char('a' + i)));
  auto dump = OpenOrDie(synth);
  ASSERT_TRUE(dump->memory_list().ok());
  EXPECT_EQ(dump->memory_list()->Find(0x50008)->ReadU8(0x50008), 'p');
  EXPECT_EQ(dump->memory_list()->Find(0x50010), nullptr);
}

TEST(MemoryList, OverlappingRegionsAreCorrupt) {
  auto dump = OpenOrDie(
      SynthDump().AddMemory(0x1000, "abcd").AddMemory(0x1002, "efgh"));
  EXPECT_EQ(dump->memory_list().status().code(), Status::Code::kCorrupt);
}

TEST(MemoryList, EmptyRegionIsCorrupt) {
  auto dump = OpenOrDie(SynthDump().AddMemory(0x1000, ""));
  EXPECT_EQ(dump->memory_list().status().code(), Status::Code::kCorrupt);
}

TEST(MemoryList, LyingCountIsCorrupt) {
  auto dump = OpenOrDie(SynthDump()
                            .AddMemory(0x1000, "abcd")
                            .OverrideListCount(kMemoryListStream, 1u << 30));
  EXPECT_EQ(dump->memory_list().status().code(), Status::Code::kCorrupt);
}

TEST(MemoryList, AcceptsFourBytePadding) {
  auto dump = OpenOrDie(
      SynthDump().AddMemory(0x1000, "abcd").AddListPadding(kMemoryListStream));
  ASSERT_TRUE(dump->memory_list().ok());
  EXPECT_EQ(dump->memory_list()->regions()[0].base, 0x1000u);
}

TEST(MemoryList, RegionDataOutsideFileIsUnreadable) {
  std::string bytes =
      SynthDump().AddMemory(0x1000, std::string(4096, 'm')).Build();
  auto dump = OpenOrDie(SynthDump::Truncate(bytes, bytes.size() - 10));
  // The descriptor itself is in the file only if the list precedes the data;
  // SynthDump writes data first, so the list is cut instead: either way the
  // region cannot be read.
  const MemoryRegion* r = dump->FindMemory(0x1000);
  EXPECT_TRUE(r == nullptr || !r->ReadU8(0x1000).has_value());
}

TEST(Memory64List, RegionsFollowBaseRvaBackToBack) {
  auto dump = OpenOrDie(
      SynthDump().AddMemory64(0x1000, "abcd").AddMemory64(0x8000, "efgh"));
  const Result<MemoryList>& list = dump->memory64_list();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->regions().size(), 2u);
  EXPECT_EQ(list->Find(0x8001)->ReadU8(0x8001), 'f');
  EXPECT_EQ(list->Find(0x1003)->ReadU8(0x1003), 'd');
}

TEST(Memory64List, CountBeyondStreamIsCorrupt) {
  std::string body =
      std::string("\xff\xff\xff\xff\xff\xff\xff\x0f", 8) + std::string(8, '\0');
  auto dump = OpenOrDie(SynthDump().AddRawStream(kMemory64ListStream, body));
  EXPECT_EQ(dump->memory64_list().status().code(), Status::Code::kCorrupt);
}

std::string MemoryInfoEntry(uint64_t base, uint64_t size, uint32_t protection) {
  std::string e(48, '\0');
  std::memcpy(e.data(), &base, 8);
  std::memcpy(e.data() + 24, &size, 8);
  uint32_t state = 0x1000;
  std::memcpy(e.data() + 32, &state, 4);
  std::memcpy(e.data() + 36, &protection, 4);
  return e;
}

std::string MemoryInfoStream(const std::string& entries, uint64_t count) {
  std::string h(16, '\0');
  uint32_t hs = 16, es = 48;
  std::memcpy(h.data(), &hs, 4);
  std::memcpy(h.data() + 4, &es, 4);
  std::memcpy(h.data() + 8, &count, 8);
  return h + entries;
}

TEST(MemoryInfoList, ReadsProtections) {
  std::string s = MemoryInfoStream(MemoryInfoEntry(0x1000, 0x1000, 0x20) +
                                       MemoryInfoEntry(0x2000, 0x1000, 0x04),
                                   2);
  auto dump = OpenOrDie(SynthDump().AddRawStream(kMemoryInfoListStream, s));
  const Result<MemoryInfoList>& infos = dump->memory_info();
  ASSERT_TRUE(infos.ok()) << infos.status().ToString();
  EXPECT_TRUE(infos->Find(0x1800)->IsExecutable());
  EXPECT_TRUE(infos->Find(0x2800)->IsWritable());
  EXPECT_EQ(infos->Find(0x3000), nullptr);
}

TEST(MemoryInfoList, LyingCountIsCorrupt) {
  auto dump = OpenOrDie(SynthDump().AddRawStream(
      kMemoryInfoListStream,
      MemoryInfoStream(MemoryInfoEntry(0x1000, 0x1000, 4), 1u << 31)));
  EXPECT_EQ(dump->memory_info().status().code(), Status::Code::kCorrupt);
}

}  // namespace
}  // namespace crashbox::minidump
