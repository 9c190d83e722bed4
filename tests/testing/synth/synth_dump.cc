// SPDX-License-Identifier: MPL-2.0
#include "tests/testing/synth/synth_dump.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace crashbox::testing {
namespace synth_internal {
std::string MinidumpString(const std::string& utf8);
std::string Utf8String(const std::string& s);
std::string ContextBytes(const SynthContext& c);
uint16_t ArchFor(SynthCpu cpu);
}  // namespace synth_internal
template <typename T>
static std::string Le(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

namespace synth_internal {
// UTF-8 → UTF-16LE MINIDUMP_STRING (u32 byte length + units, NUL appended).
std::string MinidumpString(const std::string& utf8) {
  std::u16string u;
  for (size_t i = 0; i < utf8.size();) {
    unsigned char c = utf8[i];
    uint32_t cp;
    int n;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if ((c >> 5) == 6) {
      cp = c & 0x1f;
      n = 2;
    } else if ((c >> 4) == 14) {
      cp = c & 0x0f;
      n = 3;
    } else {
      cp = c & 0x07;
      n = 4;
    }
    for (int k = 1; k < n && i + k < utf8.size(); ++k)
      cp = (cp << 6) | (utf8[i + k] & 0x3f);
    i += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      u += static_cast<char16_t>(0xd800 + (cp >> 10));
      u += static_cast<char16_t>(0xdc00 + (cp & 0x3ff));
    } else {
      u += static_cast<char16_t>(cp);
    }
  }
  std::string out = Le<uint32_t>(static_cast<uint32_t>(u.size() * 2));
  for (char16_t ch : u) out += Le<uint16_t>(ch);
  out += Le<uint16_t>(0);
  return out;
}

std::string Utf8String(const std::string& s) {
  return Le<uint32_t>(static_cast<uint32_t>(s.size())) + s + '\0';
}

struct RegSlot {
  const char* name;
  uint32_t offset;
  uint8_t width;
};

constexpr RegSlot kAmd64Regs[] = {
    {"rax", 120, 8}, {"rcx", 128, 8}, {"rdx", 136, 8}, {"rbx", 144, 8},
    {"rsp", 152, 8}, {"rbp", 160, 8}, {"rsi", 168, 8}, {"rdi", 176, 8},
    {"r8", 184, 8},  {"r9", 192, 8},  {"r10", 200, 8}, {"r11", 208, 8},
    {"r12", 216, 8}, {"r13", 224, 8}, {"r14", 232, 8}, {"r15", 240, 8},
    {"rip", 248, 8}};
constexpr RegSlot kX86Regs[] = {
    {"edi", 156, 4}, {"esi", 160, 4}, {"ebx", 164, 4}, {"edx", 168, 4},
    {"ecx", 172, 4}, {"eax", 176, 4}, {"ebp", 180, 4}, {"eip", 184, 4},
    {"efl", 192, 4}, {"esp", 196, 4}};

std::string ContextBytes(const SynthContext& c) {
  std::string out;
  auto set = [&](uint32_t off, uint64_t v, int width) {
    std::memcpy(out.data() + off, &v, width);
  };
  auto named = [&](const RegSlot* slots, size_t n) {
    for (const auto& [name, value] : c.regs) {
      bool found = false;
      for (size_t i = 0; i < n; ++i) {
        if (name == slots[i].name) {
          set(slots[i].offset, value, slots[i].width);
          found = true;
        }
      }
      if (!found)
        throw std::invalid_argument("synth: unknown register " + name);
    }
  };
  // Numbered register files: r0..r15 (arm) / x0..x28 fp lr sp pc (arm64).
  auto numbered = [&](uint32_t base, int width, bool arm64) {
    for (const auto& [name, value] : c.regs) {
      int index = -1;
      if (name == "sp")
        index = arm64 ? 31 : 13;
      else if (name == "lr")
        index = arm64 ? 30 : 14;
      else if (name == "pc")
        index = arm64 ? 32 : 15;
      else if (name == "fp")
        index = arm64 ? 29 : 11;
      else if (name.size() > 1 && (name[0] == 'x' || name[0] == 'r'))
        index = std::stoi(name.substr(1));
      if (index < 0)
        throw std::invalid_argument("synth: unknown register " + name);
      set(base + width * index, value, width);
    }
  };
  switch (c.cpu) {
    case SynthCpu::kAmd64:
      out.assign(1232, '\0');
      set(48, c.flags.value_or(0x0010000b), 4);
      named(kAmd64Regs, std::size(kAmd64Regs));
      break;
    case SynthCpu::kX86:
      out.assign(716, '\0');
      set(0, c.flags.value_or(0x00010007), 4);
      named(kX86Regs, std::size(kX86Regs));
      break;
    case SynthCpu::kArm:
      out.assign(368, '\0');
      set(0, c.flags.value_or(0x40000006), 4);
      numbered(4, 4, false);
      break;
    case SynthCpu::kArm64:
      out.assign(912, '\0');
      set(0, c.flags.value_or(0x00400007), 4);
      numbered(8, 8, true);
      break;
    case SynthCpu::kArm64Old:
      out.assign(796, '\0');
      set(0, c.flags.value_or(0x80000006), 8);
      numbered(8, 8, true);
      break;
  }
  return out;
}

uint16_t ArchFor(SynthCpu cpu) {
  switch (cpu) {
    case SynthCpu::kX86:
      return 0;
    case SynthCpu::kAmd64:
      return 9;
    case SynthCpu::kArm:
      return 5;
    case SynthCpu::kArm64:
      return 12;
    case SynthCpu::kArm64Old:
      return 0x8003;
  }
  return 0xffff;
}

}  // namespace synth_internal
using namespace synth_internal;

