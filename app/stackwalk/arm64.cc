// SPDX-License-Identifier: MPL-2.0
// arm64 unwinder (Breakpad's stackwalker_arm64.cc): CFI, then the frame
// pointer chain (x29, with the link register for the first caller), then
// stack scanning. Pointer authentication bits are stripped from return
// addresses with a mask derived from the highest loaded module.
#include "app/stackwalk/unwinder.h"

namespace crashbox::stackwalk {
namespace {

constexpr int kFp = 29, kLr = 30, kSp = 31, kPc = 32;

class Arm64Unwinder final : public Unwinder {
 public:
  Arm64Unwinder(UnwindEnv env, uint64_t address_mask)
      : Unwinder(std::move(env)), mask_(address_mask) {
    for (int i = 0; i <= 30; ++i) map_.names.push_back("x" + std::to_string(i));
    map_.names.push_back("sp");
    map_.names.push_back("pc");
    map_.ra_index = kPc;
    map_.cfa_index = kSp;
    for (int i = 19; i <= 29; ++i) map_.callee_saves.push_back(i);
  }

  std::optional<Frame> CallerOf(std::vector<Frame>& frames,
                                bool scan_allowed) override {
    Frame& last = frames.back();
    if (last.trust == FrameTrust::kContext && !lr_stripped_) {
      // Breakpad strips the context frame's lr when it builds that frame.
      last.regs.value[kLr] = PtrauthStrip(last.regs.value[kLr]);
      lr_stripped_ = true;
    }
    if (!env_.memory->present()) return std::nullopt;
    std::optional<Frame> caller;
    if (std::optional<symbols::CfiRules> rules =
            env_.symbolizer->FindCfiRules(last)) {
      caller = ByCfi(last, *rules);
    }
    if (!caller) caller = ByFramePointer(frames);
    if (!caller && scan_allowed) caller = ByScan(last);
    if (!caller) return std::nullopt;
    uint64_t pc = caller->regs.Get(kPc);
    if (TerminateWalk(pc, caller->regs.Get(kSp), last.regs.Get(kSp),
                      last.trust == FrameTrust::kContext)) {
      return std::nullopt;
    }
    // A64 instructions are 4 bytes: pc - 4 is the call. Breakpad prints this
    // address too (StackFrameARM64 has no ReturnAddress override).
    caller->instruction = pc - 4;
    caller->return_address = caller->instruction;
    return caller;
  }

 private:
  uint64_t PtrauthStrip(uint64_t ptr) const {
    uint64_t stripped = ptr & mask_;
    return env_.symbolizer->FindModule(stripped) != nullptr ? stripped : ptr;
  }

  std::optional<Frame> ByCfi(const Frame& last,
                             const symbols::CfiRules& rules) {
    std::optional<Registers> regs =
        CallerRegsByCfi(last, rules, map_, symbols::ValueWidth::k64);
    if (!regs || !regs->IsValid(kPc) || !regs->IsValid(kSp))
      return std::nullopt;
    regs->value[kPc] = PtrauthStrip(regs->value[kPc]);
    Frame f;
    f.trust = FrameTrust::kCfi;
    f.regs = *regs;
    return f;
  }

  // Breakpad's CorrectRegLRByFramePointer: when CFI left lr unknown, take it
  // from the callee's frame record if that record agrees with our fp.
  void CorrectLr(std::vector<Frame>& frames) {
    Frame& last = frames.back();
    if (frames.size() < 2 || last.regs.Get(kFp) <= last.regs.Get(kSp)) return;
    int id = static_cast<int>(frames.size()) - 2;
    while (id >= 0 && frames[id].trust == FrameTrust::kInline) --id;
    if (id < 0) return;
    uint64_t callee_fp = frames[id].regs.Get(kFp);
    uint64_t fp = 0, lr = 0;
    if (callee_fp) {
      std::optional<uint64_t> v = env_.memory->ReadU64(callee_fp);
      if (!v) return;
      fp = *v;
    }
    if (last.regs.Get(kFp) != fp) return;
    if (callee_fp) {
      std::optional<uint64_t> v = env_.memory->ReadU64(callee_fp + 8);
      if (!v) return;
      lr = *v;
    }
    last.regs.value[kLr] = PtrauthStrip(lr);
  }

  // The shared link-register step on x29, after Breakpad's lr correction;
  // the caller's lr loses its pointer-auth bits.
  std::optional<Frame> ByFramePointer(std::vector<Frame>& frames) {
    if (!frames.back().regs.IsValid(kLr)) CorrectLr(frames);
    std::optional<Frame> f = CallerByFramePointer(
        frames.back(),
        {.pc_index = kPc, .sp_index = kSp, .fp_index = kFp, .lr_index = kLr});
    if (f) f->regs.Set(kLr, PtrauthStrip(f->regs.Get(kLr)));
    return f;
  }

  std::optional<Frame> ByScan(const Frame& last) {
    return ScanCaller(last, kPc, kSp, 8);
  }

  uint64_t mask_;
  bool lr_stripped_ = false;
  CfiRegisterMap map_;
};

}  // namespace

std::unique_ptr<Unwinder> MakeArm64Unwinder(
    UnwindEnv env, const minidump::ModuleList* modules) {
  uint64_t mask = ~uint64_t{0};
  if (modules != nullptr && modules->size() > 0) {
    const minidump::Module* high = modules->ByAddress().back();
    mask = high->base_address + high->size;
    for (int shift : {1, 2, 4, 8, 16, 32}) mask |= mask >> shift;
  }
  return std::make_unique<Arm64Unwinder>(std::move(env), mask);
}

}  // namespace crashbox::stackwalk
