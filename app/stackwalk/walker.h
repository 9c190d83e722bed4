// SPDX-License-Identifier: MPL-2.0
// Stack walking of a whole dump, as Breakpad's MinidumpProcessor::Process and
// Stackwalker::Walk do it:
//  - every thread of the thread list is walked, except the thread that wrote
//    the dump (Breakpad info); the requesting (crashed) thread starts from the
//    exception's context when there is one;
//  - each thread starts at its context frame and asks the CPU's unwinder for
//    callers until it gives up; every frame is symbolized, inline frames from
//    INLINE records are inserted before the frame they live in;
//  - modules without symbols (or with corrupt symbols) are collected for the
//    "WARNING: No symbols" markers.
//
// Errors: kCorrupt / kNotFound when the dump has no usable thread list or two
// threads claim to be the requesting thread (Breakpad refuses those dumps);
// everything else (a thread without context or stack, missing symbols, a
// truncated walk) becomes a note in ProcessState::notes.
//
// Thread-safety: WalkDump() may run concurrently on different dumps with a
// shared thread-safe SymbolSupplier.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "app/base/status.h"
#include "app/minidump/minidump.h"
#include "app/stackwalk/frame.h"
#include "app/symbols/suppliers/symbol_supplier.h"

namespace crashbox::stackwalk {

struct WalkOptions {
  // Frames per thread (inline frames included); a longer walk is cut and the
  // state gets a "frames_truncated" note.
  int max_frames_per_thread = 1024;
  // Stack scanning is the last-resort unwinder; it guesses on optimized code.
  bool allow_stack_scan = true;
  // Breakpad stops scanning after this many scanned frames per thread.
  uint32_t max_scanned_frames = 1 << 14;
  // Whole-dump time budget; threads not walked in time keep their context
  // frame only and the state gets a "deadline" note. Zero = no deadline.
  std::chrono::milliseconds deadline{0};
};

// Walks every thread of `dump`. `supplier` may be null: no symbols at all
// (minidump_stackwalk without a symbol path).
Result<ProcessState> WalkDump(const minidump::Minidump& dump,
                              symbols::SymbolSupplier* supplier,
                              const WalkOptions& options = {});

}  // namespace crashbox::stackwalk
