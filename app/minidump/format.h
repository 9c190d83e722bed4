// SPDX-License-Identifier: MPL-2.0
// Minidump on-disk constants: stream types, CPU architectures, OS platform ids
// and the fixed sizes of the raw records this module reads. Values follow
// Breakpad's minidump_format.h (which mirrors Microsoft's DbgHelp.h); all
// multi-byte fields in a minidump are little-endian.
#pragma once

#include <cstdint>

namespace crashbox::minidump {

inline constexpr uint32_t kHeaderSignature = 0x504d444d;  // "MDMP"
inline constexpr uint32_t kHeaderVersion =
    0xa793;  // low 16 bits of header.version

// Stream types (directory entry stream_type).
enum StreamType : uint32_t {
  kThreadListStream = 3,
  kModuleListStream = 4,
  kMemoryListStream = 5,
  kExceptionStream = 6,
  kSystemInfoStream = 7,
  kMemory64ListStream = 9,
  kUnloadedModuleListStream = 14,
  kMiscInfoStream = 15,
  kMemoryInfoListStream = 16,
  kThreadNamesStream = 24,
  kBreakpadInfoStream = 0x47670001,
  kAssertionInfoStream = 0x47670002,
  kLinuxCpuInfoStream = 0x47670003,
  kLinuxProcStatusStream = 0x47670004,
  kLinuxLsbReleaseStream = 0x47670005,
  kLinuxCmdLineStream = 0x47670006,
  kLinuxEnvironStream = 0x47670007,
  kLinuxAuxvStream = 0x47670008,
  kLinuxMapsStream = 0x47670009,
  kLinuxDsoDebugStream = 0x4767000A,
  kCrashpadInfoStream = 0x43500001,
};

// SystemInfo.processor_architecture.
enum CpuArchitecture : uint16_t {
  kCpuX86 = 0,
  kCpuMips = 1,
  kCpuPpc = 3,
  kCpuShx = 4,
  kCpuArm = 5,
  kCpuIa64 = 6,
  kCpuAmd64 = 9,
  kCpuX86Win64 = 10,
  kCpuArm64 = 12,
  kCpuSparc = 0x8001,
  kCpuPpc64 = 0x8002,
  kCpuArm64Old = 0x8003,
  kCpuMips64 = 0x8004,
  kCpuLoongArch64 = 0x8005,
  kCpuUnknown = 0xffff,
};

// SystemInfo.platform_id.
enum OsPlatform : uint32_t {
  kOsWin32s = 0,
  kOsWin32Windows = 1,
  kOsWin32Nt = 2,
  kOsWin32Ce = 3,
  kOsUnix = 0x8000,
  kOsMacOsX = 0x8101,
  kOsIos = 0x8102,
  kOsLinux = 0x8201,
  kOsSolaris = 0x8202,
  kOsAndroid = 0x8203,
  kOsPs3 = 0x8204,
  kOsNacl = 0x8205,
  kOsFuchsia = 0x8206,
};

// Context flags: the CPU type lives in the bits of kContextCpuMask.
inline constexpr uint32_t kContextCpuMask = 0xffffff00;
inline constexpr uint32_t kContextX86 = 0x00010000;
inline constexpr uint32_t kContextAmd64 = 0x00100000;
inline constexpr uint32_t kContextArm = 0x40000000;
inline constexpr uint32_t kContextArmOld =
    0x00000040;  // Windows CE value, clashes with XSTATE
inline constexpr uint32_t kContextArm64 = 0x00400000;
inline constexpr uint32_t kContextArm64Old = 0x80000000;
inline constexpr uint32_t kContextPpc = 0x20000000;
inline constexpr uint32_t kContextPpc64 = 0x01000000;
inline constexpr uint32_t kContextSparc = 0x10000000;
inline constexpr uint32_t kContextMips = 0x00040000;
inline constexpr uint32_t kContextMips64 = 0x00080000;

// Raw record sizes (bytes).
inline constexpr uint32_t kHeaderSize = 32;
inline constexpr uint32_t kDirectoryEntrySize = 12;
inline constexpr uint32_t kThreadSize = 48;
inline constexpr uint32_t kModuleSize = 108;
inline constexpr uint32_t kMemoryDescriptorSize = 16;
inline constexpr uint32_t kExceptionStreamSize = 168;
inline constexpr uint32_t kSystemInfoSize = 56;
inline constexpr uint32_t kBreakpadInfoSize = 12;
inline constexpr uint32_t kCrashpadInfoSize = 52;
inline constexpr uint32_t kContextX86Size = 716;
inline constexpr uint32_t kContextAmd64Size = 1232;
inline constexpr uint32_t kContextArmSize = 368;
inline constexpr uint32_t kContextArm64Size = 912;
inline constexpr uint32_t kContextArm64OldSize = 796;
inline constexpr uint32_t kContextPpc64Size = 1128;

// Limits Breakpad enforces; a list over its limit is rejected as a whole.
inline constexpr uint32_t kMaxStreams = 128;
inline constexpr uint32_t kMaxThreads = 4096;
inline constexpr uint32_t kMaxModules = 2048;
inline constexpr uint32_t kMaxMemoryRegions = 4096;
inline constexpr uint32_t kMaxStringUnits =
    1024;  // UTF-16 units (or UTF-8 bytes)
inline constexpr uint32_t kMaxCodeViewBytes = 32768;
inline constexpr uint32_t kMaxRegionBytes = 64u * 1024 * 1024;

// CodeView signatures (first u32 of a module's CV record, little-endian).
inline constexpr uint32_t kCvPdb70 = 0x53445352;  // "RSDS"
inline constexpr uint32_t kCvPdb20 = 0x3031424e;  // "NB10"
inline constexpr uint32_t kCvElf =
    0x4270454c;  // Breakpad "BpEL" (bytes "LEpB")

// MINIDUMP_LOCATION_DESCRIPTOR: a byte range of the file.
struct LocationDescriptor {
  uint32_t data_size = 0;
  uint32_t rva = 0;
};

// MINIDUMP_MEMORY_DESCRIPTOR: process memory [start, start+data_size) stored
// at file offset memory.rva.
struct MemoryDescriptor {
  uint64_t start_of_memory_range = 0;
  LocationDescriptor memory;
};

}  // namespace crashbox::minidump
