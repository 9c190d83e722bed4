// SPDX-License-Identifier: MPL-2.0
#include "app/symbols/suppliers/symbol_path.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include <fmt/format.h>

namespace crashbox::symbols {
namespace {

bool IsHex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isxdigit(c) != 0;
  });
}

// A C0 control character or DEL: never part of a name crashbox keeps (a CR
// or LF in a stored name could end up in a header or split a log line).
std::optional<unsigned char> FindControlChar(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return c;
  }
  return std::nullopt;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool EndsWithNoCase(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(), s.end() - suffix.size(),
                    [](char a, char b) {
                      return std::tolower(static_cast<unsigned char>(a)) ==
                             std::tolower(static_cast<unsigned char>(b));
                    });
}

}  // namespace

std::string Leaf(std::string_view debug_file) {
  size_t sep = debug_file.find_last_of("/\\");
  return std::string(
      sep == std::string_view::npos ? debug_file : debug_file.substr(sep + 1));
}

std::string SymFileName(std::string_view debug_file) {
  if (EndsWithNoCase(debug_file, ".pdb"))
    return std::string(debug_file.substr(0, debug_file.size() - 4)) + ".sym";
  return std::string(debug_file) + ".sym";
}

Result<ModuleKey> ParseSymbolPath(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() < 4) {
    size_t slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string_view::npos
                                           ? std::string_view::npos
                                           : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() != 3)
    return Status::InvalidArgument(
        "path is not <debug_file>/<DEBUG_ID>/<name>.sym");
  for (std::string_view p : parts) {
    if (p.empty() || p == "." || p == ".." || p.size() > 512) {
      return Status::InvalidArgument(
          "path is not <debug_file>/<DEBUG_ID>/<name>.sym");
    }
    if (auto c = FindControlChar(p)) {
      return Status::InvalidArgument(
          fmt::format("path holds control character {:#04x}", *c));
    }
  }
  if (!IsHex(parts[1]))
    return Status::InvalidArgument(
        fmt::format("debug id {} is not hexadecimal", parts[1]));
  std::string expected = SymFileName(parts[0]);
  if (parts[2] != expected) {
    return Status::InvalidArgument(fmt::format(
        "file name {} should be {} for {}", parts[2], expected, parts[0]));
  }
  return ModuleKey{std::string(parts[0]), Upper(parts[1])};
}

}  // namespace crashbox::symbols
