// SPDX-License-Identifier: MPL-2.0
#include "tests/testing/synth/synth_symbols.h"

#include <cctype>
#include <fstream>
#include <stdexcept>

namespace crashbox::testing {

std::string SymModuleLine(std::string_view os, std::string_view arch,
                          std::string_view debug_id,
                          std::string_view debug_file) {
  std::string line = "MODULE ";
  for (std::string_view part : {os, arch, debug_id, debug_file}) {
    line += part;
    line += ' ';
  }
  line.back() = '\n';
  return line;
}

std::filesystem::path WriteSymbolFile(const std::filesystem::path& root,
                                      std::string_view debug_file,
                                      std::string_view debug_id,
                                      std::string_view text) {
  std::string name(debug_file);
  if (name.size() >= 4) {
    std::string suffix = name.substr(name.size() - 4);
    for (char& c : suffix) c = static_cast<char>(std::tolower(c));
    if (suffix == ".pdb") name.resize(name.size() - 4);
  }
  std::filesystem::path dir =
      root / std::string(debug_file) / std::string(debug_id);
  std::filesystem::create_directories(dir);
  std::filesystem::path path = dir / (name + ".sym");
  std::ofstream out(path, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) throw std::runtime_error("synth: cannot write " + path.string());
  return path;
}

}  // namespace crashbox::testing
