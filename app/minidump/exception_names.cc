// SPDX-License-Identifier: MPL-2.0
// Table-only file (exempt from the size budget): names as printed by
// Breakpad's MinidumpProcessor::GetCrashReason and symbolic_constants_win.cc.
#include "app/minidump/exception_names.h"

#include "app/minidump/format.h"

namespace crashbox::minidump::names {
namespace {

struct Entry {
  uint32_t value;
  std::string_view name;
};

template <size_t N>
std::string_view Lookup(const Entry (&table)[N], uint32_t value) {
  for (const Entry& e : table) {
    if (e.value == value) return e.name;
  }
  return {};
}

constexpr Entry kWindows[] = {
    {0x40010005, "DBG_CONTROL_C"},
    {0x80000001, "EXCEPTION_GUARD_PAGE"},
    {0x80000002, "EXCEPTION_DATATYPE_MISALIGNMENT"},
    {0x80000003, "EXCEPTION_BREAKPOINT"},
    {0x80000004, "EXCEPTION_SINGLE_STEP"},
    {0xc0000008, "EXCEPTION_INVALID_HANDLE"},
    {0xc000001d, "EXCEPTION_ILLEGAL_INSTRUCTION"},
    {0xc0000025, "EXCEPTION_NONCONTINUABLE_EXCEPTION"},
    {0xc0000026, "EXCEPTION_INVALID_DISPOSITION"},
    {0xc000008c, "EXCEPTION_BOUNDS_EXCEEDED"},
    {0xc000008d, "EXCEPTION_FLT_DENORMAL_OPERAND"},
    {0xc000008e, "EXCEPTION_FLT_DIVIDE_BY_ZERO"},
    {0xc000008f, "EXCEPTION_FLT_INEXACT_RESULT"},
    {0xc0000090, "EXCEPTION_FLT_INVALID_OPERATION"},
    {0xc0000091, "EXCEPTION_FLT_OVERFLOW"},
    {0xc0000092, "EXCEPTION_FLT_STACK_CHECK"},
    {0xc0000093, "EXCEPTION_FLT_UNDERFLOW"},
    {0xc0000094, "EXCEPTION_INT_DIVIDE_BY_ZERO"},
    {0xc0000095, "EXCEPTION_INT_OVERFLOW"},
    {0xc0000096, "EXCEPTION_PRIV_INSTRUCTION"},
    {0xc00000fd, "EXCEPTION_STACK_OVERFLOW"},
    {0xc00000ff, "EXCEPTION_BAD_FUNCTION_TABLE"},
    {0xc0000194, "EXCEPTION_POSSIBLE_DEADLOCK"},
    {0xc0000374, "EXCEPTION_HEAP_CORRUPTION"},
    {0xe0000008, "Out of Memory"},
    {0xe06d7363, "Unhandled C++ Exception"},
    {0x0517a7ed, "Simulated Exception"},
};

constexpr Entry kFastFail[] = {
    {0, "FAST_FAIL_LEGACY_GS_VIOLATION"},
    {1, "FAST_FAIL_VTGUARD_CHECK_FAILURE"},
    {2, "FAST_FAIL_STACK_COOKIE_CHECK_FAILURE"},
    {3, "FAST_FAIL_CORRUPT_LIST_ENTRY"},
    {4, "FAST_FAIL_INCORRECT_STACK"},
    {5, "FAST_FAIL_INVALID_ARG"},
    {6, "FAST_FAIL_GS_COOKIE_INIT"},
    {7, "FAST_FAIL_FATAL_APP_EXIT"},
    {8, "FAST_FAIL_RANGE_CHECK_FAILURE"},
    {9, "FAST_FAIL_UNSAFE_REGISTRY_ACCESS"},
    {10, "FAST_FAIL_GUARD_ICALL_CHECK_FAILURE"},
    {11, "FAST_FAIL_GUARD_WRITE_CHECK_FAILURE"},
    {12, "FAST_FAIL_INVALID_FIBER_SWITCH"},
    {13, "FAST_FAIL_INVALID_SET_OF_CONTEXT"},
    {14, "FAST_FAIL_INVALID_REFERENCE_COUNT"},
    {18, "FAST_FAIL_INVALID_JUMP_BUFFER"},
    {19, "FAST_FAIL_MRDATA_MODIFIED"},
    {20, "FAST_FAIL_CERTIFICATION_FAILURE"},
    {21, "FAST_FAIL_INVALID_EXCEPTION_CHAIN"},
    {22, "FAST_FAIL_CRYPTO_LIBRARY"},
    {23, "FAST_FAIL_INVALID_CALL_IN_DLL_CALLOUT"},
    {24, "FAST_FAIL_INVALID_IMAGE_BASE"},
    {25, "FAST_FAIL_DLOAD_PROTECTION_FAILURE"},
    {26, "FAST_FAIL_UNSAFE_EXTENSION_CALL"},
    {27, "FAST_FAIL_DEPRECATED_SERVICE_INVOKED"},
    {28, "FAST_FAIL_INVALID_BUFFER_ACCESS"},
    {29, "FAST_FAIL_INVALID_BALANCED_TREE"},
    {30, "FAST_FAIL_INVALID_NEXT_THREAD"},
    {31, "FAST_FAIL_GUARD_ICALL_CHECK_SUPPRESSED"},
    {32, "FAST_FAIL_APCS_DISABLED"},
    {33, "FAST_FAIL_INVALID_IDLE_STATE"},
    {34, "FAST_FAIL_MRDATA_PROTECTION_FAILURE"},
    {35, "FAST_FAIL_UNEXPECTED_HEAP_EXCEPTION"},
    {36, "FAST_FAIL_INVALID_LOCK_STATE"},
    {37, "FAST_FAIL_GUARD_JUMPTABLE"},
    {38, "FAST_FAIL_INVALID_LONGJUMP_TARGET"},
    {39, "FAST_FAIL_INVALID_DISPATCH_CONTEXT"},
    {40, "FAST_FAIL_INVALID_THREAD"},
    {41, "FAST_FAIL_INVALID_SYSCALL_NUMBER"},
    {42, "FAST_FAIL_INVALID_FILE_OPERATION"},
    {43, "FAST_FAIL_LPAC_ACCESS_DENIED"},
    {44, "FAST_FAIL_GUARD_SS_FAILURE"},
    {45, "FAST_FAIL_LOADER_CONTINUITY_FAILURE"},
    {46, "FAST_FAIL_GUARD_EXPORT_SUPPRESSION_FAILURE"},
    {47, "FAST_FAIL_INVALID_CONTROL_STACK"},
    {48, "FAST_FAIL_SET_CONTEXT_DENIED"},
    {49, "FAST_FAIL_INVALID_IAT"},
    {50, "FAST_FAIL_HEAP_METADATA_CORRUPTION"},
    {51, "FAST_FAIL_PAYLOAD_RESTRICTION_VIOLATION"},
    {52, "FAST_FAIL_LOW_LABEL_ACCESS_DENIED"},
    {53, "FAST_FAIL_ENCLAVE_CALL_FAILURE"},
    {54, "FAST_FAIL_UNHANDLED_LSS_EXCEPTON"},
    {55, "FAST_FAIL_ADMINLESS_ACCESS_DENIED"},
    {56, "FAST_FAIL_UNEXPECTED_CALL"},
    {57, "FAST_FAIL_CONTROL_INVALID_RETURN_ADDRESS"},
    {58, "FAST_FAIL_UNEXPECTED_HOST_BEHAVIOR"},
    {59, "FAST_FAIL_FLAGS_CORRUPTION"},
    {60, "FAST_FAIL_VEH_CORRUPTION"},
    {61, "FAST_FAIL_ETW_CORRUPTION"},
    {62, "FAST_FAIL_RIO_ABORT"},
    {63, "FAST_FAIL_INVALID_PFN"},
};

// The NTSTATUS values seen as EXCEPTION_IN_PAGE_ERROR causes; others print
// as hex.
constexpr Entry kNtStatus[] = {
    {0x00000000, "STATUS_SUCCESS"},
    {0xc0000006, "STATUS_IN_PAGE_ERROR"},
    {0xc000000e, "STATUS_NO_SUCH_DEVICE"},
    {0xc000000f, "STATUS_NO_SUCH_FILE"},
    {0xc0000022, "STATUS_ACCESS_DENIED"},
    {0xc0000034, "STATUS_OBJECT_NAME_NOT_FOUND"},
    {0xc0000043, "STATUS_SHARING_VIOLATION"},
    {0xc000009a, "STATUS_INSUFFICIENT_RESOURCES"},
    {0xc000009c, "STATUS_DEVICE_DATA_ERROR"},
    {0xc000009d, "STATUS_DEVICE_NOT_CONNECTED"},
    {0xc00000b5, "STATUS_IO_TIMEOUT"},
    {0xc000000d, "STATUS_INVALID_PARAMETER"},
    {0xc0000102, "STATUS_FILE_CORRUPT_ERROR"},
    {0xc0000185, "STATUS_IO_DEVICE_ERROR"},
    {0xc000020c, "STATUS_CONNECTION_DISCONNECTED"},
    {0xc000026e, "STATUS_VOLUME_DISMOUNTED"},
    {0xc0000464, "STATUS_DEVICE_REMOVED"},
    {0xc0000467, "STATUS_FILE_NOT_AVAILABLE"},
};

constexpr Entry kLinuxSignals[] = {
    {1, "SIGHUP"},   {2, "SIGINT"},
    {3, "SIGQUIT"},  {4, "SIGILL"},
    {5, "SIGTRAP"},  {6, "SIGABRT"},
    {7, "SIGBUS"},   {8, "SIGFPE"},
    {9, "SIGKILL"},  {10, "SIGUSR1"},
    {11, "SIGSEGV"}, {12, "SIGUSR2"},
    {13, "SIGPIPE"}, {14, "SIGALRM"},
    {15, "SIGTERM"}, {16, "SIGSTKFLT"},
    {17, "SIGCHLD"}, {18, "SIGCONT"},
    {19, "SIGSTOP"}, {20, "SIGTSTP"},
    {21, "SIGTTIN"}, {22, "SIGTTOU"},
    {23, "SIGURG"},  {24, "SIGXCPU"},
    {25, "SIGXFSZ"}, {26, "SIGVTALRM"},
    {27, "SIGPROF"}, {28, "SIGWINCH"},
    {29, "SIGIO"},   {30, "SIGPWR"},
    {31, "SIGSYS"},  {0xffffffff, "DUMP_REQUESTED"},
};
constexpr Entry kSigIll[] = {
    {1, "ILL_ILLOPC"}, {2, "ILL_ILLOPN"}, {3, "ILL_ILLADR"}, {4, "ILL_ILLTRP"},
    {5, "ILL_PRVOPC"}, {6, "ILL_PRVREG"}, {7, "ILL_COPROC"}, {8, "ILL_BADSTK"}};
constexpr Entry kSigBus[] = {{1, "BUS_ADRALN"},
                             {2, "BUS_ADRERR"},
                             {3, "BUS_OBJERR"},
                             {4, "BUS_MCEERR_AR"},
                             {5, "BUS_MCEERR_AO"}};
constexpr Entry kSigFpe[] = {
    {1, "FPE_INTDIV"}, {2, "FPE_INTOVF"}, {3, "FPE_FLTDIV"}, {4, "FPE_FLTOVF"},
    {5, "FPE_FLTUND"}, {6, "FPE_FLTRES"}, {7, "FPE_FLTINV"}, {8, "FPE_FLTSUB"}};
constexpr Entry kSigSegv[] = {{1, "SEGV_MAPERR"},
                              {2, "SEGV_ACCERR"},
                              {3, "SEGV_BNDERR"},
                              {4, "SEGV_PKUERR"}};

constexpr Entry kSolaris[] = {
    {1, "SIGHUP"},           {2, "SIGINT"},      {3, "SIGQUIT"},
    {4, "SIGILL"},           {5, "SIGTRAP"},     {6, "SIGIOT | SIGABRT"},
    {7, "SIGEMT"},           {8, "SIGFPE"},      {9, "SIGKILL"},
    {10, "SIGBUS"},          {11, "SIGSEGV"},    {12, "SIGSYS"},
    {13, "SIGPIPE"},         {14, "SIGALRM"},    {15, "SIGTERM"},
    {16, "SIGUSR1"},         {17, "SIGUSR2"},    {18, "SIGCLD | SIGCHLD"},
    {19, "SIGPWR"},          {20, "SIGWINCH"},   {21, "SIGURG"},
    {22, "SIGPOLL | SIGIO"}, {23, "SIGSTOP"},    {24, "SIGTSTP"},
    {25, "SIGCONT"},         {26, "SIGTTIN"},    {27, "SIGTTOU"},
    {28, "SIGVTALRM"},       {29, "SIGPROF"},    {30, "SIGXCPU"},
    {31, "SIGXFSZ"},         {32, "SIGWAITING"}, {33, "SIGLWP"},
    {34, "SIGFREEZE"},       {35, "SIGTHAW"},    {36, "SIGCANCEL"},
    {37, "SIGLOST"},         {38, "SIGXRES"},    {39, "SIGJVM1"},
    {40, "SIGJVM2"},
};

constexpr Entry kPs3[] = {
    {0, "UNKNOWN"},
    {1, "TRAP_EXCEP"},
    {2, "PRIV_INSTR"},
    {3, "ILLEGAL_INSTR"},
    {4, "INSTR_STORAGE"},
    {5, "INSTR_SEGMENT"},
    {6, "DATA_STORAGE"},
    {7, "DATA_SEGMENT"},
    {8, "FLOAT_POINT"},
    {9, "DABR_MATCH"},
    {10, "ALIGN_EXCEP"},
    {11, "MEMORY_ACCESS"},
    {12, "COPRO_ALIGN"},
    {13, "COPRO_INVALID_COM"},
    {14, "COPRO_ERR"},
    {15, "COPRO_FIR"},
    {16, "COPRO_DATA_SEGMENT"},
    {17, "COPRO_DATA_STORAGE"},
    {18, "COPRO_STOP_INSTR"},
    {19, "COPRO_HALT_INSTR"},
    {20, "COPRO_HALTINSTR_UNKNOWN"},
    {21, "COPRO_MEMORY_ACCESS"},
    {22, "GRAPHIC"},
};

constexpr Entry kFuchsia[] = {
    {0x8, "GENERAL"},
    {0x108, "FATAL_PAGE_FAULT"},
    {0x208, "UNDEFINED_INSTRUCTION"},
    {0x308, "SW_BREAKPOINT"},
    {0x408, "HW_BREAKPOINT"},
    {0x508, "UNALIGNED_ACCESS"},
    {0x8008, "THREAD_STARTING"},
    {0x8108, "THREAD_EXITING"},
    {0x8208, "POLICY_ERROR"},
    {0x8308, "PROCESS_STARTING"},
};

struct MacEntry {
  uint32_t code;
  MacFlagsStyle style;
  std::string_view name;
};
constexpr MacEntry kMac[] = {
    {1, MacFlagsStyle::kNamed, "EXC_BAD_ACCESS"},
    {2, MacFlagsStyle::kNamed, "EXC_BAD_INSTRUCTION"},
    {3, MacFlagsStyle::kNamed, "EXC_ARITHMETIC"},
    {4, MacFlagsStyle::kAlways, "EXC_EMULATION"},
    {5, MacFlagsStyle::kNamed, "EXC_SOFTWARE"},
    {6, MacFlagsStyle::kNamed, "EXC_BREAKPOINT"},
    {7, MacFlagsStyle::kAlways, "EXC_SYSCALL"},
    {8, MacFlagsStyle::kAlways, "EXC_MACH_SYSCALL"},
    {9, MacFlagsStyle::kAlways, "EXC_RPC_ALERT"},
    {11, MacFlagsStyle::kAlways, "EXC_RESOURCE"},
    {12, MacFlagsStyle::kAlways, "EXC_GUARD"},
    {0x43507378, MacFlagsStyle::kNone,
     "Simulated Exception"},  // Crashpad 'CPsx'
    {0x43506e78, MacFlagsStyle::kNone,
     "Uncaught NSException"},  // Crashpad 'CPnx'
};

enum class ArchGroup : uint8_t { kAny, kArm, kPpc, kX86 };
struct MacSub {
  uint32_t code;
  ArchGroup arch;
  uint32_t flags;
  std::string_view name;
};
// Searched in order; the first match wins (generic KERN_* codes first).
constexpr MacSub kMacSub[] = {
    {1, ArchGroup::kAny, 1, "KERN_INVALID_ADDRESS"},
    {1, ArchGroup::kAny, 2, "KERN_PROTECTION_FAILURE"},
    {1, ArchGroup::kAny, 8, "KERN_NO_ACCESS"},
    {1, ArchGroup::kAny, 9, "KERN_MEMORY_FAILURE"},
    {1, ArchGroup::kAny, 10, "KERN_MEMORY_ERROR"},
    {1, ArchGroup::kAny, 50, "KERN_CODESIGN_ERROR"},
    {1, ArchGroup::kArm, 0x101, "EXC_ARM_DA_ALIGN"},
    {1, ArchGroup::kArm, 0x102, "EXC_ARM_DA_DEBUG"},
    {1, ArchGroup::kPpc, 0x101, "EXC_PPC_VM_PROT_READ"},
    {1, ArchGroup::kPpc, 0x102, "EXC_PPC_BADSPACE"},
    {1, ArchGroup::kPpc, 0x103, "EXC_PPC_UNALIGNED"},
    {1, ArchGroup::kX86, 13, "EXC_I386_GPFLT"},
    {2, ArchGroup::kArm, 1, "EXC_ARM_UNDEFINED"},
    {2, ArchGroup::kPpc, 1, "EXC_PPC_INVALID_SYSCALL"},
    {2, ArchGroup::kPpc, 2, "EXC_PPC_UNIPL_INST"},
    {2, ArchGroup::kPpc, 3, "EXC_PPC_PRIVINST"},
    {2, ArchGroup::kPpc, 4, "EXC_PPC_PRIVREG"},
    {2, ArchGroup::kPpc, 5, "EXC_PPC_TRACE"},
    {2, ArchGroup::kPpc, 6, "EXC_PPC_PERFMON"},
    {2, ArchGroup::kX86, 1, "EXC_I386_INVOP"},
    {2, ArchGroup::kX86, 10, "EXC_I386_INVTSSFLT"},
    {2, ArchGroup::kX86, 11, "EXC_I386_SEGNPFLT"},
    {2, ArchGroup::kX86, 12, "EXC_I386_STKFLT"},
    {2, ArchGroup::kX86, 13, "EXC_I386_GPFLT"},
    {2, ArchGroup::kX86, 17, "EXC_I386_ALIGNFLT"},
    {3, ArchGroup::kPpc, 1, "EXC_PPC_OVERFLOW"},
    {3, ArchGroup::kPpc, 2, "EXC_PPC_ZERO_DIVIDE"},
    {3, ArchGroup::kPpc, 3, "EXC_FLT_INEXACT"},
    {3, ArchGroup::kPpc, 4, "EXC_PPC_FLT_ZERO_DIVIDE"},
    {3, ArchGroup::kPpc, 5, "EXC_PPC_FLT_UNDERFLOW"},
    {3, ArchGroup::kPpc, 6, "EXC_PPC_FLT_OVERFLOW"},
    {3, ArchGroup::kPpc, 7, "EXC_PPC_FLT_NOT_A_NUMBER"},
    {3, ArchGroup::kPpc, 8, "EXC_PPC_NOEMULATION"},
    {3, ArchGroup::kPpc, 9, "EXC_PPC_ALTIVECASSIST"},
    {3, ArchGroup::kX86, 1, "EXC_I386_DIV"},
    {3, ArchGroup::kX86, 2, "EXC_I386_INTO"},
    {3, ArchGroup::kX86, 3, "EXC_I386_NOEXT"},
    {3, ArchGroup::kX86, 4, "EXC_I386_EXTOVR"},
    {3, ArchGroup::kX86, 5, "EXC_I386_EXTERR"},
    {3, ArchGroup::kX86, 6, "EXC_I386_EMERR"},
    {3, ArchGroup::kX86, 7, "EXC_I386_BOUND"},
    {3, ArchGroup::kX86, 8, "EXC_I386_SSEEXTERR"},
    {5, ArchGroup::kAny, 0x10002, "SIGABRT"},
    {5, ArchGroup::kAny, 0xdeadc0de, "UNCAUGHT_NS_EXCEPTION"},
    {5, ArchGroup::kAny, 1, "EXC_PPC_TRAP"},
    {5, ArchGroup::kAny, 0x10100, "EXC_PPC_MIGRATE"},
    {6, ArchGroup::kArm, 0x101, "EXC_ARM_DA_ALIGN"},
    {6, ArchGroup::kArm, 0x102, "EXC_ARM_DA_DEBUG"},
    {6, ArchGroup::kArm, 1, "EXC_ARM_BREAKPOINT"},
    {6, ArchGroup::kPpc, 1, "EXC_PPC_BREAKPOINT"},
    {6, ArchGroup::kX86, 1, "EXC_I386_SGL"},
    {6, ArchGroup::kX86, 2, "EXC_I386_BPT"},
};

ArchGroup GroupOf(uint16_t arch) {
  switch (arch) {
    case kCpuArm:
    case kCpuArm64Old:
      return ArchGroup::kArm;
    case kCpuPpc:
      return ArchGroup::kPpc;
    case kCpuX86:
    case kCpuAmd64:
      return ArchGroup::kX86;
    default:
      return ArchGroup::kAny;
  }
}

}  // namespace

std::string_view WindowsException(uint32_t code) {
  return Lookup(kWindows, code);
}
std::string_view FastFail(uint32_t code) { return Lookup(kFastFail, code); }
std::string_view NtStatus(uint32_t code) { return Lookup(kNtStatus, code); }
std::string_view LinuxSignal(uint32_t signal) {
  return Lookup(kLinuxSignals, signal);
}
bool LinuxSignalHasSubcode(uint32_t signal) {
  return signal == 4 || signal == 7 || signal == 8 || signal == 11;
}
std::string_view LinuxSubcode(uint32_t signal, uint32_t code) {
  switch (signal) {
    case 4:
      return Lookup(kSigIll, code);
    case 7:
      return Lookup(kSigBus, code);
    case 8:
      return Lookup(kSigFpe, code);
    case 11:
      return Lookup(kSigSegv, code);
    default:
      return {};
  }
}
std::string_view SolarisSignal(uint32_t signal) {
  return Lookup(kSolaris, signal);
}
std::string_view Ps3Exception(uint32_t code) { return Lookup(kPs3, code); }
std::string_view FuchsiaException(uint32_t code) {
  return Lookup(kFuchsia, code);
}

std::string_view MacException(uint32_t code) {
  for (const MacEntry& e : kMac) {
    if (e.code == code) return e.name;
  }
  return {};
}
MacFlagsStyle MacExceptionStyle(uint32_t code) {
  for (const MacEntry& e : kMac) {
    if (e.code == code) return e.style;
  }
  return MacFlagsStyle::kNone;
}
std::string_view MacSubcode(uint32_t code, uint32_t flags, uint16_t arch) {
  ArchGroup group = GroupOf(arch);
  for (const MacSub& s : kMacSub) {
    if (s.code == code && s.flags == flags &&
        (s.arch == ArchGroup::kAny || s.arch == group)) {
      return s.name;
    }
  }
  return {};
}

}  // namespace crashbox::minidump::names
