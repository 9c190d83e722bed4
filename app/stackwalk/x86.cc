// SPDX-License-Identifier: MPL-2.0
// x86 unwinder (Breakpad's stackwalker_x86.cc): STACK WIN frame data (FPO or
// FRAME_DATA program strings, with Breakpad's return-address and %ebp
// re-scans), then STACK CFI, then the %ebp chain with a scan fallback.
// All arithmetic is 32-bit.
#include <set>

#include "app/stackwalk/unwinder.h"

namespace crashbox::stackwalk {
namespace {

constexpr int kEip = 0, kEsp = 1, kEbp = 2, kEbx = 3, kEsi = 4, kEdi = 5;
// Largest believable distance between two frames when re-deriving the %ebp
// chain after a scan (Breakpad: 99.5% of frames are smaller).
constexpr uint32_t kMaxReasonableGapBetweenFrames = 128 * 1024;

class X86Unwinder final : public Unwinder {
 public:
  explicit X86Unwinder(UnwindEnv env) : Unwinder(std::move(env)) {
    map_.names = {"$eip", "$esp", "$ebp", "$ebx", "$esi",
                  "$edi", "$eax", "$ecx", "$edx", ""};
    map_.ra_index = kEip;
    map_.cfa_index = kEsp;
    map_.callee_saves = {kEbp, kEbx, kEsi, kEdi};
    map_.unrecovered_value = 0xdadadadaull;
  }

  std::optional<Frame> CallerOf(std::vector<Frame>& frames,
                                bool scan_allowed) override {
    if (!env_.memory->present()) return std::nullopt;
    const Frame& last = frames.back();
    std::optional<Frame> caller;
    win_info_.resize(frames.size());
    if (std::optional<symbols::WinFrameInfo> win =
            env_.symbolizer->FindWindowsFrameInfo(last)) {
      win_info_.back() = *win;
      caller = ByWindowsFrameInfo(frames, scan_allowed);
    }
    if (!caller) {
      if (std::optional<symbols::CfiRules> rules =
              env_.symbolizer->FindCfiRules(last)) {
        caller = ByCfi(last, *rules);
      }
    }
    if (!caller) caller = ByEbpAtBase(last, scan_allowed);
    if (!caller) return std::nullopt;
    uint32_t eip = static_cast<uint32_t>(caller->regs.Get(kEip));
    if (TerminateWalk(eip, caller->regs.Get(kEsp), last.regs.Get(kEsp),
                      last.trust == FrameTrust::kContext)) {
      return std::nullopt;
    }
    caller->return_address = eip;
    caller->instruction = static_cast<uint32_t>(eip - 1);
    return caller;
  }

 private:
  bool Scan(uint32_t start, int words, uint32_t* location, uint32_t* ip) {
    uint64_t loc = 0, value = 0;
    if (!ScanForReturnAddress(start, words, 4, &loc, &value)) return false;
    *location = static_cast<uint32_t>(loc);
    *ip = static_cast<uint32_t>(value);
    return true;
  }
  bool Read(uint32_t address, uint32_t* value) {
    std::optional<uint32_t> v = env_.memory->ReadU32(address);
    if (v) *value = *v;
    return v.has_value();
  }

