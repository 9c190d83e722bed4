// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/memory_list.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "app/minidump/format.h"

namespace crashbox::minidump {
namespace {

template <typename T>
std::optional<T> ReadScalar(const MemoryRegion& region, uint64_t address) {
  Result<ByteView> b = region.Read(address, sizeof(T));
  if (!b.ok()) return std::nullopt;
  T v;
  std::memcpy(&v, b->data(), sizeof(T));
  return v;
}

// Sorted by base; true when two consecutive regions overlap.
bool SortAndCheckOverlap(const std::vector<MemoryRegion>& regions,
                         std::vector<size_t>& order) {
  order.resize(regions.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return regions[a].base < regions[b].base;
  });
  for (size_t i = 1; i < order.size(); ++i) {
    const MemoryRegion& prev = regions[order[i - 1]];
    if (regions[order[i]].base - prev.base < prev.size) return true;
  }
  return false;
}

MemoryRegion MakeRegion(ByteView file, uint64_t base, uint64_t size,
                        uint64_t rva) {
  MemoryRegion region{base, size, {}, false};
  if (size <= kMaxRegionBytes) {
    if (Result<ByteView> b = SubView(file, rva, size, "memory region");
        b.ok()) {
      region.bytes = *b;
      region.readable = true;
    }
  }
  return region;
}

}  // namespace

Result<ByteView> MemoryRegion::Read(uint64_t address, uint64_t length) const {
  if (address < base || address - base > size ||
      length > size - (address - base)) {
    return Status::NotFound(fmt::format(
        "0x{:x}+{} outside region 0x{:x}+0x{:x}", address, length, base, size));
  }
  if (!readable)
    return Status::Corrupt(
        fmt::format("region 0x{:x} is not in the file", base));
  return bytes.subspan(address - base, length);
}
std::optional<uint8_t> MemoryRegion::ReadU8(uint64_t a) const {
  return ReadScalar<uint8_t>(*this, a);
}
std::optional<uint16_t> MemoryRegion::ReadU16(uint64_t a) const {
  return ReadScalar<uint16_t>(*this, a);
}
std::optional<uint32_t> MemoryRegion::ReadU32(uint64_t a) const {
  return ReadScalar<uint32_t>(*this, a);
}
std::optional<uint64_t> MemoryRegion::ReadU64(uint64_t a) const {
  return ReadScalar<uint64_t>(*this, a);
}

MemoryList::MemoryList(std::vector<MemoryRegion> regions)
    : regions_(std::move(regions)) {
  SortAndCheckOverlap(regions_, by_base_);
}

const MemoryRegion* MemoryList::Find(uint64_t address) const {
  auto it = std::upper_bound(
      by_base_.begin(), by_base_.end(), address,
      [&](uint64_t a, size_t i) { return a < regions_[i].base; });
  while (it != by_base_.begin()) {
    --it;
    if (regions_[*it].Contains(address)) return &regions_[*it];
    if (regions_[*it].base + regions_[*it].size <= address)
      break;  // sorted, non-overlapping
  }
  return nullptr;
}

Result<MemoryList> ParseMemoryList(ByteView file, ByteView stream) {
  ByteReader r(stream);
  CB_ASSIGN_OR_RETURN(uint32_t count, r.ReadU32("region count"));
  uint64_t want = 4 + uint64_t{count} * kMemoryDescriptorSize;
  if (stream.size() != want) {
    if (stream.size() != want + 4) {
      return Status::Corrupt(
          fmt::format("{} entries need {} bytes, stream has {}", count, want,
                      stream.size()));
    }
    CB_RETURN_IF_ERROR(r.Skip(4, "memory list padding"));
  }
  if (count > kMaxMemoryRegions) {
    return Status::Corrupt(fmt::format("{} regions exceed the limit of {}",
                                       count, kMaxMemoryRegions));
  }
  std::vector<MemoryRegion> regions;
  regions.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t start = r.ReadU64("region start").value();
    uint32_t size = r.ReadU32("region size").value();
    uint32_t rva = r.ReadU32("region rva").value();
    if (size == 0 || size > std::numeric_limits<uint64_t>::max() - start) {
      return Status::Corrupt(
          fmt::format("region {}/{} at 0x{:x}+0x{:x} is empty or overflows", i,
                      count, start, size));
    }
    regions.push_back(MakeRegion(file, start, size, rva));
  }
  std::vector<size_t> order;
  if (SortAndCheckOverlap(regions, order))
    return Status::Corrupt("regions overlap");
  return MemoryList(std::move(regions));
}

