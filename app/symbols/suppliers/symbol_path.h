// SPDX-License-Identifier: MPL-2.0
// The symbol-server layout, <debug_file>/<DEBUG_ID>/<name>.sym, as symbol
// servers (Tecken, Breakpad's SimpleSymbolSupplier) name a module's symbols.
// One definition for the suppliers, the symbol service's uploads and
// downloads, and the lookup of stored symbols.
#pragma once

#include <string>
#include <string_view>

#include "app/base/status.h"
#include "app/symbols/suppliers/symbol_supplier.h"

namespace crashbox::symbols {

// The last component of a debug file, Windows or POSIX path
// ("c:\\build\\xul.pdb" → "xul.pdb", "/usr/lib/libc.so.6" → "libc.so.6"):
// symbol servers and the symbol store key modules by it, while minidumps may
// hold a full build path. A name without separators is returned as is.
std::string Leaf(std::string_view debug_file);

// The symbol file name servers use for `debug_file`: a ".pdb" suffix (any
// case) becomes ".sym", anything else gets ".sym" appended ("xul.pdb" →
// "xul.sym", "libc.so.6" → "libc.so.6.sym").
std::string SymFileName(std::string_view debug_file);

// "<debug_file>/<DEBUG_ID>/<name>.sym" → {debug_file, DEBUG_ID} with the id
// upper-cased. kInvalidArgument naming the problem unless there are exactly
// three non-empty components, none "." or "..", longer than 512 bytes or
// holding a control character (C0 or DEL), the id is hexadecimal and <name>
// is SymFileName(<debug_file>).
Result<ModuleKey> ParseSymbolPath(std::string_view path);

}  // namespace crashbox::symbols
