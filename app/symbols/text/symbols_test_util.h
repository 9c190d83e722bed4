// SPDX-License-Identifier: MPL-2.0
// Test-only helpers for app/symbols tests: .sym text → verified SymbolFile.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "app/symbols/stored/symbol_file.h"
#include "app/symbols/text/sym_parser.h"

namespace crashbox::symbols::testing {

// Converts `text`, opens the blob and checks it deeply.
inline std::shared_ptr<const SymbolFile> Load(std::string_view text) {
  Result<std::string> blob = ParseSymText(AsBytes(text));
  CB_CHECK(blob.ok());
  auto owner = std::make_shared<const std::string>(std::move(blob).value());
  auto file = SymbolFile::OpenShared(AsBytes(*owner), owner);
  CB_CHECK(file.ok());
  Status deep = (*file)->VerifyDeep();
  EXPECT_TRUE(deep.ok()) << deep.ToString();
  return *file;
}

inline std::string NameAt(const SymbolFile& f, uint64_t address) {
  SymbolizedAddress s = f.Symbolize(address);
  return s.has_function ? std::string(s.function_name) : std::string("<none>");
}

}  // namespace crashbox::symbols::testing
