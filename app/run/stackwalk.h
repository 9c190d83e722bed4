// SPDX-License-Identifier: MPL-2.0
// run::Stackwalk: `crashbox stackwalk DUMP... [--symbols-path DIR]...
// [--format json|breakpad|breakpad-m] [--output-dir DIR]`. Walks each dump
// with Breakpad's rules and prints it in the chosen format, to stdout or to
// <output-dir>/<dump name minus .dmp>.{json,txt,m.txt}. All dumps of one run
// share one symbol supplier, so each .sym file is converted once.
#pragma once

#include <string>
#include <vector>

#include "app/stackwalk/walker.h"

namespace crashbox::run {

struct StackwalkCommand {
  std::vector<std::string> dumps;
  std::vector<std::string>
      symbols_paths;                // symbol store roots, searched in order
  std::string format = "breakpad";  // "json", "breakpad" or "breakpad-m"
  std::string output_dir;           // empty: stdout
  stackwalk::WalkOptions options;
};

// Exit codes (also in the command's --help):
//   0  every dump walked (notes such as missing symbols go to stderr)
//   1  a dump is corrupt in a way Breakpad rejects (bad header, no thread list)
//   2  usage error (unknown format, unusable output directory)
//   3  a dump file could not be read
// With several dumps the worst code wins (3 over 1); the others are still
// walked.
int Stackwalk(const StackwalkCommand& command);

// The output file name for `dump_path` in `format`: x.dmp → x.json / x.txt /
// x.m.txt.
std::string StackwalkOutputName(const std::string& dump_path,
                                const std::string& format);

}  // namespace crashbox::run
