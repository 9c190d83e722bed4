// SPDX-License-Identifier: MPL-2.0
// Process memory captured in the dump: the memory list (type 5), the
// memory64 list (type 9, full-memory dumps) and the memory info list (type
// 16, page protections). MemoryRegion views point into the dump's bytes, so
// they live as long as the Minidump that produced them.
//
// Memory list rules follow Breakpad's MinidumpMemoryList::Read: size = 4 +
// 16*n (+4 padding allowed), at most kMaxMemoryRegions, and any empty,
// overflowing or overlapping region makes the whole list kCorrupt. A region
// whose bytes lie outside the file (or exceed kMaxRegionBytes) stays listed
// but is unreadable, as Breakpad only fails when it reads it.
//
// Memory64: {u64 count, u64 base_rva} then 16-byte {start, size}
// descriptors; the data of all regions follows base_rva back to back. The
// count is capped by the stream size.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "app/base/byte_reader.h"
#include "app/base/status.h"

namespace crashbox::minidump {

struct MemoryRegion {
  uint64_t base = 0;
  uint64_t size = 0;
  ByteView bytes;  // size bytes when readable, else empty
  bool readable = false;

  bool Contains(uint64_t address) const {
    return address >= base && address - base < size;
  }
  // `length` bytes at `address`; kNotFound when not entirely inside the
  // region, kCorrupt when the region's data is not in the file.
  Result<ByteView> Read(uint64_t address, uint64_t length) const;
  std::optional<uint8_t> ReadU8(uint64_t address) const;
  std::optional<uint16_t> ReadU16(uint64_t address) const;
  std::optional<uint32_t> ReadU32(uint64_t address) const;
  std::optional<uint64_t> ReadU64(uint64_t address) const;
};

class MemoryList {
 public:
  MemoryList() = default;
  explicit MemoryList(std::vector<MemoryRegion> regions);

  const std::vector<MemoryRegion>& regions() const {
    return regions_;
  }  // file order
  // The region containing `address`, or null.
  const MemoryRegion* Find(uint64_t address) const;

 private:
  std::vector<MemoryRegion> regions_;
  std::vector<size_t> by_base_;
};

Result<MemoryList> ParseMemoryList(ByteView file, ByteView stream);
Result<MemoryList> ParseMemory64List(ByteView file, ByteView stream);

struct MemoryInfo {
  uint64_t base_address = 0;
  uint64_t allocation_base = 0;
  uint32_t allocation_protection = 0;
  uint64_t region_size = 0;
  uint32_t state =
      0;  // MEM_COMMIT 0x1000, MEM_RESERVE 0x2000, MEM_FREE 0x10000
  uint32_t protection = 0;  // PAGE_* flags
  uint32_t type = 0;        // MEM_PRIVATE, MEM_MAPPED, MEM_IMAGE
  bool IsExecutable() const;
  bool IsWritable() const;
};

struct MemoryInfoList {
  std::vector<MemoryInfo> infos;
  const MemoryInfo* Find(uint64_t address) const;
};

// {u32 header size = 16, u32 entry size = 48, u64 count} + entries; sizes and
// counts must agree exactly, ranges must not be empty or overlap (Breakpad).
Result<MemoryInfoList> ParseMemoryInfoList(ByteView stream);

}  // namespace crashbox::minidump
