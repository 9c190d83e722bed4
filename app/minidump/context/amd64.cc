// SPDX-License-Identifier: MPL-2.0
// CONTEXT_AMD64 (1232 bytes): six home slots, then context_flags at 48,
// segment and debug registers, rax at 120 ... r15 at 240, rip at 248, then
// the FP/vector save areas this reader does not expose.
#include <fmt/format.h>

#include "app/minidump/context/parse_context.h"
#include "app/minidump/format.h"

namespace crashbox::minidump {

Result<CpuContext> ParseAmd64Context(ByteView raw) {
  if (raw.size() != kContextAmd64Size) {
    return Status::Corrupt(fmt::format("amd64 context: {} bytes, want {}",
                                       raw.size(), kContextAmd64Size));
  }
  internal::Fields f(raw);
  CpuContext ctx(Cpu::kAmd64);
  ctx.set_context_flags(f.U32(48));
  // Dump order (rax rcx rdx rbx rsp rbp rsi rdi r8..r15) differs from
  // Breakpad's print order, so map by name.
  static constexpr std::string_view kDumpOrder[] = {
      "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8",
      "r9",  "r10", "r11", "r12", "r13", "r14", "r15", "rip"};
  for (size_t i = 0; i < std::size(kDumpOrder); ++i)
    ctx.Set(kDumpOrder[i], f.U64(120 + 8 * i));
  return ctx;
}

}  // namespace crashbox::minidump