Result<MemoryList> ParseMemory64List(ByteView file, ByteView stream) {
  ByteReader r(stream);
  CB_ASSIGN_OR_RETURN(uint64_t count, r.ReadU64("region count"));
  CB_ASSIGN_OR_RETURN(uint64_t rva, r.ReadU64("base rva"));
  if (count > r.remaining() / 16) {
    return Status::Corrupt(fmt::format("{} entries exceed stream of {} bytes",
                                       count, stream.size()));
  }
  std::vector<MemoryRegion> regions;
  regions.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t start = r.ReadU64("region start").value();
    uint64_t size = r.ReadU64("region size").value();
    if (size == 0 || size > std::numeric_limits<uint64_t>::max() - start)
      continue;
    regions.push_back(MakeRegion(file, start, size, rva));
    if (size > std::numeric_limits<uint64_t>::max() - rva)
      break;  // later data cannot exist
    rva += size;
  }
  return MemoryList(std::move(regions));
}

bool MemoryInfo::IsExecutable() const {
  uint32_t p = protection & 0xff;
  return p == 0x10 || p == 0x20 || p == 0x40;
}
bool MemoryInfo::IsWritable() const {
  uint32_t p = protection & 0xff;
  return p == 0x04 || p == 0x08 || p == 0x40 || p == 0x80;
}

const MemoryInfo* MemoryInfoList::Find(uint64_t address) const {
  for (const MemoryInfo& info : infos) {
    if (address >= info.base_address &&
        address - info.base_address < info.region_size) {
      return &info;
    }
  }
  return nullptr;
}

Result<MemoryInfoList> ParseMemoryInfoList(ByteView stream) {
  ByteReader r(stream);
  CB_ASSIGN_OR_RETURN(uint32_t header_size, r.ReadU32("header size"));
  CB_ASSIGN_OR_RETURN(uint32_t entry_size, r.ReadU32("entry size"));
  CB_ASSIGN_OR_RETURN(uint64_t count, r.ReadU64("entry count"));
  if (header_size != 16 || entry_size != 48) {
    return Status::Corrupt(fmt::format(
        "header {} / entry {} bytes, want 16 / 48", header_size, entry_size));
  }
  if (count > (stream.size() - 16) / 48 || stream.size() != 16 + count * 48) {
    return Status::Corrupt(fmt::format(
        "{} entries do not fit stream of {} bytes", count, stream.size()));
  }
  MemoryInfoList list;
  list.infos.reserve(count);
  std::vector<MemoryRegion> ranges;
  for (uint64_t i = 0; i < count; ++i) {
    MemoryInfo m;
    m.base_address = r.ReadU64("base").value();
    m.allocation_base = r.ReadU64("allocation base").value();
    m.allocation_protection = r.ReadU32("allocation protection").value();
    r.ReadU32("alignment").value();
    m.region_size = r.ReadU64("region size").value();
    m.state = r.ReadU32("state").value();
    m.protection = r.ReadU32("protection").value();
    m.type = r.ReadU32("type").value();
    r.ReadU32("alignment").value();
    if (m.region_size == 0 ||
        m.region_size > std::numeric_limits<uint64_t>::max() - m.base_address) {
      return Status::Corrupt(fmt::format(
          "info {} at 0x{:x} is empty or overflows", i, m.base_address));
    }
    ranges.push_back({m.base_address, m.region_size, {}, false});
    list.infos.push_back(m);
  }
  std::vector<size_t> order;
  if (SortAndCheckOverlap(ranges, order))
    return Status::Corrupt("memory infos overlap");
  return list;
}

}  // namespace crashbox::minidump