  std::optional<Frame> ByWindowsFrameInfo(const std::vector<Frame>& frames,
                                          bool scan_allowed) {
    const Frame& last = frames.back();
    const symbols::WinFrameInfo& info = *win_info_.back();
    if (info.parameter_size_only)
      return std::nullopt;  // not a full STACK WIN record
    const bool is_context = last.trust == FrameTrust::kContext;

    // The callee's parameter size. Breakpad's loop over earlier frames has no
    // break, so the lowest-index real frame with a parameter size wins.
    uint32_t callee_params = 0;
    for (int id = static_cast<int>(frames.size()) - 2; id >= 0; --id) {
      if (frames[id].trust == FrameTrust::kInline) continue;
      if (win_info_[id]) callee_params = win_info_[id]->parameter_size;
    }

    symbols::RegisterMap dict;
    uint32_t esp = static_cast<uint32_t>(last.regs.Get(kEsp));
    uint32_t ebp = static_cast<uint32_t>(last.regs.Get(kEbp));
    dict["$ebp"] = ebp;
    dict["$esp"] = esp;
    if (last.regs.IsValid(kEbx))
      dict["$ebx"] = static_cast<uint32_t>(last.regs.Get(kEbx));
    dict[".cbCalleeParams"] = callee_params;
    dict[".cbSavedRegs"] = info.saved_register_size;
    dict[".cbLocals"] = info.local_size;

    uint32_t ra_search_start =
        esp + callee_params + info.local_size + info.saved_register_size;
    const uint32_t ra_search_start_old = ra_search_start;
    uint32_t found = 0;
    // Up to three words above, in case the stack was aligned; an FPO system
    // call in the context frame leaves the current eip on top: skip it.
    if (Scan(ra_search_start, 3, &ra_search_start, &found) && is_context &&
        info.type == symbols::WinFrameType::kFpo &&
        ra_search_start_old == ra_search_start &&
        found == static_cast<uint32_t>(last.regs.Get(kEip))) {
      ra_search_start += 4;
      Scan(ra_search_start, 3, &ra_search_start, &found);
    }
    dict[".cbParams"] = info.parameter_size;

    std::string program;
    bool recover_ebp = true;
    FrameTrust trust = FrameTrust::kCfi;
    if (!info.program_string.empty()) {
      program = std::string(info.program_string);
    } else if (info.allocates_base_pointer) {
      program =
          "$eip .raSearchStart ^ = $ebp $esp .cbCalleeParams + .cbSavedRegs + "
          "8 - ^ = "
          "$esp .raSearchStart 4 + =";
    } else {
      program = "$eip .raSearchStart ^ = $esp .raSearchStart 4 + =";
      if (last.regs.IsValid(kEbx)) program += " $ebx $ebx =";
      recover_ebp = false;
    }
    // An alignment operator means %esp was realigned: only %ebp locates the
    // return address.
    if (last.regs.IsValid(kEbp) && program.find('@') != std::string::npos)
      ra_search_start = ebp + 4;
    dict[".raSearchStart"] = ra_search_start;
    dict[".raSearch"] = ra_search_start;

    std::set<std::string> assigned;
    symbols::PostfixEvaluator eval(&dict, env_.memory,
                                   symbols::ValueWidth::k32);
    Status st = eval.Evaluate(program, &assigned);
    if (!st.ok() || !assigned.count("$eip") || !assigned.count("$esp")) {
      uint32_t location = 0, eip = 0;
      if (!scan_allowed || !Scan(esp, SearchWords(is_context), &location, &eip))
        return std::nullopt;
      dict["$eip"] = eip;
      dict["$esp"] = static_cast<uint32_t>(location + 4);
      trust = FrameTrust::kScan;
    }

    auto u32 = [&](const char* name) {
      return static_cast<uint32_t>(dict[name]);
    };
    if (u32("$eip") != 0 || u32("$ebp") != 0) {
      uint32_t offset = 0;
      uint32_t eip = u32("$eip");
      if (env_.symbolizer->FindModule(eip) == nullptr) {
        // Not a return address: look one word above .raSearchStart.
        uint32_t location_start = u32(".raSearchStart") + 4;
        uint32_t location = 0;
        if (scan_allowed &&
            Scan(location_start, SearchWords(is_context), &location, &eip)) {
          dict["$eip"] = eip;
          dict["$esp"] = static_cast<uint32_t>(location + 4);
          offset = location - location_start;
          trust = FrameTrust::kCfiScan;
        }
      }
      if (recover_ebp) {
        uint32_t new_ebp = u32("$ebp");
        // A scan may have skipped frames; %ebp below the return address
        // location says so.
        bool skipped =
            trust != FrameTrust::kCfi && new_ebp <= ra_search_start + offset;
        uint32_t unused = 0;
        if (skipped || !Read(new_ebp, &unused)) {
          uint32_t search_bytes = info.saved_register_size + offset;
          uint32_t location_end = esp + callee_params;
          for (uint32_t location = location_end + search_bytes;
               location >= location_end; location -= 4) {
            if (!Read(location, &new_ebp)) break;
            if (Read(new_ebp, &unused)) {
              dict["$ebp"] = new_ebp;
              break;
            }
            if (location < 4) break;
          }
        }
      }
    }

    Frame f = NewCaller(last, trust);
    f.regs.Set(kEip, u32("$eip"));
    f.regs.Set(kEsp, u32("$esp"));
    f.regs.Set(kEbp, u32("$ebp"));
    if (assigned.count("$ebx")) f.regs.Set(kEbx, u32("$ebx"));
    if (assigned.count("$esi")) f.regs.Set(kEsi, u32("$esi"));
    if (assigned.count("$edi")) f.regs.Set(kEdi, u32("$edi"));
    return f;
  }

  std::optional<Frame> ByCfi(const Frame& last,
                             const symbols::CfiRules& rules) {
    std::optional<Registers> regs =
        CallerRegsByCfi(last, rules, map_, symbols::ValueWidth::k32);
    if (!regs || !regs->IsValid(kEip) || !regs->IsValid(kEsp) ||
        !regs->IsValid(kEbp))
      return std::nullopt;
    Frame f;
    f.trust = FrameTrust::kCfi;
    f.regs = *regs;
    return f;
  }

  // The shared %ebp step (no checks on x86: Breakpad follows any readable
  // record); when the record is unreadable, a scan whose %ebp comes from the
  // word below the return address.
  std::optional<Frame> ByEbpAtBase(const Frame& last, bool scan_allowed) {
    std::optional<Frame> f = CallerByFramePointer(
        last,
        {.pc_index = kEip, .sp_index = kEsp, .fp_index = kEbp, .word_size = 4});
    if (f || !scan_allowed) return f;
    f = ScanCaller(last, kEip, kEsp, 4);
    if (!f) return std::nullopt;
    // The caller's %ebp is saved just below the return address when the
    // callee has a standard prologue; keep %ebp otherwise.
    const uint32_t esp = static_cast<uint32_t>(f->regs.Get(kEsp));
    const uint32_t chain = esp - 8;
    uint32_t ebp = 0;
    if (!Read(chain, &ebp) || ebp <= chain ||
        ebp - chain > kMaxReasonableGapBetweenFrames) {
      ebp = static_cast<uint32_t>(last.regs.Get(kEbp));
    }
    f->regs.Set(kEbp, ebp);
    return f;
  }

  CfiRegisterMap map_;
  // The STACK WIN data found for each frame of the thread so far, by index
  // in `frames` (Breakpad keeps it on the frame): a caller's unwind reads
  // its callees' parameter sizes. The views point into symbol files the
  // symbolizer keeps loaded for the whole walk.
  std::vector<std::optional<symbols::WinFrameInfo>> win_info_;
};

}  // namespace

std::unique_ptr<Unwinder> MakeX86Unwinder(UnwindEnv env) {
  return std::make_unique<X86Unwinder>(std::move(env));
}

}  // namespace crashbox::stackwalk
