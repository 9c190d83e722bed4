// SPDX-License-Identifier: MPL-2.0
// CpuContext: the integer register state of one thread (or one unwound frame)
// for amd64, x86, arm or arm64, addressed by Breakpad's register names, with
// a validity bit per register.
//
// Register names (Breakpad's, in this order):
//   amd64: rax rdx rcx rbx rsi rdi rbp rsp r8..r15 rip
//   x86:   eip esp ebp ebx esi edi eax ecx edx efl
//   arm:   r0..r12 sp lr pc        (aliases r13 r14 r15; fp() is r11)
//   arm64: x0..x28 fp lr sp pc     (aliases x29 x30 x31)
//
// Contexts read from a dump have every register valid, as Breakpad treats the
// context frame (CONTEXT_VALID_ALL); unwinders build callers with
// ClearValidity() + Set(). Values of 32-bit CPUs are kept zero-extended.
// A value type: cheap to copy, no references into the dump.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace crashbox::minidump {

enum class Cpu : uint8_t { kUnknown, kX86, kAmd64, kArm, kArm64 };

std::string_view CpuName(Cpu cpu);  // "x86", "amd64", "arm", "arm64", "unknown"

class CpuContext {
 public:
  static constexpr int kMaxRegisters = 34;

  CpuContext() = default;
  explicit CpuContext(Cpu cpu) : cpu_(cpu) {}

  Cpu cpu() const { return cpu_; }
  // The raw context_flags word as stored in the dump (arm64-old contexts are
  // converted: flags then carry kContextArm64).
  uint32_t context_flags() const { return context_flags_; }
  void set_context_flags(uint32_t flags) { context_flags_ = flags; }

  // Names of this CPU's registers, in Breakpad's order. Index = position.
  std::span<const std::string_view> RegisterNames() const;
  // Index of `name` (aliases accepted) or -1 when this CPU has no such
  // register.
  int RegisterIndex(std::string_view name) const;

  // Value of a valid register; nullopt when unknown or not valid.
  std::optional<uint64_t> Get(std::string_view name) const;
  std::optional<uint64_t> Get(int index) const;
  // Sets a register and marks it valid; false when the name is unknown.
  bool Set(std::string_view name, uint64_t value);
  void Set(int index, uint64_t value);
  bool IsValid(std::string_view name) const;
  bool IsValid(int index) const;
  void Invalidate(std::string_view name);
  void SetAllValid();
  void ClearValidity() { valid_mask_ = 0; }
  uint64_t valid_mask() const { return valid_mask_; }

  // Instruction pointer, stack pointer and frame pointer (rbp/ebp/r11/fp);
  // 0 when not valid. Indices are fixed per CPU, see the .cc.
  uint64_t pc() const;
  uint64_t sp() const;
  uint64_t fp() const;
  int pc_index() const;
  int sp_index() const;
  int fp_index() const;

 private:
  Cpu cpu_ = Cpu::kUnknown;
  uint32_t context_flags_ = 0;
  uint64_t valid_mask_ = 0;
  std::array<uint64_t, kMaxRegisters> regs_{};
};

}  // namespace crashbox::minidump
