// SPDX-License-Identifier: MPL-2.0
// amd64 unwinder (Breakpad's stackwalker_amd64.cc): CFI, then on Windows a
// simulated return for the context frame (leaf functions have no unwind
// info), then the rbp chain (never on Windows), then stack scanning.
#include "app/stackwalk/unwinder.h"

namespace crashbox::stackwalk {
namespace {

// Register indices (minidump::CpuContext order).
constexpr int kRbx = 3, kRbp = 6, kRsp = 7, kR12 = 12, kR13 = 13, kR14 = 14,
              kR15 = 15, kRip = 16;

bool IsNonCanonical(uint64_t p) {
  return p > 0x7FFFFFFFFFFFull && p < 0xFFFF800000000000ull;
}

class Amd64Unwinder final : public Unwinder {
 public:
  explicit Amd64Unwinder(UnwindEnv env) : Unwinder(std::move(env)) {
    map_.names = {"$rax", "$rdx", "$rcx", "$rbx", "$rsi", "$rdi",
                  "$rbp", "$rsp", "$r8",  "$r9",  "$r10", "$r11",
                  "$r12", "$r13", "$r14", "$r15", "$rip"};
    map_.ra_index = kRip;
    map_.cfa_index = kRsp;
    map_.callee_saves = {kRbx, kRbp, kR12, kR13, kR14, kR15};
    map_.unrecovered_value = 0xdadadadadadadadaull;
  }

  std::optional<Frame> CallerOf(std::vector<Frame>& frames,
                                bool scan_allowed) override {
    if (!env_.memory->present()) return std::nullopt;
    const Frame& last = frames.back();
    std::optional<Frame> caller;
    if (std::optional<symbols::CfiRules> rules =
            env_.symbolizer->FindCfiRules(last)) {
      caller = ByCfi(last, *rules);
    }
    if (!caller && last.trust == FrameTrust::kContext &&
        env_.os_short == "windows") {
      caller = BySimulatingReturn(last);
    }
    if (!caller && env_.os_short != "windows") caller = ByFramePointer(last);
    if (!caller && scan_allowed) caller = ByScan(last);
    if (!caller) return std::nullopt;
    if (env_.os_short == "nacl") {
      for (int r : {kRip, kRsp, kRbp})
        caller->regs.value[r] = static_cast<uint32_t>(caller->regs.value[r]);
    }
    uint64_t rip = caller->regs.Get(kRip), rsp = caller->regs.Get(kRsp);
    if (TerminateWalk(rip, rsp, last.regs.Get(kRsp),
                      last.trust == FrameTrust::kContext)) {
      return std::nullopt;
    }
    caller->return_address = rip;
    caller->instruction = rip - 1;
    return caller;
  }

 private:
  std::optional<Frame> ByCfi(const Frame& last,
                             const symbols::CfiRules& rules) {
    std::optional<Registers> regs =
        CallerRegsByCfi(last, rules, map_, symbols::ValueWidth::k64);
    if (!regs || !regs->IsValid(kRip) || !regs->IsValid(kRsp))
      return std::nullopt;
    if (regs->Get(kRip) == 0 || regs->Get(kRsp) == 0) return std::nullopt;
    Frame f;
    f.trust = FrameTrust::kCfi;
    f.regs = *regs;
    return f;
  }

  // The shared rbp step, with Breakpad's amd64-only sanity checks: rbp
  // 8-aligned, a canonical return address, the caller's rbp above the
  // record and readable (else a garbage rbp would be followed).
  std::optional<Frame> ByFramePointer(const Frame& last) {
    const uint64_t rbp = last.regs.Get(kRbp);
    if (rbp % 8 != 0) return std::nullopt;
    std::optional<Frame> f = CallerByFramePointer(
        last, {.pc_index = kRip, .sp_index = kRsp, .fp_index = kRbp});
    if (!f) return std::nullopt;
    const uint64_t rip = f->regs.Get(kRip), rsp = f->regs.Get(kRsp);
    const uint64_t caller_rbp = f->regs.Get(kRbp);
    if (IsNonCanonical(rip)) return std::nullopt;
    if (rsp <= rbp || caller_rbp < rsp) return std::nullopt;
    if (!env_.memory->ReadU64(caller_rbp)) return std::nullopt;
    return f;
  }

  std::optional<Frame> BySimulatingReturn(const Frame& last) {
    uint64_t location = 0, rip = 0;
    if (!ScanForReturnAddress(last.regs.Get(kRsp), 1, 8, &location, &rip))
      return std::nullopt;
    Frame f;
    f.trust = FrameTrust::kLeaf;
    f.regs = last.regs;
    f.regs.Set(kRip, rip);
    f.regs.Set(kRsp, location + 8);
    return f;
  }

  std::optional<Frame> ByScan(const Frame& last) {
    uint64_t location = 0;
    std::optional<Frame> scanned = ScanCaller(last, kRip, kRsp, 8, &location);
    if (!scanned) return std::nullopt;
    Frame& f = *scanned;
    // Pass on a plausible rbp: the one saved just below the return address
    // when the callee's rbp points there, else the callee's own when it
    // lies above the return address.
    if (last.regs.IsValid(kRbp)) {
      uint64_t rbp = last.regs.Get(kRbp);
      if (location - 8 == rbp) {
        std::optional<uint64_t> saved = env_.memory->ReadU64(rbp);
        if (saved && *saved > location) f.regs.Set(kRbp, *saved);
      } else if (rbp >= location + 8) {
        f.regs.Set(kRbp, rbp);
      }
    }
    return scanned;
  }

  CfiRegisterMap map_;
};

}  // namespace

std::unique_ptr<Unwinder> MakeAmd64Unwinder(UnwindEnv env) {
  return std::make_unique<Amd64Unwinder>(std::move(env));
}

}  // namespace crashbox::stackwalk
