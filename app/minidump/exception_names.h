// SPDX-License-Identifier: MPL-2.0
// Name tables for exception codes, signals and their sub-codes, as Breakpad's
// minidump_stackwalk prints them (data in exception_names.cc). Internal to
// app/minidump; GetCrashReason (exception.h) is the public entry point.
// Every lookup returns "" when the value has no name.
#pragma once

#include <cstdint>
#include <string_view>

namespace crashbox::minidump::names {

// Windows exception codes whose reason is just a name ("EXCEPTION_BREAKPOINT").
std::string_view WindowsException(uint32_t code);
std::string_view FastFail(uint32_t code);  // "FAST_FAIL_FATAL_APP_EXIT"
std::string_view NtStatus(uint32_t code);  // "STATUS_DEVICE_DATA_ERROR"

// Linux/Android signals: the name, whether Breakpad appends a sub-code
// (SIGILL, SIGBUS, SIGFPE, SIGSEGV) and the sub-code names.
std::string_view LinuxSignal(uint32_t signal);
bool LinuxSignalHasSubcode(uint32_t signal);
std::string_view LinuxSubcode(uint32_t signal, uint32_t code);

std::string_view SolarisSignal(uint32_t signal);
std::string_view Ps3Exception(uint32_t code);
std::string_view FuchsiaException(uint32_t code);

// macOS/iOS Mach exceptions.
enum class MacFlagsStyle : uint8_t {
  kNone,    // the name alone ("Simulated Exception")
  kAlways,  // "<name> / 0x%08x"
  kNamed,   // "<name> / " + MacSubcode(...) or 0x%08x when unnamed
};
std::string_view MacException(uint32_t code);
MacFlagsStyle MacExceptionStyle(uint32_t code);
// `arch` is the system info processor_architecture; sub-code names depend on
// it.
std::string_view MacSubcode(uint32_t code, uint32_t flags, uint16_t arch);

}  // namespace crashbox::minidump::names
