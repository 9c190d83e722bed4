// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/exception.h"

#include <fmt/format.h>

#include "app/minidump/exception_names.h"
#include "app/minidump/system_info.h"

namespace crashbox::minidump {
namespace {

constexpr uint32_t kWinAccessViolation = 0xc0000005;
constexpr uint32_t kWinInPageError = 0xc0000006;
constexpr uint32_t kWinStackBufferOverrun = 0xc0000409;

uint64_t MaskAddress(uint16_t arch, uint64_t address) {
  switch (arch) {
    case kCpuX86:
    case kCpuMips:
    case kCpuLoongArch64:  // Breakpad masks it too
    case kCpuPpc:
    case kCpuShx:
    case kCpuArm:
    case kCpuX86Win64:
      return address & 0xffffffffULL;
    default:
      return address;
  }
}

std::string Named(std::string_view name, const std::string& fallback) {
  return name.empty() ? fallback : std::string(name);
}

// Windows access violation / in-page error: the kind comes from parameter 0
// and the faulting address from parameter 1.
std::string WindowsMemoryFault(const ExceptionStream& e, std::string_view base,
                               uint64_t* address) {
  std::string reason(base);
  if (e.number_parameters >= 1) {
    switch (e.parameters[0]) {
      case 0:
        reason += "_READ";
        break;
      case 1:
        reason += "_WRITE";
        break;
      case 8:
        reason += "_EXEC";
        break;
      default:
        break;
    }
  }
  if (e.number_parameters >= 2) *address = e.parameters[1];
  return reason;
}

std::string WindowsReason(const ExceptionStream& e, const std::string& fallback,
                          uint64_t* address) {
  switch (e.exception_code) {
    case kWinAccessViolation:
      return WindowsMemoryFault(e, "EXCEPTION_ACCESS_VIOLATION", address);
    case kWinInPageError: {
      std::string reason =
          WindowsMemoryFault(e, "EXCEPTION_IN_PAGE_ERROR", address);
      if (e.number_parameters >= 3) {
        uint32_t status = static_cast<uint32_t>(e.parameters[2]);
        reason += " / " + Named(names::NtStatus(status),
                                fmt::format("0x{:08x}", status));
      }
      return reason;
    }
    case kWinStackBufferOverrun:
      if (e.number_parameters >= 1) {
        uint32_t fast_fail = static_cast<uint32_t>(e.parameters[0]);
        return Named(names::FastFail(fast_fail),
                     fmt::format("0x{:08x}", fast_fail));
      }
      return "EXCEPTION_STACK_BUFFER_OVERRUN";
    default:
      return Named(names::WindowsException(e.exception_code), fallback);
  }
}

std::string LinuxReason(const ExceptionStream& e, const std::string& fallback,
                        const std::string& flags) {
  std::string_view name = names::LinuxSignal(e.exception_code);
  if (name.empty()) return fallback;
  if (!names::LinuxSignalHasSubcode(e.exception_code)) return std::string(name);
  // Breakpad writes "SIGSEGV /" without the space the other signals get.
  std::string reason =
      std::string(name) + (e.exception_code == 11 ? " /" : " / ");
  return reason +
         Named(names::LinuxSubcode(e.exception_code, e.exception_flags), flags);
}

std::string MacReason(const ExceptionStream& e, uint16_t arch,
                      const std::string& fallback, const std::string& flags) {
  std::string_view name = names::MacException(e.exception_code);
  if (name.empty()) return fallback;
  switch (names::MacExceptionStyle(e.exception_code)) {
    case names::MacFlagsStyle::kNone:
      return std::string(name);
    case names::MacFlagsStyle::kAlways:
      return std::string(name) + " / " + flags;
    case names::MacFlagsStyle::kNamed:
      break;
  }
  std::string_view sub =
      names::MacSubcode(e.exception_code, e.exception_flags, arch);
  return std::string(name) + " / " + Named(sub, flags);
}

}  // namespace

Result<ExceptionStream> ParseException(ByteView stream) {
  if (stream.size() != kExceptionStreamSize) {
    return Status::Corrupt(fmt::format("stream is {} bytes, want {}",
                                       stream.size(), kExceptionStreamSize));
  }
  ByteReader r(stream);
  ExceptionStream e;
  e.thread_id = r.ReadU32("thread id").value();
  r.ReadU32("alignment").value();
  e.exception_code = r.ReadU32("code").value();
  e.exception_flags = r.ReadU32("flags").value();
  e.exception_record = r.ReadU64("record").value();
  e.exception_address = r.ReadU64("address").value();
  e.number_parameters = r.ReadU32("parameter count").value();
  r.ReadU32("alignment").value();
  for (uint64_t& p : e.parameters) p = r.ReadU64("parameter").value();
  e.context.data_size = r.ReadU32("context size").value();
  e.context.rva = r.ReadU32("context rva").value();
  return e;
}

CrashReason GetCrashReason(const ExceptionStream& e, const SystemInfo* sys) {
  CrashReason out;
  out.address = e.exception_address;
  std::string flags = fmt::format("0x{:08x}", e.exception_flags);
  std::string fallback = fmt::format("0x{:08x} / {}", e.exception_code, flags);
  if (sys == nullptr) {
    out.reason = fallback;
    return out;
  }
  const uint32_t code = e.exception_code;
  switch (sys->platform_id) {
    case kOsWin32Nt:
    case kOsWin32Windows:
      out.reason = WindowsReason(e, fallback, &out.address);
      break;
    case kOsLinux:
    case kOsAndroid:
      out.reason = LinuxReason(e, fallback, flags);
      break;
    case kOsMacOsX:
    case kOsIos:
      out.reason = MacReason(e, sys->processor_architecture, fallback, flags);
      break;
    case kOsSolaris:
      out.reason = Named(names::SolarisSignal(code), fallback);
      break;
    case kOsPs3:
      out.reason = Named(names::Ps3Exception(code), fallback);
      break;
    case kOsFuchsia: {
      std::string_view name = names::FuchsiaException(code);
      out.reason = name.empty() ? fallback : std::string(name) + " / " + flags;
      break;
    }
    default:
      out.reason = fallback;
      break;
  }
  out.address = MaskAddress(sys->processor_architecture, out.address);
  return out;
}

}  // namespace crashbox::minidump
