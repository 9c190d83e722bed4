// SPDX-License-Identifier: MPL-2.0
// 32-bit arm unwinder (Breakpad's stackwalker_arm.cc): CFI, then the frame
// pointer chain only on iOS (r7; other ABIs have no reliable frame pointer),
// then stack scanning. Caller instructions are looked up at pc - 2 (Thumb).
#include "app/stackwalk/unwinder.h"

namespace crashbox::stackwalk {
namespace {

constexpr int kSp = 13, kLr = 14, kPc = 15;
constexpr int kIosFp = 7;

class ArmUnwinder final : public Unwinder {
 public:
  explicit ArmUnwinder(UnwindEnv env) : Unwinder(std::move(env)) {
    for (int i = 0; i <= 12; ++i) map_.names.push_back("r" + std::to_string(i));
    map_.names.push_back("sp");
    map_.names.push_back("lr");
    map_.names.push_back("pc");
    map_.ra_index = kPc;
    map_.cfa_index = kSp;
    for (int i = 4; i <= 11; ++i) map_.callee_saves.push_back(i);
    fp_register_ = env_.os_short == "ios" ? kIosFp : -1;
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
    if (!caller && fp_register_ >= 0) caller = ByFramePointer(last);
    if (!caller && scan_allowed) caller = ByScan(last);
    if (!caller) return std::nullopt;
    uint32_t pc = static_cast<uint32_t>(caller->regs.Get(kPc));
    if (TerminateWalk(pc, caller->regs.Get(kSp), last.regs.Get(kSp),
                      last.trust == FrameTrust::kContext)) {
      return std::nullopt;
    }
    caller->instruction = static_cast<uint32_t>(pc - 2);
    caller->return_address =
        caller->instruction;  // StackFrameARM has no ReturnAddress override
    return caller;
  }

 private:
  std::optional<Frame> ByCfi(const Frame& last,
                             const symbols::CfiRules& rules) {
    std::optional<Registers> regs =
        CallerRegsByCfi(last, rules, map_, symbols::ValueWidth::k32);
    if (!regs || !regs->IsValid(kPc) || !regs->IsValid(kSp))
      return std::nullopt;
    Frame f;
    f.trust = FrameTrust::kCfi;
    f.regs = *regs;
    return f;
  }

  // The shared link-register step on r7; Breakpad asks r7 to be valid.
  std::optional<Frame> ByFramePointer(const Frame& last) {
    if (!last.regs.IsValid(fp_register_)) return std::nullopt;
    return CallerByFramePointer(last, {.pc_index = kPc,
                                       .sp_index = kSp,
                                       .fp_index = fp_register_,
                                       .lr_index = kLr,
                                       .word_size = 4});
  }

  std::optional<Frame> ByScan(const Frame& last) {
    return ScanCaller(last, kPc, kSp, 4);
  }

  int fp_register_;
  CfiRegisterMap map_;
};

}  // namespace

std::unique_ptr<Unwinder> MakeArmUnwinder(UnwindEnv env) {
  return std::make_unique<ArmUnwinder>(std::move(env));
}

}  // namespace crashbox::stackwalk
