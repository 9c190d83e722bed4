// SPDX-License-Identifier: MPL-2.0
// Exception stream (type 6) and the crash reason/address Breakpad derives
// from it (MinidumpProcessor::GetCrashReason), byte-identical to what
// minidump_stackwalk prints: "SIGSEGV /SEGV_MAPERR",
// "EXCEPTION_ACCESS_VIOLATION_READ", "EXC_BAD_ACCESS / KERN_INVALID_ADDRESS",
// "DUMP_REQUESTED", or "0x%08x / 0x%08x" for unknown codes.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "app/base/byte_reader.h"
#include "app/base/status.h"
#include "app/minidump/format.h"

namespace crashbox::minidump {

struct SystemInfo;

struct ExceptionStream {
  uint32_t thread_id = 0;
  uint32_t exception_code = 0;  // Windows code, signal number or Mach exception
  uint32_t exception_flags = 0;  // Windows flags, si_code or Mach code
  uint64_t exception_record = 0;
  uint64_t exception_address = 0;
  uint32_t number_parameters = 0;         // as recorded (may exceed 15)
  std::array<uint64_t, 15> parameters{};  // exception_information
  LocationDescriptor context;             // the crashing context record
};

// kCorrupt unless the stream is exactly 168 bytes (Breakpad's rule).
Result<ExceptionStream> ParseException(ByteView stream);

struct CrashReason {
  std::string reason;
  uint64_t address = 0;  // masked to 32 bits for 32-bit CPUs
};

// `system_info` may be null (unknown OS: the numeric form is returned and the
// address is not masked).
CrashReason GetCrashReason(const ExceptionStream& exception,
                           const SystemInfo* system_info);

}  // namespace crashbox::minidump
