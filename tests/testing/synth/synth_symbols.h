// SPDX-License-Identifier: MPL-2.0
// Breakpad .sym files for tests, written where a symbol-server directory
// supplier (symbols::DirSymbolSupplier, Breakpad's SimpleSymbolSupplier)
// looks for them:
//   <root>/<debug_file>/<debug_id>/<debug_file minus ".pdb">.sym
// Test-only; never linked into crashbox.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace crashbox::testing {

// "MODULE <os> <arch> <debug_id> <debug_file>\n", the first line of a .sym.
std::string SymModuleLine(std::string_view os, std::string_view arch,
                          std::string_view debug_id,
                          std::string_view debug_file);

// Writes `text` (a whole .sym, MODULE line included) under `root` for the
// module (`debug_file`, `debug_id`), creating directories; returns the path.
// Throws std::runtime_error when the file cannot be written.
std::filesystem::path WriteSymbolFile(const std::filesystem::path& root,
                                      std::string_view debug_file,
                                      std::string_view debug_id,
                                      std::string_view text);

}  // namespace crashbox::testing
