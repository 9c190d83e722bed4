// SPDX-License-Identifier: MPL-2.0
#include "app/cli/symbols_flags.h"

#include <CLI/CLI.hpp>

namespace crashbox::cli {

CLI::App* AddSymbolsFlags(CLI::App& app, run::SymbolsCommand& command) {
  CLI::App* cmd = app.add_subcommand("symbols",
                                     "The symbol store: upload, list, missing "
                                     "symbols, fetch from symbol servers");
  cmd->require_subcommand(1);
  auto action = [&command](CLI::App* sub) {
    sub->parse_complete_callback(
        [&command, sub] { command.action = sub->get_name(); });
    sub->fallthrough();
    return sub;
  };
  CLI::App* upload = action(
      cmd->add_subcommand("upload",
                          "Store .sym files: zips and directories in the "
                          "<debug_file>/<DEBUG_ID>/<name>.sym layout, or\n"
                          "single .sym files. Into the local store (beside a "
                          "running server too), or POSTed\n"
                          "to the server at --url."));
  upload->add_option("paths", command.paths, "ZIP, DIR or FILE")->required();
  upload->add_option("--url", command.url,
                     "a crashbox (or Tecken-compatible) server to upload to");
  upload
      ->add_option("--token", command.token,
                   "API token with upload_symbols, for --url (Auth-Token)")
      ->envname("CRASHBOX_API_TOKEN");
  CLI::App* list = action(cmd->add_subcommand(
      "list", "Print stored modules as <debug_file>/<DEBUG_ID>"));
  list->add_option("--module", command.module, "only this debug file");
  CLI::App* missing = action(cmd->add_subcommand(
      "missing",
      "Modules processed crashes lacked symbols for, most needed first"));
  missing->add_option("--format", command.format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}))
      ->capture_default_str();
  CLI::App* fetch =
      action(cmd->add_subcommand("fetch",
                                 "Download a module's symbols from the "
                                 "configured symbol servers and store them"));
  fetch
      ->add_option("debug_file", command.debug_file,
                   "e.g. xul.pdb or libxul.so")
      ->required();
  fetch
      ->add_option("debug_id", command.debug_id,
                   "breakpad debug id (33 hex digits)")
      ->required();
  fetch->add_option("--url", command.url,
                    "upload to this server instead of the local store");
  fetch
      ->add_option("--token", command.token,
                   "API token with upload_symbols, for --url (Auth-Token)")
      ->envname("CRASHBOX_API_TOKEN");
  return cmd;
}

}  // namespace crashbox::cli
