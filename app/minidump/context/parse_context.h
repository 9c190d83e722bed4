// SPDX-License-Identifier: MPL-2.0
// Raw CPU context records → CpuContext. Internal to app/minidump (the walker
// gets contexts through Minidump::ThreadContext / ExceptionContext).
//
// ParseContext mirrors Breakpad's MinidumpContext::Read: the record's size
// picks amd64 (1232), arm64-old (796) or ppc64 first; otherwise the 32-bit
// context_flags pick the CPU (x86 716, arm 368, arm64 912). A zero CPU field
// is filled from the system info stream; a CPU that disagrees with the
// system info stream is rejected. Every error is kCorrupt.
#pragma once

#include <cstdint>
#include <optional>

#include "app/base/byte_reader.h"
#include "app/base/status.h"
#include "app/minidump/context/cpu_context.h"

namespace crashbox::minidump {

// What the dump's system info stream says, for Breakpad's sanity checks.
struct SystemInfoHint {
  enum class State { kAbsent, kUnreadable, kPresent };
  State state = State::kAbsent;
  uint16_t processor_architecture = 0;
};

Result<CpuContext> ParseContext(ByteView raw, const SystemInfoHint& sys);

// Per-layout parsers; `raw` must have exactly the layout's size.
Result<CpuContext> ParseAmd64Context(ByteView raw);
Result<CpuContext> ParseX86Context(ByteView raw);
Result<CpuContext> ParseArmContext(ByteView raw);
Result<CpuContext> ParseArm64Context(ByteView raw);
Result<CpuContext> ParseArm64OldContext(ByteView raw);

namespace internal {
// Fixed-offset little-endian loads from a record whose size was checked.
class Fields {
 public:
  explicit Fields(ByteView raw) : raw_(raw) {}
  uint32_t U32(size_t off) const;
  uint64_t U64(size_t off) const;
  uint16_t U16(size_t off) const;

 private:
  ByteView raw_;
};
}  // namespace internal

}  // namespace crashbox::minidump