SynthDump::SynthDump(SynthCpu cpu, uint32_t platform)
    : cpu_(cpu), platform_(platform) {
  streams_.push_back({7, Kind::kSystemInfo, {}});
}

std::string SynthDump::Pdb70(const std::array<uint8_t, 16>& guid, uint32_t age,
                             const std::string& pdb_name) {
  return std::string("RSDS") + std::string(guid.begin(), guid.end()) + Le(age) +
         pdb_name + '\0';
}
std::string SynthDump::Pdb20(uint32_t signature, uint32_t age,
                             const std::string& pdb_name) {
  return std::string("NB10") + Le<uint32_t>(0) + Le(signature) + Le(age) +
         pdb_name + '\0';
}
std::string SynthDump::Elf(const std::string& build_id) {
  return Le<uint32_t>(0x4270454c) +
         build_id;  // MD_CVINFOELF_SIGNATURE ("BpEL")
}
std::string SynthDump::MiscRecord(const std::string& name) {
  std::string data = name + '\0';
  while (data.size() % 4) data += '\0';
  uint32_t length = static_cast<uint32_t>(12 + data.size());
  return Le<uint32_t>(1) + Le(length) + std::string(4, '\0') + data;
}
std::string SynthDump::Truncate(std::string bytes, size_t n) {
  bytes.resize(std::min(n, bytes.size()));
  return bytes;
}

std::string SynthDump::Words64(std::initializer_list<uint64_t> words) {
  std::string out;
  for (uint64_t w : words) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(w >> (8 * i)));
  }
  return out;
}

void SynthDump::Ensure(uint32_t type, Kind kind) {
  for (const Stream& s : streams_) {
    if (s.type == type && s.kind == kind) return;
  }
  streams_.push_back({type, kind, {}});
}

SynthDump& SynthDump::SetOsVersion(uint32_t major, uint32_t minor,
                                   uint32_t build, std::string csd) {
  os_major_ = major, os_minor_ = minor, os_build_ = build,
  csd_ = std::move(csd);
  return *this;
}
SynthDump& SynthDump::SetProcessor(uint16_t level, uint16_t revision,
                                   uint8_t count) {
  level_ = level, revision_ = revision, cpu_count_ = count;
  return *this;
}
SynthDump& SynthDump::SetCpuVendor(std::string vendor) {
  vendor_ = std::move(vendor);
  return *this;
}
SynthDump& SynthDump::SetArmCpu(uint32_t cpuid, uint32_t hwcaps) {
  arm_cpuid_ = cpuid, arm_hwcaps_ = hwcaps;
  return *this;
}
SynthDump& SynthDump::SetArchitecture(uint16_t arch) {
  arch_override_ = arch;
  return *this;
}
SynthDump& SynthDump::OmitSystemInfo() {
  omit_system_info_ = true;
  return *this;
}
SynthDump& SynthDump::SetTimeDateStamp(uint32_t t) {
  time_date_stamp_ = t;
  return *this;
}

