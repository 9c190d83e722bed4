// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/context/cpu_context.h"

#include "app/base/check.h"

namespace crashbox::minidump {
namespace {

constexpr std::string_view kAmd64Names[] = {
    "rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8",
    "r9",  "r10", "r11", "r12", "r13", "r14", "r15", "rip"};
constexpr std::string_view kX86Names[] = {"eip", "esp", "ebp", "ebx", "esi",
                                          "edi", "eax", "ecx", "edx", "efl"};
constexpr std::string_view kArmNames[] = {"r0",  "r1", "r2", "r3", "r4",  "r5",
                                          "r6",  "r7", "r8", "r9", "r10", "r11",
                                          "r12", "sp", "lr", "pc"};
constexpr std::string_view kArm64Names[] = {
    "x0",  "x1",  "x2",  "x3",  "x4",  "x5",  "x6",  "x7",  "x8",  "x9",  "x10",
    "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21",
    "x22", "x23", "x24", "x25", "x26", "x27", "x28", "fp",  "lr",  "sp",  "pc"};

struct Alias {
  Cpu cpu;
  std::string_view alias;
  std::string_view name;
};
constexpr Alias kAliases[] = {
    {Cpu::kArm, "r13", "sp"},     {Cpu::kArm, "r14", "lr"},
    {Cpu::kArm, "r15", "pc"},     {Cpu::kArm64, "x29", "fp"},
    {Cpu::kArm64, "x30", "lr"},   {Cpu::kArm64, "x31", "sp"},
    {Cpu::kX86, "eflags", "efl"},
};

}  // namespace

std::string_view CpuName(Cpu cpu) {
  switch (cpu) {
    case Cpu::kX86:
      return "x86";
    case Cpu::kAmd64:
      return "amd64";
    case Cpu::kArm:
      return "arm";
    case Cpu::kArm64:
      return "arm64";
    case Cpu::kUnknown:
      break;
  }
  return "unknown";
}

std::span<const std::string_view> CpuContext::RegisterNames() const {
  switch (cpu_) {
    case Cpu::kAmd64:
      return kAmd64Names;
    case Cpu::kX86:
      return kX86Names;
    case Cpu::kArm:
      return kArmNames;
    case Cpu::kArm64:
      return kArm64Names;
    case Cpu::kUnknown:
      break;
  }
  return {};
}

int CpuContext::RegisterIndex(std::string_view name) const {
  for (const Alias& a : kAliases) {
    if (a.cpu == cpu_ && a.alias == name) name = a.name;
  }
  std::span<const std::string_view> names = RegisterNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

std::optional<uint64_t> CpuContext::Get(int index) const {
  if (!IsValid(index)) return std::nullopt;
  return regs_[index];
}
std::optional<uint64_t> CpuContext::Get(std::string_view name) const {
  return Get(RegisterIndex(name));
}

void CpuContext::Set(int index, uint64_t value) {
  CB_CHECK(index >= 0 && index < static_cast<int>(RegisterNames().size()));
  regs_[index] = value;
  valid_mask_ |= uint64_t{1} << index;
}
bool CpuContext::Set(std::string_view name, uint64_t value) {
  int index = RegisterIndex(name);
  if (index < 0) return false;
  Set(index, value);
  return true;
}

bool CpuContext::IsValid(int index) const {
  if (index < 0 || index >= static_cast<int>(RegisterNames().size()))
    return false;
  return (valid_mask_ >> index) & 1;
}
bool CpuContext::IsValid(std::string_view name) const {
  return IsValid(RegisterIndex(name));
}

void CpuContext::Invalidate(std::string_view name) {
  int index = RegisterIndex(name);
  if (index >= 0) valid_mask_ &= ~(uint64_t{1} << index);
}

void CpuContext::SetAllValid() {
  size_t n = RegisterNames().size();
  valid_mask_ = n == 0 ? 0 : (~uint64_t{0} >> (64 - n));
}

int CpuContext::pc_index() const {
  switch (cpu_) {
    case Cpu::kAmd64:
      return 16;
    case Cpu::kX86:
      return 0;
    case Cpu::kArm:
      return 15;
    case Cpu::kArm64:
      return 32;
    case Cpu::kUnknown:
      break;
  }
  return -1;
}
int CpuContext::sp_index() const {
  switch (cpu_) {
    case Cpu::kAmd64:
      return 7;
    case Cpu::kX86:
      return 1;
    case Cpu::kArm:
      return 13;
    case Cpu::kArm64:
      return 31;
    case Cpu::kUnknown:
      break;
  }
  return -1;
}
int CpuContext::fp_index() const {
  switch (cpu_) {
    case Cpu::kAmd64:
      return 6;
    case Cpu::kX86:
      return 2;
    case Cpu::kArm:
      return 11;  // iOS Thumb code uses r7; the unwinder decides
    case Cpu::kArm64:
      return 29;
    case Cpu::kUnknown:
      break;
  }
  return -1;
}

uint64_t CpuContext::pc() const { return Get(pc_index()).value_or(0); }
uint64_t CpuContext::sp() const { return Get(sp_index()).value_or(0); }
uint64_t CpuContext::fp() const { return Get(fp_index()).value_or(0); }

}  // namespace crashbox::minidump
