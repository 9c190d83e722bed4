// SPDX-License-Identifier: MPL-2.0
// FrameSymbolizer: module lookup, symbol loading and address lookup for one
// dump's walk, with Breakpad's StackFrameSymbolizer semantics:
//  - a frame's module is the loaded module holding its instruction, else an
//    unloaded module holding it;
//  - symbols are asked from the supplier once per module code file; a module
//    without symbols is remembered as such (by code file, as Breakpad);
//  - without a supplier every lookup reports "no symbols" and
//    InstructionAddressSeemsValid() accepts any address inside a module
//    (minidump_stackwalk run without a symbol path).
// Not thread-safe: one symbolizer per walk.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/minidump/module_list.h"
#include "app/stackwalk/frame.h"
#include "app/symbols/eval/cfi_rules.h"
#include "app/symbols/suppliers/symbol_supplier.h"

namespace crashbox::stackwalk {

class FrameSymbolizer {
 public:
  enum class Outcome : uint8_t { kOk, kNoSymbols, kCorruptSymbols };

  // `modules` and `unloaded` may be null; `supplier` may be null (no symbols).
  FrameSymbolizer(const minidump::ModuleList* modules,
                  const std::vector<minidump::UnloadedModule>* unloaded,
                  symbols::SymbolSupplier* supplier);

  // Sets frame->module and, when symbols exist, the function and source
  // fields (Breakpad's FillSourceLineInfo). When `inlines` is not null it
  // receives the inline frames at the address, innermost first.
  Outcome Fill(Frame* frame, std::vector<Frame>* inlines);

  // The loaded module's symbols (null without any); loads them on first use.
  const symbols::SymbolFile* SymbolsFor(const minidump::Module* module);
  // CFI rules / STACK WIN data at frame.instruction in its module.
  std::optional<symbols::CfiRules> FindCfiRules(const Frame& frame);
  std::optional<symbols::WinFrameInfo> FindWindowsFrameInfo(const Frame& frame);

  // Breakpad's Stackwalker::InstructionAddressSeemsValid: inside a module,
  // and inside a function when that module has symbols.
  bool InstructionAddressSeemsValid(uint64_t address);

  const minidump::Module* FindModule(uint64_t address) const;
  bool has_supplier() const { return supplier_ != nullptr; }
  // Loaded modules whose symbols were found, first loaded first.
  const std::vector<const minidump::Module*>& loaded() const {
    return loaded_order_;
  }
  // Problems met (a supplier error other than "not found").
  std::vector<std::string> TakeNotes() { return std::move(notes_); }

 private:
  const minidump::ModuleList* modules_;
  const std::vector<minidump::UnloadedModule>* unloaded_;
  symbols::SymbolSupplier* supplier_;
  std::map<std::string, std::shared_ptr<const symbols::SymbolFile>>
      files_;                         // by code file
  std::set<std::string> no_symbols_;  // by code file
  std::vector<const minidump::Module*> loaded_order_;
  std::vector<std::string> notes_;
};

}  // namespace crashbox::stackwalk
