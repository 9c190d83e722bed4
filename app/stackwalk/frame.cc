// SPDX-License-Identifier: MPL-2.0
#include "app/stackwalk/frame.h"

namespace crashbox::stackwalk {

std::string_view TrustDescription(FrameTrust trust) {
  switch (trust) {
    case FrameTrust::kNone:
      return "unknown";
    case FrameTrust::kScan:
      return "stack scanning";
    case FrameTrust::kCfiScan:
      return "call frame info with scanning";
    case FrameTrust::kFramePointer:
      return "previous frame's frame pointer";
    case FrameTrust::kCfi:
      return "call frame info";
    case FrameTrust::kPrewalked:
      return "recovered by external stack walker";
    case FrameTrust::kContext:
      return "given as instruction pointer in context";
    case FrameTrust::kInline:
      return "inline record";
    case FrameTrust::kLeaf:
      return "simulating a return from leaf function";
  }
  return "unknown";
}

std::string_view TrustJsonName(FrameTrust trust) {
  switch (trust) {
    case FrameTrust::kNone:
      return "none";
    case FrameTrust::kScan:
      return "scan";
    case FrameTrust::kCfiScan:
      return "cfi_scan";
    case FrameTrust::kFramePointer:
      return "frame_pointer";
    case FrameTrust::kCfi:
      return "cfi";
    case FrameTrust::kPrewalked:
      return "prewalked";
    case FrameTrust::kContext:
      return "context";
    case FrameTrust::kInline:
      return "inline";
    case FrameTrust::kLeaf:
      return "leaf";
  }
  return "none";
}

Registers Registers::FromContext(const minidump::CpuContext& context) {
  Registers r;
  r.cpu = context.cpu();
  std::span<const std::string_view> names = context.RegisterNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (std::optional<uint64_t> v = context.Get(static_cast<int>(i)))
      r.Set(static_cast<int>(i), *v);
  }
  return r;
}

std::span<const std::string_view> Registers::names() const {
  return minidump::CpuContext(cpu).RegisterNames();
}

int Registers::Index(std::string_view name) const {
  return minidump::CpuContext(cpu).RegisterIndex(name);
}
int Registers::pc_index() const { return minidump::CpuContext(cpu).pc_index(); }
int Registers::sp_index() const { return minidump::CpuContext(cpu).sp_index(); }
uint64_t Registers::pc() const { return Get(pc_index()); }
uint64_t Registers::sp() const { return Get(sp_index()); }

const std::string& Frame::module_code_file() const {
  static const std::string kEmpty;
  if (module != nullptr) return module->code_file;
  if (unloaded_module != nullptr) return unloaded_module->code_file;
  return kEmpty;
}

uint64_t Frame::module_base() const {
  if (module != nullptr) return module->base_address;
  if (unloaded_module != nullptr) return unloaded_module->base_address;
  return 0;
}

}  // namespace crashbox::stackwalk
