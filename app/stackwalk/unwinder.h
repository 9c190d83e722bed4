// SPDX-License-Identifier: MPL-2.0
// Unwinder: finds the caller of the newest frame of a partly walked stack,
// one implementation per CPU (amd64.cc, x86.cc, arm64.cc, arm.cc), each
// following Breakpad's stackwalker_<cpu>.cc: CFI (and STACK WIN on x86) first,
// then the frame pointer, then stack scanning, with Breakpad's conditions for
// when each is tried and trusted. Shared pieces (stack memory, scanning, the
// termination rule, the CFI walker, the frame-pointer step) live in
// unwinder.cc. Internal to app/stackwalk; not thread-safe (one per thread
// walk).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/minidump/memory_list.h"
#include "app/stackwalk/frame.h"
#include "app/stackwalk/symbolizer.h"
#include "app/symbols/eval/postfix_eval.h"

namespace crashbox::stackwalk {

// The walked thread's stack memory (Breakpad's MemoryRegion), possibly absent.
class StackMemory final : public symbols::MemoryReader {
 public:
  StackMemory() = default;
  explicit StackMemory(std::optional<minidump::MemoryRegion> region);
  bool present() const { return region_.has_value() && region_->readable; }
  uint64_t base() const { return region_ ? region_->base : 0; }
  uint64_t size() const { return region_ ? region_->size : 0; }
  void Drop() { region_.reset(); }
  std::optional<uint32_t> ReadU32(uint64_t address) const;
  std::optional<uint64_t> ReadU64(uint64_t address) const;
  // A word of `width` bytes (4 or 8).
  std::optional<uint64_t> ReadWord(uint64_t address, int width) const;
  bool ReadMemory(uint64_t address, symbols::ValueWidth width,
                  uint64_t* value) const override;

 private:
  std::optional<minidump::MemoryRegion> region_;
};

// What every unwinder needs about the dump.
struct UnwindEnv {
  StackMemory* memory = nullptr;  // never null; may be absent()
  FrameSymbolizer* symbolizer = nullptr;
  std::string os_short;  // "windows", "linux", "mac", "ios", ...
};

class Unwinder {
 public:
  explicit Unwinder(UnwindEnv env) : env_(std::move(env)) {}
  virtual ~Unwinder() = default;
  // The caller of frames.back() (never an inline frame), or nullopt when the
  // walk ends. `frames` holds every frame found so far, inline ones included.
  virtual std::optional<Frame> CallerOf(std::vector<Frame>& frames,
                                        bool scan_allowed) = 0;

 protected:
  // Breakpad's ScanForReturnAddress: words at `start`, `start + w`, ... up to
  // and including `start + words * w`; the first whose value minus one lies
  // in a module and InstructionAddressSeemsValid. Stops at unreadable memory.
  bool ScanForReturnAddress(uint64_t start, int words, int word_size,
                            uint64_t* location, uint64_t* ip);
  // A caller found by scanning from `last`'s stack pointer (Breakpad's scan
  // frames): pc = the return address found, sp just past it, no other
  // register known. `location` (optional) receives where it was found.
  std::optional<Frame> ScanCaller(const Frame& last, int pc_index, int sp_index,
                                  int word_size, uint64_t* location = nullptr);
  // The default scan length: 40 words, 160 for the context frame's caller.
  static int SearchWords(bool is_context_frame) {
    return is_context_frame ? 160 : 40;
  }
  // A caller of `callee` with `trust` and no register known yet: the values
  // are the callee's (later unwinders read some of them, as Breakpad's do),
  // every validity bit is clear.
  static Frame NewCaller(const Frame& callee, FrameTrust trust);

  // Where a CPU keeps its frame pointer chain (register indices), for
  // CallerByFramePointer.
  struct FramePointerRegs {
    int pc_index = -1, sp_index = -1, fp_index = -1;
    // -1: the return address is saved in the frame record (x86, amd64).
    // Otherwise the link register holds the caller's pc and the record's
    // second word is the caller's link register (arm, arm64).
    int lr_index = -1;
    int word_size = 8;  // 4 or 8; addresses wrap at this width
  };
  // The frame-pointer step every unwinder shares: the callee's fp points at a
  // frame record {caller's fp, return address or saved lr}, the caller's sp
  // is just above it (fp + 2 words). The caller gets pc, sp and fp (and lr)
  // valid, trust kFramePointer; nullopt when a word of the record is
  // unreadable. With a link register (arm, arm64), fp 0 ends the chain
  // without reading memory: the caller is in lr, at the callee's sp, with fp
  // and lr 0. The checks that differ per CPU (amd64's alignment and
  // canonical-address tests, arm's iOS-only r7, arm64's lr correction and
  // pointer-auth stripping) stay with each unwinder.
  std::optional<Frame> CallerByFramePointer(const Frame& last,
                                            const FramePointerRegs& regs);
  // Breakpad's TerminateWalk: pc below 4 KiB, or no stack progress.
  static bool TerminateWalk(uint64_t caller_pc, uint64_t caller_sp,
                            uint64_t callee_sp, bool first_unwind);
  // Applies CFI rules to `callee` (Breakpad's SimpleCFIWalker): the result
  // holds every register the rules recover, plus callee-saves registers
  // carried over; invalid registers hold map.unrecovered_value (Breakpad
  // memsets 0xda on x86/amd64, zeroes on arm). `names` maps register index to
  // the CFI name ("$rip"), `ra_index`/ `sp_index` take ".ra"/".cfa",
  // `callee_saves` lists carried registers.
  struct CfiRegisterMap {
    std::vector<std::string> names;  // by register index, "" = not in CFI
    int ra_index = -1;
    int cfa_index = -1;
    std::vector<int> callee_saves;
    uint64_t unrecovered_value =
        0;  // what invalid registers hold (x86/amd64: 0xdada...)
  };
  std::optional<Registers> CallerRegsByCfi(const Frame& callee,
                                           const symbols::CfiRules& rules,
                                           const CfiRegisterMap& map,
                                           symbols::ValueWidth width);

  UnwindEnv env_;
};

std::unique_ptr<Unwinder> MakeAmd64Unwinder(UnwindEnv env);
std::unique_ptr<Unwinder> MakeX86Unwinder(UnwindEnv env);
std::unique_ptr<Unwinder> MakeArm64Unwinder(
    UnwindEnv env, const minidump::ModuleList* modules);
std::unique_ptr<Unwinder> MakeArmUnwinder(UnwindEnv env);

}  // namespace crashbox::stackwalk
