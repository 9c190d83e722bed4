// SPDX-License-Identifier: MPL-2.0
#include "app/cli/stackwalk_flags.h"

#include <chrono>

#include <CLI/CLI.hpp>

namespace crashbox::cli {

CLI::App* AddStackwalkFlags(CLI::App& app, run::StackwalkCommand& command) {
  CLI::App* cmd = app.add_subcommand(
      "stackwalk",
      "Walk the stacks of minidumps as Breakpad's minidump_stackwalk does and "
      "print them.\n"
      "Formats: breakpad (minidump_stackwalk's report), breakpad-m (its -m "
      "machine format),\n"
      "json (rust-minidump's json_dump, what Socorro stores).\n"
      "Exit codes: 0 all walked (notes on stderr), 1 a dump Breakpad would "
      "reject (corrupt\n"
      "header, no thread list), 2 usage error, 3 a file could not be read.");
  cmd->add_option("dumps", command.dumps, "minidump files")->required();
  cmd->add_option("--symbols-path", command.symbols_paths,
                  "Breakpad symbol store root "
                  "(<debug_file>/<DEBUG_ID>/<name>.sym); repeatable")
      ->envname("CRASHBOX_SYMBOLS_PATH")
      ->delimiter(':');
  cmd->add_option("--format", command.format, "json, breakpad or breakpad-m")
      ->check(CLI::IsMember({"json", "breakpad", "breakpad-m"}))
      ->capture_default_str();
  cmd->add_option(
      "--output-dir", command.output_dir,
      "write <dump>.json / <dump>.txt / <dump>.m.txt here instead of stdout");
  cmd->add_option("--max-frames", command.options.max_frames_per_thread,
                  "frames per thread")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  cmd->add_option_function<int>(
         "--deadline-ms",
         [&command](int ms) {
           command.options.deadline = std::chrono::milliseconds(ms);
         },
         "time budget per dump in milliseconds (0 = none)")
      ->check(CLI::Range(0, 24 * 3600 * 1000));
  cmd->add_flag("!--no-scan", command.options.allow_stack_scan,
                "never unwind by stack scanning");
  return cmd;
}

}  // namespace crashbox::cli
