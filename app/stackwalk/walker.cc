// SPDX-License-Identifier: MPL-2.0
#include "app/stackwalk/walker.h"

#include <algorithm>

#include <fmt/format.h>

#include "app/minidump/dump_strings.h"
#include "app/stackwalk/symbolizer.h"
#include "app/stackwalk/unwinder.h"

namespace crashbox::stackwalk {
namespace {

using minidump::Minidump;
using minidump::Module;
using Clock = std::chrono::steady_clock;

void AddUnique(std::vector<const Module*>* list, const Module* m) {
  if (m != nullptr && std::find(list->begin(), list->end(), m) == list->end())
    list->push_back(m);
}

void FillSystemInfo(const Minidump& dump, ProcessState* state) {
  state->time_date_stamp = dump.header().time_date_stamp;
  if (const auto& misc = dump.misc_info();
      misc.ok() && misc->process_create_time) {
    state->process_create_time = *misc->process_create_time;
  }
  const Result<minidump::SystemInfo>& sys = dump.system_info();
  if (!sys.ok()) return;
  state->os = minidump::OsString(*sys);
  state->os_short = minidump::OsShortString(*sys);
  state->os_version = minidump::OsVersionString(*sys);
  state->cpu = minidump::CpuString(*sys);
  state->cpu_info = minidump::CpuInfoString(*sys);
  state->cpu_count = sys->number_of_processors;
}

// MinidumpProcessor::GetAssertion: MDRawAssertionInfo (Breakpad stream
// 0x47670002) is three 128-unit UTF-16 buffers (expression, function, file),
// line and type.
std::string ReadAssertion(const Minidump& dump) {
  constexpr uint32_t kAssertionStream = 0x47670002;  // MD_ASSERTION_INFO_STREAM
  constexpr size_t kUnits = 128, kSize = 3 * kUnits * 2 + 8;
  Result<ByteView> stream = dump.FindStream(kAssertionStream);
  if (!stream.ok() || stream->size() != kSize) return "";
  auto text = [&](size_t i) {
    Result<std::string> s = minidump::Utf16ToUtf8(
        stream->subspan(i * kUnits * 2, kUnits * 2), true);
    return s.ok() ? *s : std::string();
  };
  auto u32 = [&](size_t off) {
    ByteView b = stream->subspan(off, 4);
    return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 |
           uint32_t(b[3]) << 24;
  };
  uint32_t line = u32(3 * kUnits * 2), type = u32(3 * kUnits * 2 + 4);
  std::string out = type == 1 ? "Invalid parameter passed to library function"
                    : type == 2
                        ? "Pure virtual function called"
                        : fmt::format("Unknown assertion type 0x{:08x}", type);
  if (std::string e = text(0); !e.empty()) out += " " + e;
  if (std::string f = text(1); !f.empty()) out += " in function " + f;
  if (std::string f = text(2); !f.empty()) out += ", in file " + f;
  if (line != 0) out += fmt::format(" at line {}", line);
  return out;
}

std::unique_ptr<Unwinder> UnwinderFor(Cpu cpu, UnwindEnv env,
                                      const minidump::ModuleList* modules) {
  switch (cpu) {
    case Cpu::kAmd64:
      return MakeAmd64Unwinder(std::move(env));
    case Cpu::kX86:
      return MakeX86Unwinder(std::move(env));
    case Cpu::kArm64:
      return MakeArm64Unwinder(std::move(env), modules);
    case Cpu::kArm:
      return MakeArmUnwinder(std::move(env));
    case Cpu::kUnknown:
      break;
  }
  return nullptr;
}

struct ThreadWalk {
  const WalkOptions& options;
  FrameSymbolizer& symbolizer;
  ProcessState& state;
  std::optional<Clock::time_point> deadline;

