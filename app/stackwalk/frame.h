// SPDX-License-Identifier: MPL-2.0
// The walker's data model: frames, per-thread call stacks and the processed
// state of one dump, shaped after Breakpad's StackFrame / CallStack /
// ProcessState so that the printers can reproduce minidump_stackwalk exactly.
//
// Lifetime: Frame::module and ProcessState's module pointers point into the
// Minidump's ModuleList (and unloaded module list); a ProcessState is valid
// only while the Minidump it was walked from lives.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "app/minidump/context/cpu_context.h"
#include "app/minidump/module_list.h"

namespace crashbox::stackwalk {

using minidump::Cpu;

// How a frame was found, best first in Breakpad's order of trust.
enum class FrameTrust : uint8_t {
  kNone,          // unknown
  kScan,          // a word on the stack that looks like a return address
  kCfiScan,       // CFI located the frame, scanning found the return address
  kFramePointer,  // the callee's frame pointer chain
  kCfi,           // call frame information (STACK CFI or STACK WIN)
  kPrewalked,     // given by an external walker
  kContext,       // the thread's (or exception's) context
  kInline,        // an INLINE record inside the real frame that follows it
  kLeaf,          // simulated return from a leaf function (Windows amd64)
};

// Breakpad's StackFrame::trust_description() ("call frame info", ...).
std::string_view TrustDescription(FrameTrust trust);
// rust-minidump's JSON name ("cfi", "frame_pointer", "scan", ...).
std::string_view TrustJsonName(FrameTrust trust);

// Register values of one frame, by Breakpad register index (see
// minidump::CpuContext for the names). Unlike CpuContext, values of invalid
// registers are kept: Breakpad's unwinders read them (a caller found by
// scanning inherits the callee's rbp value even when it is not "valid").
struct Registers {
  Cpu cpu = Cpu::kUnknown;
  std::array<uint64_t, minidump::CpuContext::kMaxRegisters> value{};
  uint64_t valid = 0;

  static Registers FromContext(const minidump::CpuContext& context);
  std::span<const std::string_view> names() const;
  int Index(std::string_view name) const;  // -1 when unknown
  bool IsValid(int index) const { return index >= 0 && ((valid >> index) & 1); }
  uint64_t Get(int index) const { return index >= 0 ? value[index] : 0; }
  void Set(int index, uint64_t v) {
    value[index] = v;
    valid |= uint64_t{1} << index;
  }
  uint64_t pc() const;
  uint64_t sp() const;
  int pc_index() const;
  int sp_index() const;
};

struct Frame {
  FrameTrust trust = FrameTrust::kNone;
  Registers regs;  // empty for inline frames
  // The address symbols are looked up at: the pc for the context frame, the
  // return address minus one for callers (it points into the call).
  uint64_t instruction = 0;
  // What Breakpad prints and computes offsets from: the frame's pc register
  // (the return address itself for callers); `instruction` for inline frames.
  uint64_t return_address = 0;

  // The module holding `instruction`: a loaded module, else an unloaded one.
  const minidump::Module* module = nullptr;
  const minidump::UnloadedModule* unloaded_module = nullptr;

  std::string function_name;  // empty when unknown
  uint64_t function_base = 0;
  bool is_multiple = false;
  std::string source_file;  // empty when unknown
  int32_t source_line = 0;
  uint64_t source_line_base = 0;

  bool has_module() const {
    return module != nullptr || unloaded_module != nullptr;
  }
  const std::string& module_code_file() const;
  uint64_t module_base() const;
};

struct ThreadStack {
  uint32_t thread_id = 0;
  std::string thread_name;  // from the thread names stream, or ""
  std::vector<Frame>
      frames;  // innermost first, inline frames before their real frame
  bool had_context = true;  // false: no usable CPU context, no frames
  bool truncated = false;   // the frame cap or deadline stopped the walk
  // Why the walk of this thread stopped early (kNone: it ran to its end).
  enum class Stop : uint8_t { kNone, kFrameCap, kDeadline };
  Stop stop = Stop::kNone;
};

// Everything the printers need, computed once per dump.
struct ProcessState {
  // System info, as Breakpad's MinidumpProcessor fills SystemInfo.
  std::string os, os_short, os_version, cpu, cpu_info;
  int cpu_count = 0;
  // Crash facts.
  bool crashed = false;
  std::string crash_reason;
  uint64_t crash_address = 0;
  std::string
      assertion;  // assertion info stream, Breakpad's wording; "" when absent
  int requesting_thread = -1;  // index into threads, or -1
  uint32_t time_date_stamp = 0;
  uint32_t process_create_time = 0;  // 0 when unknown

  std::vector<ThreadStack>
      threads;  // in dump order, the dump-writing thread skipped
  const minidump::ModuleList* modules =
      nullptr;  // null when the list is unreadable
  // Modules a frame landed in without (or with corrupt) symbols, first seen
  // first.
  std::vector<const minidump::Module*> modules_without_symbols;
  std::vector<const minidump::Module*> modules_with_corrupt_symbols;
  // Modules whose symbols were loaded during the walk.
  std::vector<const minidump::Module*> modules_with_symbols;
  // Non-fatal problems: corrupt streams, missing contexts, truncated walks.
  std::vector<std::string> notes;
};

}  // namespace crashbox::stackwalk
