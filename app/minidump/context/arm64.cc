// SPDX-License-Identifier: MPL-2.0
// Two arm64 layouts, as Breakpad reads them:
//  - current (912 bytes, = Windows CONTEXT_ARM64): u32 context_flags, u32
//    cpsr, x0..x28 fp lr sp pc at 8..264, 32 q registers, fpcr, fpsr, debug;
//  - old Breakpad layout (796 bytes, pack(4)): u64 context_flags (cpu bits
//    0x80000000), the same 33 registers at 8..264, cpsr at 272, fpsr, fpcr,
//    q registers. Breakpad converts it to the current layout, and so do we.
#include <fmt/format.h>

#include "app/minidump/context/parse_context.h"
#include "app/minidump/format.h"

namespace crashbox::minidump {

Result<CpuContext> ParseArm64Context(ByteView raw) {
  if (raw.size() != kContextArm64Size) {
    return Status::Corrupt(fmt::format("arm64 context: {} bytes, want {}",
                                       raw.size(), kContextArm64Size));
  }
  internal::Fields f(raw);
  CpuContext ctx(Cpu::kArm64);
  ctx.set_context_flags(f.U32(0));
  for (int i = 0; i < 33; ++i) ctx.Set(i, f.U64(8 + 8 * i));
  return ctx;
}

Result<CpuContext> ParseArm64OldContext(ByteView raw) {
  if (raw.size() != kContextArm64OldSize) {
    return Status::Corrupt(fmt::format("arm64 (old) context: {} bytes, want {}",
                                       raw.size(), kContextArm64OldSize));
  }
  internal::Fields f(raw);
  CpuContext ctx(Cpu::kArm64);
  // ConvertOldARM64Context keeps the low flag bits and swaps the CPU bits.
  uint32_t old_flags = static_cast<uint32_t>(f.U64(0));
  ctx.set_context_flags((old_flags & ~kContextArm64Old) | kContextArm64);
  for (int i = 0; i < 33; ++i) ctx.Set(i, f.U64(8 + 8 * i));
  return ctx;
}

}  // namespace crashbox::minidump