  // Stackwalker::Walk for one thread.
  void Run(const minidump::CpuContext& context, StackMemory& memory,
           ThreadStack* thread) {
    UnwindEnv env{&memory, &symbolizer, state.os_short};
    std::unique_ptr<Unwinder> unwinder =
        UnwinderFor(context.cpu(), env, state.modules);
    if (!unwinder) {
      state.notes.push_back(fmt::format("thread {:#x}: no unwinder for cpu {}",
                                        thread->thread_id,
                                        minidump::CpuName(context.cpu())));
      return;
    }
    Frame frame;
    frame.trust = FrameTrust::kContext;
    frame.regs = Registers::FromContext(context);
    frame.regs.valid = ~uint64_t{0} >> (64 - frame.regs.names().size());
    frame.instruction = frame.regs.pc();
    frame.return_address = frame.instruction;
    uint32_t scanned = 0;
    std::vector<Frame>& frames = thread->frames;
    for (;;) {
      std::vector<Frame> inlines;
      FrameSymbolizer::Outcome outcome = symbolizer.Fill(&frame, &inlines);
      if (outcome == FrameSymbolizer::Outcome::kNoSymbols) {
        AddUnique(&state.modules_without_symbols, frame.module);
      } else if (outcome == FrameSymbolizer::Outcome::kCorruptSymbols) {
        AddUnique(&state.modules_with_corrupt_symbols, frame.module);
      }
      if (frame.trust == FrameTrust::kNone ||
          frame.trust == FrameTrust::kScan ||
          frame.trust == FrameTrust::kCfiScan) {
        ++scanned;
      }
      for (Frame& f : inlines) frames.push_back(std::move(f));
      frames.push_back(std::move(frame));
      if (frames.size() >= static_cast<size_t>(options.max_frames_per_thread)) {
        thread->truncated = true;
        thread->stop = ThreadStack::Stop::kFrameCap;
        state.notes.push_back(
            fmt::format("thread {:#x}: frames_truncated at {}",
                        thread->thread_id, options.max_frames_per_thread));
        break;
      }
      if (deadline && Clock::now() > *deadline) {
        thread->truncated = true;
        thread->stop = ThreadStack::Stop::kDeadline;
        state.notes.push_back(
            fmt::format("thread {:#x}: deadline reached", thread->thread_id));
        break;
      }
      bool scan_allowed =
          options.allow_stack_scan && scanned < options.max_scanned_frames;
      std::optional<Frame> caller = unwinder->CallerOf(frames, scan_allowed);
      if (!caller) break;
      frame = std::move(*caller);
    }
  }
};

}  // namespace

Result<ProcessState> WalkDump(const Minidump& dump,
                              symbols::SymbolSupplier* supplier,
                              const WalkOptions& options) {
  ProcessState state;
  FillSystemInfo(dump, &state);
  minidump::CrashInfo crash = minidump::GetCrashInfo(dump);
  state.crashed = crash.crashed;
  state.crash_reason = crash.reason;
  state.crash_address = crash.address;
  state.assertion = ReadAssertion(dump);

  const Result<minidump::ModuleList>& modules = dump.modules();
  if (modules.ok()) state.modules = &modules.value();
  const auto& unloaded = dump.unloaded_modules();

  const Result<minidump::ThreadList>& threads = dump.threads();
  if (!threads.ok()) {
    std::string msg = threads.status().code() == Status::Code::kNotFound
                          ? std::string("minidump has no thread list")
                          : fmt::format("minidump has no thread list ({})",
                                        threads.status().message());
    if (threads.status().code() == Status::Code::kNotFound)
      return Status::NotFound(msg);
    return Status::Corrupt(msg);
  }
  const auto& names = dump.thread_names();
  FrameSymbolizer symbolizer(
      state.modules, unloaded.ok() ? &unloaded.value() : nullptr, supplier);
  std::optional<Clock::time_point> deadline;
  if (options.deadline.count() > 0) deadline = Clock::now() + options.deadline;
  ThreadWalk walk{options, symbolizer, state, deadline};

  bool found_requesting = false;
  for (const minidump::Thread& t : threads->threads) {
    if (crash.dump_thread_id && t.thread_id == *crash.dump_thread_id) continue;
    ThreadStack stack;
    stack.thread_id = t.thread_id;
    if (names.ok()) stack.thread_name = names->Find(t.thread_id);
    Result<minidump::CpuContext> context = dump.ThreadContext(t);
    if (crash.requesting_thread_id &&
        t.thread_id == *crash.requesting_thread_id) {
      if (found_requesting) {
        return Status::Corrupt(
            fmt::format("duplicate requesting thread {:#x}", t.thread_id));
      }
      found_requesting = true;
      state.requesting_thread = static_cast<int>(state.threads.size());
      if (state.crashed) {
        // The exception's context is the state at the crash; the thread's
        // own is inside the handler. Fall back to it when unusable.
        if (Result<minidump::CpuContext> ex = dump.ExceptionContext(); ex.ok())
          context = std::move(ex);
      }
    }
    std::optional<minidump::MemoryRegion> region = dump.ThreadStack(t);
    StackMemory memory(region);
    if (!memory.present()) {
      state.notes.push_back(
          fmt::format("thread {:#x}: no stack memory", t.thread_id));
    } else if (context.ok() && context->cpu() == Cpu::kX86 &&
               memory.base() + memory.size() - 1 > 0xffffffffull) {
      memory.Drop();  // a 32-bit CPU cannot have this stack (Breakpad drops it)
    }
    if (!context.ok()) {
      stack.had_context = false;
      state.notes.push_back(fmt::format("thread {:#x}: no usable context: {}",
                                        t.thread_id,
                                        context.status().message()));
    } else {
      walk.Run(*context, memory, &stack);
    }
    state.threads.push_back(std::move(stack));
  }
  if (crash.requesting_thread_id && !found_requesting)
    state.requesting_thread = -1;
  state.modules_with_symbols = symbolizer.loaded();
  for (std::string& n : symbolizer.TakeNotes())
    state.notes.push_back(std::move(n));
  for (const std::string& n : dump.notes()) state.notes.push_back(n);
  return state;
}

}  // namespace crashbox::stackwalk
