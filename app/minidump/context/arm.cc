// SPDX-License-Identifier: MPL-2.0
// MDRawContextARM (368 bytes): context_flags, r0..r15 (sp=r13, lr=r14,
// pc=r15), cpsr, then the VFP save area.
#include <fmt/format.h>

#include "app/minidump/context/parse_context.h"
#include "app/minidump/format.h"

namespace crashbox::minidump {

Result<CpuContext> ParseArmContext(ByteView raw) {
  if (raw.size() != kContextArmSize) {
    return Status::Corrupt(fmt::format("arm context: {} bytes, want {}",
                                       raw.size(), kContextArmSize));
  }
  internal::Fields f(raw);
  CpuContext ctx(Cpu::kArm);
  ctx.set_context_flags(f.U32(0));
  for (int i = 0; i < 16; ++i) ctx.Set(i, f.U32(4 + 4 * i));
  return ctx;
}

}  // namespace crashbox::minidump
