// SPDX-License-Identifier: MPL-2.0
// Pieces shared by the unwinders: stack memory reads, Breakpad's return
// address scan, its termination rule, its CFI register walker and the
// frame-pointer step.
#include <cstring>

#include "app/stackwalk/unwinder.h"

namespace crashbox::stackwalk {

StackMemory::StackMemory(std::optional<minidump::MemoryRegion> region)
    : region_(std::move(region)) {}

std::optional<uint32_t> StackMemory::ReadU32(uint64_t address) const {
  if (!present()) return std::nullopt;
  return region_->ReadU32(address);
}

std::optional<uint64_t> StackMemory::ReadU64(uint64_t address) const {
  if (!present()) return std::nullopt;
  return region_->ReadU64(address);
}

std::optional<uint64_t> StackMemory::ReadWord(uint64_t address,
                                              int width) const {
  if (width == 4) {
    std::optional<uint32_t> v = ReadU32(address);
    if (!v) return std::nullopt;
    return *v;
  }
  return ReadU64(address);
}

bool StackMemory::ReadMemory(uint64_t address, symbols::ValueWidth width,
                             uint64_t* value) const {
  std::optional<uint64_t> v = ReadWord(address, static_cast<int>(width));
  if (!v) return false;
  *value = *v;
  return true;
}

std::optional<Frame> Unwinder::ScanCaller(const Frame& last, int pc_index,
                                          int sp_index, int word_size,
                                          uint64_t* location) {
  uint64_t found = 0, pc = 0;
  if (!ScanForReturnAddress(last.regs.Get(sp_index),
                            SearchWords(last.trust == FrameTrust::kContext),
                            word_size, &found, &pc)) {
    return std::nullopt;
  }
  const uint64_t mask = word_size == 4 ? 0xffffffffull : ~uint64_t{0};
  Frame f = NewCaller(last, FrameTrust::kScan);
  f.regs.Set(pc_index, pc);
  f.regs.Set(sp_index, (found + word_size) & mask);
  if (location) *location = found;
  return f;
}

Frame Unwinder::NewCaller(const Frame& callee, FrameTrust trust) {
  Frame f;
  f.trust = trust;
  f.regs = callee.regs;
  f.regs.valid = 0;
  return f;
}

std::optional<Frame> Unwinder::CallerByFramePointer(const Frame& last,
                                                    const FramePointerRegs& r) {
  const int w = r.word_size;
  const uint64_t mask = w == 4 ? 0xffffffffull : ~uint64_t{0};
  const bool link_register = r.lr_index >= 0;
  const uint64_t fp = last.regs.Get(r.fp_index) & mask;
  uint64_t caller_fp = 0, saved = 0;
  uint64_t caller_sp = last.regs.Get(r.sp_index);
  if (fp != 0 || !link_register) {
    std::optional<uint64_t> record_fp = env_.memory->ReadWord(fp, w);
    std::optional<uint64_t> record_pc =
        env_.memory->ReadWord((fp + w) & mask, w);
    if (!record_fp || !record_pc) return std::nullopt;
    caller_fp = *record_fp;
    saved = *record_pc;
    caller_sp = (fp + 2 * w) & mask;
  }
  Frame f = NewCaller(last, FrameTrust::kFramePointer);
  f.regs.Set(r.fp_index, caller_fp);
  f.regs.Set(r.sp_index, caller_sp);
  if (link_register) {
    f.regs.Set(r.pc_index, last.regs.Get(r.lr_index));
    f.regs.Set(r.lr_index, saved);
  } else {
    f.regs.Set(r.pc_index, saved);
  }
  return f;
}

bool Unwinder::ScanForReturnAddress(uint64_t start, int words, int word_size,
                                    uint64_t* location, uint64_t* ip) {
  const uint64_t mask = word_size == 4 ? 0xffffffffull : ~uint64_t{0};
  const uint64_t end = (start + uint64_t(words) * word_size) & mask;
  for (uint64_t at = start; at <= end; at = (at + word_size) & mask) {
    std::optional<uint64_t> value = env_.memory->ReadWord(at, word_size);
    if (!value) break;
    // A return address points after the call; a call to a function that does
    // not return may be the last instruction of the caller, so look up the
    // byte before it.
    uint64_t probe = (*value - 1) & mask;
    if (env_.symbolizer->FindModule(probe) != nullptr &&
        env_.symbolizer->InstructionAddressSeemsValid(probe)) {
      *ip = *value;
      *location = at;
      return true;
    }
    if (at + word_size > mask && word_size == 4) break;  // 32-bit wrap
  }
  return false;
}

bool Unwinder::TerminateWalk(uint64_t caller_pc, uint64_t caller_sp,
                             uint64_t callee_sp, bool first_unwind) {
  if (caller_pc < (1 << 12)) return true;
  // The first unwind may keep sp (a leaf whose return address is in a
  // register); later ones must make progress.
  return first_unwind ? caller_sp < callee_sp : caller_sp <= callee_sp;
}

std::optional<Registers> Unwinder::CallerRegsByCfi(
    const Frame& callee, const symbols::CfiRules& rules,
    const CfiRegisterMap& map, symbols::ValueWidth width) {
  symbols::RegisterMap callee_regs;
  for (size_t i = 0; i < map.names.size(); ++i) {
    if (!map.names[i].empty() && callee.regs.IsValid(static_cast<int>(i))) {
      callee_regs[map.names[i]] = callee.regs.Get(static_cast<int>(i));
    }
  }
  Result<symbols::RegisterMap> caller =
      rules.FindCallerRegs(callee_regs, env_.memory, width);
  if (!caller.ok()) return std::nullopt;
  Registers out;
  out.cpu = callee.regs.cpu;
  out.value.fill(map.unrecovered_value);
  const uint64_t mask =
      width == symbols::ValueWidth::k32 ? 0xffffffffull : ~uint64_t{0};
  for (size_t i = 0; i < map.names.size(); ++i) {
    int index = static_cast<int>(i);
    if (map.names[i].empty()) continue;
    if (auto it = caller->find(map.names[i]); it != caller->end()) {
      out.Set(index, it->second & mask);
      continue;
    }
    const char* alternate = index == map.ra_index    ? ".ra"
                            : index == map.cfa_index ? ".cfa"
                                                     : nullptr;
    if (alternate != nullptr) {
      if (auto it = caller->find(alternate); it != caller->end()) {
        out.Set(index, it->second & mask);
        continue;
      }
    }
    for (int saved : map.callee_saves) {
      if (saved == index && callee.regs.IsValid(index)) {
        out.Set(index, callee.regs.Get(index));
        break;
      }
    }
  }
  return out;
}

}  // namespace crashbox::stackwalk
