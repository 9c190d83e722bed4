// SPDX-License-Identifier: MPL-2.0
// Test and fuzz only: walks one input and checks that every output format of
// the walk is well formed. Shared by stackwalk_fuzz.cc (libFuzzer) and
// output_check_test.cc (the same check over a few inputs, so CI runs it).
//
// Input: a minidump, optionally preceded by .sym text and one NUL byte
// ("<sym>\0MDMP..."); without that prefix kInvalidUtf8Sym is used. The sym
// text is served for EVERY module of the dump whatever its identity, so
// frames get FUNC/PUBLIC/FILE/INLINE_ORIGIN names from it.
//
// Checks: PrintJsonDump is valid strict UTF-8 and parses with nlohmann (which
// rejects ill-formed UTF-8) into an object; PrintBreakpadText and
// PrintBreakpadMachine return newline-terminated text. No printer may throw:
// an exception escapes to the caller (a crash under libFuzzer, a failure in
// gtest).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/base/strings.h"
#include "app/minidump/minidump.h"
#include "app/stackwalk/printers/printers.h"
#include "app/stackwalk/walker.h"
#include "app/symbols/suppliers/map_supplier.h"

namespace crashbox::stackwalk::internal {

// Names in every record kind that carries text, none of them valid UTF-8;
// FUNC covers every module offset below 2 GiB.
inline constexpr std::string_view kInvalidUtf8Sym =
    "MODULE Linux x86_64 000000000000000000000000000000000 caf\xe9.so\n"
    "FILE 0 src/caf\xe9\xff.cc\n"
    "FILE 1 \xed\xa0\x80.h\n"
    "INLINE_ORIGIN 0 inl\xc0\x80ined\n"
    "FUNC 0 7fffffff 0 f\xff\xfeunc\xf0\x90\x80\n"
    "INLINE 0 3 1 0 0 7fffffff\n"
    "0 7fffffff 10 0\n"
    "PUBLIC 80000000 0 pub\xf5lic\n";

// Serves one symbol file for any module key.
class AnyModuleSupplier final : public symbols::SymbolSupplier {
 public:
  explicit AnyModuleSupplier(std::string_view sym_text) {
    symbols::MapSymbolSupplier map;
    const symbols::ModuleKey key{"any", "any"};
    if (!map.AddText(key, sym_text).ok()) return;
    if (auto found = map.Find(key); found.ok()) file_ = found.value();
  }
  Result<std::shared_ptr<const symbols::SymbolFile>> Find(
      const symbols::ModuleKey&) override {
    if (file_ == nullptr) return Status::NotFound("no symbols");
    return file_;
  }

 private:
  std::shared_ptr<const symbols::SymbolFile> file_;
};

// Empty when every output is well formed, else what is wrong.
inline std::string CheckEveryOutput(std::string_view input) {
  std::string_view sym = kInvalidUtf8Sym, dump_bytes = input;
  if (!input.starts_with("MDMP")) {
    size_t nul = input.find('\0');
    if (nul == std::string_view::npos) return "";
    sym = input.substr(0, nul);
    dump_bytes = input.substr(nul + 1);
  }
  auto dump = minidump::Minidump::Open(std::string(dump_bytes));
  if (!dump.ok()) return "";
  AnyModuleSupplier supplier(sym);
  WalkOptions options;
  options.max_frames_per_thread =
      256;  // keeps each run short; no effect on the printers
  Result<ProcessState> state = WalkDump(*dump.value(), &supplier, options);
  if (!state.ok()) return "";
  std::string json = PrintJsonDump(state.value(), *dump.value());
  if (!base::IsValidUtf8(json)) return "json output is not valid UTF-8";
  nlohmann::json parsed =
      nlohmann::json::parse(json);  // throws on ill-formed UTF-8
  if (!parsed.is_object()) return "json output is not an object";
  for (const std::string& text : {PrintBreakpadText(state.value()),
                                  PrintBreakpadMachine(state.value())}) {
    if (text.empty() || text.back() != '\n')
      return "text output does not end with a newline";
  }
  return "";
}

}  // namespace crashbox::stackwalk::internal
