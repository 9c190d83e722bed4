// SPDX-License-Identifier: MPL-2.0
// CONTEXT_X86 (716 bytes): context_flags, dr0-dr7, the 112-byte FP save area,
// segment registers, then edi esi ebx edx ecx eax ebp eip cs eflags esp ss at
// 156..200 and the 512-byte extended registers.
#include <fmt/format.h>

#include "app/minidump/context/parse_context.h"
#include "app/minidump/format.h"

namespace crashbox::minidump {

Result<CpuContext> ParseX86Context(ByteView raw) {
  if (raw.size() != kContextX86Size) {
    return Status::Corrupt(fmt::format("x86 context: {} bytes, want {}",
                                       raw.size(), kContextX86Size));
  }
  internal::Fields f(raw);
  CpuContext ctx(Cpu::kX86);
  ctx.set_context_flags(f.U32(0));
  ctx.Set("edi", f.U32(156));
  ctx.Set("esi", f.U32(160));
  ctx.Set("ebx", f.U32(164));
  ctx.Set("edx", f.U32(168));
  ctx.Set("ecx", f.U32(172));
  ctx.Set("eax", f.U32(176));
  ctx.Set("ebp", f.U32(180));
  ctx.Set("eip", f.U32(184));
  ctx.Set("efl", f.U32(192));
  ctx.Set("esp", f.U32(196));
  return ctx;
}

}  // namespace crashbox::minidump
