// SPDX-License-Identifier: MPL-2.0
// System info stream (type 7): CPU architecture, OS platform and version.
// The string helpers reproduce what Breakpad's minidump_stackwalk prints in
// its "OS|" and "CPU|" lines (MinidumpProcessor::GetOSInfo / GetCPUInfo).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "app/base/byte_reader.h"
#include "app/base/status.h"

namespace crashbox::minidump {

struct SystemInfo {
  uint16_t processor_architecture = 0;  // CpuArchitecture
  uint16_t processor_level = 0;         // x86: family
  uint16_t processor_revision = 0;      // x86: model << 8 | stepping
  uint8_t number_of_processors = 0;
  uint8_t product_type = 0;
  uint32_t major_version = 0;
  uint32_t minor_version = 0;
  uint32_t build_number = 0;
  uint32_t platform_id = 0;  // OsPlatform
  uint32_t csd_version_rva = 0;
  uint16_t suite_mask = 0;
  // The 24-byte CPU union, decoded every way; which view applies depends on
  // processor_architecture.
  std::array<uint32_t, 3> x86_vendor_id{};
  uint32_t x86_version_information = 0;
  uint32_t x86_feature_information = 0;
  uint32_t x86_amd_extended_cpu_features = 0;
  uint32_t arm_cpuid = 0;
  uint32_t arm_elf_hwcaps = 0;
  std::array<uint64_t, 2> processor_features{};
  // Service pack / kernel string; nullopt when its RVA does not hold a valid
  // string (Breakpad then prints no version suffix).
  std::optional<std::string> csd_version;
  // "GenuineIntel" etc.; only for x86 and x86-win64 architectures, as Breakpad.
  std::optional<std::string> cpu_vendor;
};

// Parses the stream; `file` is the whole dump (for the CSD version string).
// kCorrupt when the stream is not exactly 56 bytes.
Result<SystemInfo> ParseSystemInfo(ByteView file, ByteView stream);

// "x86", "amd64", "arm", "arm64", "ppc", ... or "0x%04x".
std::string CpuString(const SystemInfo& info);
// "GenuineIntel family 6 model 26 stepping 5", "family 6 model 63 stepping 2"
// (amd64 has no vendor), "ARMv7 ARM Cortex-A9 features: swp,half,..." or "".
std::string CpuInfoString(const SystemInfo& info);
// "Windows NT", "Linux", "Mac OS X", ... or "0x%08x".
std::string OsString(const SystemInfo& info);
// "windows", "linux", "mac", ... or "" (Breakpad's MinidumpSystemInfo::GetOS).
std::string OsShortString(const SystemInfo& info);
// "6.1.7600 Service Pack 2": major.minor.build plus " " + CSD when readable.
std::string OsVersionString(const SystemInfo& info);

}  // namespace crashbox::minidump
