// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/system_info.h"

#include <fmt/format.h>

#include "app/minidump/dump_strings.h"
#include "app/minidump/format.h"

namespace crashbox::minidump {

Result<SystemInfo> ParseSystemInfo(ByteView file, ByteView stream) {
  if (stream.size() != kSystemInfoSize) {
    return Status::Corrupt(fmt::format("stream is {} bytes, want {}",
                                       stream.size(), kSystemInfoSize));
  }
  ByteReader r(stream);
  SystemInfo s;
  s.processor_architecture = r.ReadU16("arch").value();
  s.processor_level = r.ReadU16("level").value();
  s.processor_revision = r.ReadU16("revision").value();
  s.number_of_processors = r.ReadU8("cpus").value();
  s.product_type = r.ReadU8("product").value();
  s.major_version = r.ReadU32("major").value();
  s.minor_version = r.ReadU32("minor").value();
  s.build_number = r.ReadU32("build").value();
  s.platform_id = r.ReadU32("platform").value();
  s.csd_version_rva = r.ReadU32("csd").value();
  s.suite_mask = r.ReadU16("suite").value();
  r.ReadU16("reserved").value();
  size_t cpu_at = r.offset();
  for (uint32_t& v : s.x86_vendor_id) v = r.ReadU32("vendor").value();
  s.x86_version_information = r.ReadU32("version").value();
  s.x86_feature_information = r.ReadU32("features").value();
  s.x86_amd_extended_cpu_features = r.ReadU32("amd features").value();
  r.Seek(cpu_at);
  s.arm_cpuid = r.ReadU32("cpuid").value();
  s.arm_elf_hwcaps = r.ReadU32("hwcaps").value();
  r.Seek(cpu_at);
  s.processor_features[0] = r.ReadU64("features0").value();
  s.processor_features[1] = r.ReadU64("features1").value();

  if (Result<std::string> csd = ReadUtf16String(file, s.csd_version_rva);
      csd.ok()) {
    s.csd_version = std::move(csd).value();
  }
  if (s.processor_architecture == kCpuX86 ||
      s.processor_architecture == kCpuX86Win64) {
    std::string vendor;
    for (uint32_t word : s.x86_vendor_id) {
      for (int i = 0; i < 4; ++i)
        vendor += static_cast<char>((word >> (8 * i)) & 0xff);
    }
    // Breakpad formats with %c into a C string: a NUL byte ends it.
    s.cpu_vendor = vendor.substr(0, vendor.find('\0'));
  }
  return s;
}

std::string CpuString(const SystemInfo& info) {
  switch (info.processor_architecture) {
    case kCpuX86:
      return "x86";
    case kCpuAmd64:
      return "amd64";
    case kCpuPpc:
      return "ppc";
    case kCpuPpc64:
      return "ppc64";
    case kCpuSparc:
      return "sparc";
    case kCpuArm:
      return "arm";
    case kCpuArm64:
    case kCpuArm64Old:
      return "arm64";
    case kCpuMips:
      return "mips";
    case kCpuMips64:
      return "mips64";
    case kCpuLoongArch64:
      return "loongarch64";
    default:
      return fmt::format("0x{:04x}", info.processor_architecture);
  }
}

namespace {

// Breakpad's GetARMCpuInfo.
std::string ArmCpuInfo(const SystemInfo& info) {
  struct Named {
    uint32_t id;
    const char* name;
  };
  static constexpr Named kVendors[] = {{0x41, "ARM"},
                                       {0x51, "Qualcomm"},
                                       {0x56, "Marvell"},
                                       {0x69, "Intel/Marvell"}};
  static constexpr Named kParts[] = {
      {0x4100c050, "Cortex-A5"}, {0x4100c080, "Cortex-A8"},
      {0x4100c090, "Cortex-A9"}, {0x4100c0f0, "Cortex-A15"},
      {0x4100c140, "Cortex-R4"}, {0x4100c150, "Cortex-R5"},
      {0x4100b360, "ARM1136"},   {0x4100b560, "ARM1156"},
      {0x4100b760, "ARM1176"},   {0x4100b020, "ARM11-MPCore"},
      {0x41009260, "ARM926"},    {0x41009460, "ARM946"},
      {0x41009660, "ARM966"},    {0x510006f0, "Krait"},
      {0x510000f0, "Scorpion"}};
  static constexpr const char* kFeatures[] = {
      "swp",      "half", "thumb",  "26bit",  "fastmult", "fpa",  "vfpv2",
      "edsp",     "java", "iwmmxt", "crunch", "thumbee",  "neon", "vfpv3",
      "vfpv3d16", "tls",  "vfpv4",  "idiva",  "idivt"};
  std::string out =
      fmt::format("ARMv{}", static_cast<int>(info.processor_level));
  if (uint32_t cpuid = info.arm_cpuid; cpuid != 0) {
    uint32_t vendor_id = (cpuid >> 24) & 0xff;
    std::string vendor = fmt::format("vendor(0x{:x})", vendor_id);
    for (const Named& v : kVendors) {
      if (v.id == vendor_id) vendor = v.name;
    }
    uint32_t part_id = cpuid & 0xff00fff0;
    std::string part = fmt::format("part(0x{:x})", part_id);
    for (const Named& p : kParts) {
      if (p.id == part_id) part = p.name;
    }
    out += " " + vendor + " " + part;
  }
  if (info.arm_elf_hwcaps != 0) {
    out += " features: ";
    const char* comma = "";
    for (size_t i = 0; i < std::size(kFeatures); ++i) {
      if (info.arm_elf_hwcaps & (1u << i)) {
        out += comma;
        out += kFeatures[i];
        comma = ",";
      }
    }
  }
  return out;
}

}  // namespace

std::string CpuInfoString(const SystemInfo& info) {
  switch (info.processor_architecture) {
    case kCpuX86:
    case kCpuAmd64: {
      std::string out;
      if (info.cpu_vendor) out = *info.cpu_vendor + " ";
      out += fmt::format("family {} model {} stepping {}", info.processor_level,
                         info.processor_revision >> 8,
                         info.processor_revision & 0xff);
      return out;
    }
    case kCpuArm:
      return ArmCpuInfo(info);
    default:
      return "";
  }
}

std::string OsString(const SystemInfo& info) {
  switch (info.platform_id) {
    case kOsWin32Nt:
      return "Windows NT";
    case kOsWin32Windows:
      return "Windows";
    case kOsMacOsX:
      return "Mac OS X";
    case kOsIos:
      return "iOS";
    case kOsLinux:
      return "Linux";
    case kOsSolaris:
      return "Solaris";
    case kOsAndroid:
      return "Android";
    case kOsPs3:
      return "PS3";
    case kOsNacl:
      return "NaCl";
    case kOsFuchsia:
      return "Fuchsia";
    default:
      return fmt::format("0x{:08x}", info.platform_id);
  }
}

std::string OsShortString(const SystemInfo& info) {
  switch (info.platform_id) {
    case kOsWin32Nt:
    case kOsWin32Windows:
      return "windows";
    case kOsMacOsX:
      return "mac";
    case kOsIos:
      return "ios";
    case kOsLinux:
      return "linux";
    case kOsSolaris:
      return "solaris";
    case kOsAndroid:
      return "android";
    case kOsPs3:
      return "ps3";
    case kOsNacl:
      return "nacl";
    case kOsFuchsia:
      return "fuchsia";
    default:
      return "";
  }
}

std::string OsVersionString(const SystemInfo& info) {
  std::string out = fmt::format("{}.{}.{}", info.major_version,
                                info.minor_version, info.build_number);
  if (info.csd_version) out += " " + *info.csd_version;
  return out;
}

}  // namespace crashbox::minidump
