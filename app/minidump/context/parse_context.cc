// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/context/parse_context.h"

#include <cstring>

#include <fmt/format.h>

#include "app/minidump/format.h"

namespace crashbox::minidump {
namespace internal {

uint16_t Fields::U16(size_t off) const {
  CB_CHECK(off + 2 <= raw_.size());
  uint16_t v;
  std::memcpy(&v, raw_.data() + off, 2);
  return v;
}
uint32_t Fields::U32(size_t off) const {
  CB_CHECK(off + 4 <= raw_.size());
  uint32_t v;
  std::memcpy(&v, raw_.data() + off, 4);
  return v;
}
uint64_t Fields::U64(size_t off) const {
  CB_CHECK(off + 8 <= raw_.size());
  uint64_t v;
  std::memcpy(&v, raw_.data() + off, 8);
  return v;
}

}  // namespace internal

namespace {

// Breakpad's GetContextCPUFlagsFromSystemInfo.
uint32_t CpuFlagsFromSystemInfo(const SystemInfoHint& sys) {
  if (sys.state != SystemInfoHint::State::kPresent) return 0;
  switch (sys.processor_architecture) {
    case kCpuX86:
      return kContextX86;
    case kCpuMips:
      return kContextMips;
    case kCpuMips64:
      return kContextMips64;
    case kCpuPpc:
      return kContextPpc;
    case kCpuPpc64:
      return kContextPpc64;
    case kCpuArm:
      return kContextArm;
    case kCpuArm64:
      return kContextArm64;
    case kCpuArm64Old:
      return kContextArm64Old;
    case kCpuAmd64:
      return kContextAmd64;
    case kCpuSparc:
      return kContextSparc;
    default:
      return 0;
  }
}

// Breakpad's MinidumpContext::CheckAgainstSystemInfo.
Status CheckAgainstSystemInfo(uint32_t cpu_type, const SystemInfoHint& sys) {
  if (sys.state == SystemInfoHint::State::kAbsent) return Status();
  if (sys.state == SystemInfoHint::State::kUnreadable) {
    return Status::Corrupt("context: system info stream is unreadable");
  }
  uint16_t arch = sys.processor_architecture;
  bool ok = false;
  switch (cpu_type) {
    case kContextX86:
      ok = arch == kCpuX86 || arch == kCpuX86Win64 || arch == kCpuAmd64;
      break;
    case kContextAmd64:
      ok = arch == kCpuAmd64;
      break;
    case kContextArm:
      ok = arch == kCpuArm;
      break;
    case kContextArm64:
      ok = arch == kCpuArm64;
      break;
    case kContextArm64Old:
      ok = arch == kCpuArm64Old;
      break;
    default:
      break;
  }
  if (ok) return Status();
  return Status::Corrupt(
      fmt::format("context: cpu 0x{:x} does not match system info cpu 0x{:x}",
                  cpu_type, arch));
}

}  // namespace

Result<CpuContext> ParseContext(ByteView raw, const SystemInfoHint& sys) {
  internal::Fields f(raw);
  const size_t size = raw.size();
  if (size == kContextAmd64Size) {
    // amd64 keeps context_flags after the six home slots, not at offset 0.
    uint32_t cpu_type = f.U32(48) & kContextCpuMask;
    if (cpu_type == 0) cpu_type = CpuFlagsFromSystemInfo(sys);
    if (cpu_type != kContextAmd64) {
      return Status::Corrupt(
          fmt::format("context: {}-byte record is not amd64", size));
    }
    CB_RETURN_IF_ERROR(CheckAgainstSystemInfo(cpu_type, sys));
    return ParseAmd64Context(raw);
  }
  if (size > kContextAmd64Size &&
      (f.U32(48) & kContextCpuMask) == kContextAmd64) {
    // Windows writes the XSAVE area (AVX, CET shadow stack) after the
    // 1232-byte CONTEXT; Breakpad reads the CONTEXT and skips the rest.
    CB_RETURN_IF_ERROR(CheckAgainstSystemInfo(kContextAmd64, sys));
    return ParseAmd64Context(raw.first(kContextAmd64Size));
  }
  if (size == kContextPpc64Size)
    return Status::Corrupt("context: ppc64 is not supported");
  if (size == kContextArm64OldSize) {
    uint32_t cpu_type = static_cast<uint32_t>(f.U64(0)) & kContextCpuMask;
    if (cpu_type == 0) cpu_type = CpuFlagsFromSystemInfo(sys);
    if (cpu_type != kContextArm64Old) {
      return Status::Corrupt(
          "context: 796-byte record is not arm64 (old layout)");
    }
    CB_RETURN_IF_ERROR(CheckAgainstSystemInfo(cpu_type, sys));
    return ParseArm64OldContext(raw);
  }
  if (size < 4)
    return Status::Corrupt(fmt::format("context: record of {} bytes", size));
  uint32_t flags = f.U32(0);
  uint32_t cpu_type = flags & kContextCpuMask;
  if (cpu_type == 0 && (flags & kContextArmOld)) {
    // The Windows CE value of MD_CONTEXT_ARM collides with CONTEXT_XSTATE.
    cpu_type = kContextArm;
  }
  if (cpu_type == 0) cpu_type = CpuFlagsFromSystemInfo(sys);
  uint32_t expected = 0;
  switch (cpu_type) {
    case kContextX86:
      expected = kContextX86Size;
      break;
    case kContextArm:
      expected = kContextArmSize;
      break;
    case kContextArm64:
      expected = kContextArm64Size;
      break;
    default:
      return Status::Corrupt(
          fmt::format("context: unsupported cpu type 0x{:x}", cpu_type));
  }
  if (size != expected) {
    return Status::Corrupt(
        fmt::format("context: cpu type 0x{:x} needs {} bytes, record has {}",
                    cpu_type, expected, size));
  }
  CB_RETURN_IF_ERROR(CheckAgainstSystemInfo(cpu_type, sys));
  Result<CpuContext> ctx = cpu_type == kContextX86   ? ParseX86Context(raw)
                           : cpu_type == kContextArm ? ParseArmContext(raw)
                                                     : ParseArm64Context(raw);
  if (ctx.ok() && cpu_type == kContextArm && (flags & kContextCpuMask) == 0) {
    ctx->set_context_flags((flags & ~kContextArmOld) | kContextArm);
  }
  return ctx;
}

}  // namespace crashbox::minidump