SynthDump& SynthDump::AddThread(uint32_t tid, SynthContext context,
                                uint64_t stack_base, std::string stack) {
  threads_.push_back({tid, std::move(context), stack_base, std::move(stack)});
  Ensure(3, Kind::kThreads);
  return *this;
}
SynthDump& SynthDump::AddThreadName(uint32_t tid, std::string name) {
  thread_names_.emplace_back(tid, std::move(name));
  Ensure(24, Kind::kThreadNames);
  return *this;
}
SynthDump& SynthDump::AddModule(SynthModule module) {
  modules_.push_back(std::move(module));
  Ensure(4, Kind::kModules);
  return *this;
}
SynthDump& SynthDump::AddUnloadedModule(std::string name, uint64_t base,
                                        uint32_t size) {
  SynthModule m;
  m.name = std::move(name), m.base = base, m.size = size;
  unloaded_.push_back(std::move(m));
  Ensure(14, Kind::kUnloaded);
  return *this;
}
SynthDump& SynthDump::AddMemory(uint64_t base, std::string bytes) {
  memory_.push_back({base, std::move(bytes)});
  Ensure(5, Kind::kMemory);
  return *this;
}
SynthDump& SynthDump::AddMemory64(uint64_t base, std::string bytes) {
  memory64_.push_back({base, std::move(bytes)});
  Ensure(9, Kind::kMemory64);
  return *this;
}
SynthDump& SynthDump::SetException(uint32_t tid, uint32_t code, uint32_t flags,
                                   uint64_t address,
                                   std::vector<uint64_t> params,
                                   std::optional<SynthContext> context) {
  exception_ = Exception{
      tid, code, flags, address, std::move(params), std::move(context)};
  Ensure(6, Kind::kException);
  return *this;
}
SynthDump& SynthDump::SetBreakpadInfo(std::optional<uint32_t> dump_tid,
                                      std::optional<uint32_t> requesting_tid) {
  breakpad_.emplace(dump_tid, requesting_tid);
  Ensure(0x47670001, Kind::kBreakpad);
  return *this;
}
SynthDump& SynthDump::SetMiscInfo(uint32_t pid, uint32_t process_create_time) {
  misc_.emplace(pid, process_create_time);
  Ensure(15, Kind::kMisc);
  return *this;
}
SynthDump& SynthDump::AddLinuxStream(uint32_t type, std::string bytes) {
  return AddRawStream(type, std::move(bytes));
}
SynthDump& SynthDump::SetCrashpadInfo(SynthCrashpad info) {
  crashpad_ = std::move(info);
  Ensure(0x43500001, Kind::kCrashpad);
  return *this;
}
SynthDump& SynthDump::AddRawStream(uint32_t type, std::string bytes) {
  streams_.push_back({type, Kind::kRaw, std::move(bytes)});
  return *this;
}
SynthDump& SynthDump::OverrideStreamSize(uint32_t type, uint32_t size) {
  size_override_[type] = size;
  return *this;
}
SynthDump& SynthDump::OverrideStreamRva(uint32_t type, uint32_t rva) {
  rva_override_[type] = rva;
  return *this;
}
SynthDump& SynthDump::OverrideListCount(uint32_t type, uint32_t count) {
  count_override_[type] = count;
  return *this;
}
SynthDump& SynthDump::OverrideHeaderStreamCount(uint32_t count) {
  header_count_override_ = count;
  return *this;
}
SynthDump& SynthDump::AddListPadding(uint32_t type) {
  padding_[type] = true;
  return *this;
}

}  // namespace crashbox::testing
