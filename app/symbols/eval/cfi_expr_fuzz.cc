// SPDX-License-Identifier: MPL-2.0
// libFuzzer: postfix expressions and CFI rule sets.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "app/symbols/eval/cfi_rules.h"
#include "app/symbols/eval/postfix_eval.h"

namespace {

// Memory that answers every read with a value derived from the address.
class SyntheticMemory : public crashbox::symbols::MemoryReader {
 public:
  bool ReadMemory(uint64_t address, crashbox::symbols::ValueWidth,
                  uint64_t* value) const override {
    if (address % 7 == 3) return false;
    *value = address * 0x9E3779B97F4A7C15ull;
    return true;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace crashbox::symbols;
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  ValueWidth width = (data[0] & 1) ? ValueWidth::k32 : ValueWidth::k64;
  SyntheticMemory memory;
  RegisterMap regs{{"$rsp", 0x7fff0000}, {"$rbp", 0x7fff0100}, {"$esp", 0x1000},
                   {"$ebp", 0x2000},     {"$eip", 0x401000},   {".cfa", 0x10},
                   {"sp", 0x3000}};
  {
    PostfixEvaluator ev(&regs, &memory, width);
    (void)ev.EvaluateForValue(text);
    RegisterMap copy = regs;
    PostfixEvaluator program(&copy, &memory, width);
    std::set<std::string> assigned;
    (void)program.Evaluate(text, &assigned);
  }
  CfiRules rules;
  rules.Apply(text);
  (void)rules.Serialize();
  (void)rules.FindCallerRegs(regs, &memory, width);
  return 0;
}
