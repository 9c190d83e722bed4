// SPDX-License-Identifier: MPL-2.0
// libFuzzer: .sym text → blob → open → verify → lookups. Also feeds the input
// to Open() as a blob directly (hostile blobs).
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/symbols/stored/symbol_file.h"
#include "app/symbols/text/sym_parser.h"

namespace {

void Exercise(const crashbox::symbols::SymbolFile& f, const uint8_t* data,
              size_t size) {
  (void)f.VerifyDeep();
  uint64_t probes[] = {0, 1, 0x1000, 0x1004, 0x2000, ~0ull};
  for (uint64_t a : probes) {
    f.Symbolize(a);
    f.FindLine(a);
    f.FindCfiRules(a);
    f.FindWindowsFrameInfo(a);
  }
  // Addresses taken from the input itself hit the records it defines.
  for (size_t i = 0; i + 8 <= size && i < 256; i += 8) {
    uint64_t a = 0;
    for (int b = 0; b < 8; ++b) a |= uint64_t{data[i + b]} << (8 * b);
    f.Symbolize(a & 0xFFFFF);
    f.FindCfiRules(a & 0xFFFFF);
    f.FindWinFrameInfo(a & 0xFFFFF,
                       crashbox::symbols::WinFrameType::kFrameData);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace crashbox::symbols;
  crashbox::ByteView input(data, size);
  if (auto raw = SymbolFile::Open(input); raw.ok()) Exercise(*raw, data, size);
  crashbox::Result<std::string> blob = ParseSymText(input);
  if (!blob.ok()) return 0;
  crashbox::Result<SymbolFile> f = SymbolFile::Open(crashbox::AsBytes(*blob));
  if (!f.ok()) __builtin_trap();                // our own output must open
  if (!f->VerifyDeep().ok()) __builtin_trap();  // and verify
  Exercise(*f, data, size);
  return 0;
}
