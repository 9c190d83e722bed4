// SPDX-License-Identifier: MPL-2.0
#include "app/stackwalk/symbolizer.h"

#include <fmt/format.h>

namespace crashbox::stackwalk {

FrameSymbolizer::FrameSymbolizer(
    const minidump::ModuleList* modules,
    const std::vector<minidump::UnloadedModule>* unloaded,
    symbols::SymbolSupplier* supplier)
    : modules_(modules), unloaded_(unloaded), supplier_(supplier) {}

const minidump::Module* FrameSymbolizer::FindModule(uint64_t address) const {
  return modules_ ? modules_->FindByAddress(address) : nullptr;
}

const symbols::SymbolFile* FrameSymbolizer::SymbolsFor(
    const minidump::Module* module) {
  if (module == nullptr || supplier_ == nullptr) return nullptr;
  const std::string& key = module->code_file;
  if (auto it = files_.find(key); it != files_.end()) return it->second.get();
  if (no_symbols_.count(key)) return nullptr;
  Result<std::shared_ptr<const symbols::SymbolFile>> found =
      supplier_->Find(symbols::ModuleKey{module->debug_file, module->debug_id});
  if (!found.ok()) {
    // kNotFound and kInvalidArgument (no usable id) are what Breakpad calls
    // NOT_FOUND; anything else is worth a note but is walked the same way.
    Status::Code code = found.status().code();
    if (code != Status::Code::kNotFound &&
        code != Status::Code::kInvalidArgument) {
      notes_.push_back(fmt::format("symbols for {} {}: {}", module->debug_file,
                                   module->debug_id, found.status().message()));
    }
    no_symbols_.insert(key);
    return nullptr;
  }
  loaded_order_.push_back(module);
  return files_.emplace(key, std::move(found.value())).first->second.get();
}

FrameSymbolizer::Outcome FrameSymbolizer::Fill(Frame* frame,
                                               std::vector<Frame>* inlines) {
  const minidump::Module* module = FindModule(frame->instruction);
  if (module == nullptr && unloaded_ != nullptr) {
    for (const minidump::UnloadedModule& u : *unloaded_) {
      if (frame->instruction >= u.base_address &&
          frame->instruction - u.base_address < u.size) {
        frame->unloaded_module = &u;
        break;
      }
    }
    // Unloaded modules carry no debug identity: Breakpad's supplier never
    // finds symbols for them.
    return Outcome::kNoSymbols;
  }
  if (module == nullptr) return Outcome::kNoSymbols;
  frame->module = module;
  const symbols::SymbolFile* file = SymbolsFor(module);
  if (file == nullptr) return Outcome::kNoSymbols;

  uint64_t base = module->base_address;
  symbols::SymbolizedAddress sa =
      file->Symbolize(frame->instruction - base, inlines != nullptr);
  if (sa.has_function) {
    frame->function_name = std::string(sa.function_name);
    frame->function_base = base + sa.function_base;
    frame->is_multiple = sa.is_multiple;
  }
  if (sa.has_line) {
    frame->source_file = std::string(sa.source_file);
    frame->source_line = sa.source_line;
    frame->source_line_base = base + sa.source_line_base;
  }
  if (inlines != nullptr && !sa.inlines.empty()) {
    // Each inline frame is a copy of the real frame (Breakpad copies the
    // StackFrame), renamed, with the inline range start as function base.
    for (const symbols::InlineFrame& in : sa.inlines) {
      Frame f;
      f.trust = FrameTrust::kInline;
      f.instruction = frame->instruction;
      f.return_address = frame->instruction;
      f.module = module;
      f.function_name = std::string(in.function_name);
      f.function_base = base + in.function_base;
      f.source_file = std::string(in.source_file);
      f.source_line = in.source_line;
      f.source_line_base = frame->source_line_base;
      inlines->push_back(std::move(f));
    }
  }
  return file->stats().corrupt ? Outcome::kCorruptSymbols : Outcome::kOk;
}

std::optional<symbols::CfiRules> FrameSymbolizer::FindCfiRules(
    const Frame& frame) {
  if (frame.module == nullptr) return std::nullopt;
  const symbols::SymbolFile* file = SymbolsFor(frame.module);
  if (file == nullptr) return std::nullopt;
  return file->FindCfiRules(frame.instruction - frame.module->base_address);
}

std::optional<symbols::WinFrameInfo> FrameSymbolizer::FindWindowsFrameInfo(
    const Frame& frame) {
  if (frame.module == nullptr) return std::nullopt;
  const symbols::SymbolFile* file = SymbolsFor(frame.module);
  if (file == nullptr) return std::nullopt;
  return file->FindWindowsFrameInfo(frame.instruction -
                                    frame.module->base_address);
}

bool FrameSymbolizer::InstructionAddressSeemsValid(uint64_t address) {
  Frame probe;
  probe.instruction = address;
  Outcome outcome = Fill(&probe, nullptr);
  if (!probe.has_module()) return false;  // outside every module
  if (supplier_ == nullptr) return true;  // no symbolizer implementation
  if (outcome == Outcome::kNoSymbols) return true;
  return !probe.function_name.empty();
}

}  // namespace crashbox::stackwalk
