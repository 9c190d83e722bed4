// SPDX-License-Identifier: MPL-2.0
#include "app/cli/cli.h"

#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app/cli/stackwalk_flags.h"
#include "app/config/config.h"
#include "app/run/build_info.h"
#include "app/run/serve.h"
#include "app/run/submit.h"

namespace crashbox::cli {
namespace {

// Adds --config and one flag per setting; values land in `flags` by key.
void AddSettingFlags(CLI::App* cmd, std::string* config_file, std::map<std::string, std::string>* flags) {
  cmd->add_option("--config", *config_file, "settings file of KEY=value lines (default: ./crashbox.env if present)")
      ->envname("CRASHBOX_CONFIG");
  for (const config::SettingInfo& s : config::AllSettings()) {
    std::string key = s.key;
    std::string help = fmt::format("{} [{}; default: {}]", s.help, s.key, s.default_value.empty() ? "none" : s.default_value);
    cmd->add_option_function<std::string>(
        s.flag, [flags, key](const std::string& v) { (*flags)[key] = v; }, help)
        ->type_name(s.secret ? "SECRET" : "VALUE");
  }
}

Result<config::Config> Load(const std::string& config_file, const std::map<std::string, std::string>& flags) {
  config::LoadInputs in;
  in.config_file = config_file;
  in.flags = flags;
  in.env = config::ProcessEnvironment();
  return config::LoadConfig(in);
}

int ConfigError(const Status& s) {
  std::fprintf(stderr, "crashbox: configuration error: %s\n", s.message().c_str());
  return 2;
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{
      "crashbox: the whole crash pipeline in one binary. Collects Breakpad/Crashpad crash reports,\n"
      "stores them durably, and serves them back.\n\n"
      "Settings come from defaults < crashbox.env (or --config) < my.env < CRASHBOX_* < flags;\n"
      "`crashbox config` shows each value and where it came from.",
      "crashbox"};
  app.require_subcommand(1);
  app.set_version_flag("--version", CRASHBOX_VERSION);

  std::string config_file;
  std::map<std::string, std::string> flags;

  CLI::App* serve = app.add_subcommand("serve", "Run the collector, store and web API (Ctrl-C stops)");
  AddSettingFlags(serve, &config_file, &flags);

  CLI::App* show = app.add_subcommand("config", "Print every effective setting and where it came from");
  AddSettingFlags(show, &config_file, &flags);

  run::SubmitCommand submit_cmd;
  CLI::App* submit = app.add_subcommand(
      "submit",
      "Post crash reports to a collector and print their crash ids, one per line.\n"
      "PATH is a dump (with x.json or ../meta/x.json beside it), an annotations .json,\n"
      "or a directory in Socorro's or Antenna's raw-crash layout; '-' or no PATH reads paths from stdin.");
  submit->add_option("url", submit_cmd.options.url, "collector URL, e.g. http://127.0.0.1:8888")->required();
  submit->add_option("paths", submit_cmd.paths, "crash reports to send");
  submit->add_flag("--gzip", submit_cmd.options.gzip, "gzip the whole body (as Crashpad does)");
  submit->add_flag("--json-extra", submit_cmd.options.json_extra, "send annotations as one JSON 'extra' part");
  submit->add_option("--annotation", submit_cmd.annotations, "KEY=VALUE added to every report (repeatable)");
  submit->add_option("--token", submit_cmd.options.bearer_token, "bearer token (needed to send a 'uuid')")
      ->envname("CRASHBOX_SUBMIT_TOKEN");
  submit->add_option("-j,--jobs", submit_cmd.jobs, "parallel uploads")->check(CLI::Range(1, 256))->capture_default_str();
  submit->add_option("--retries", submit_cmd.retries, "retries on 5xx and connection errors")
      ->check(CLI::Range(0, 20))->capture_default_str();

  run::StackwalkCommand stackwalk_cmd;
  CLI::App* stackwalk = AddStackwalkFlags(app, stackwalk_cmd);

  CLI::App* version = app.add_subcommand("version", "Print version and build information as JSON");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  if (serve->parsed() || show->parsed()) {
    Result<config::Config> config = Load(config_file, flags);
    if (!config.ok()) return ConfigError(config.status());
    if (show->parsed()) {
      std::fputs(config::FormatEffective(config.value()).c_str(), stdout);
      return 0;
    }
    return run::Serve(config.value());
  }
  if (submit->parsed()) return run::Submit(submit_cmd);
  if (stackwalk->parsed()) return run::Stackwalk(stackwalk_cmd);
  if (version->parsed()) {
    std::printf("%s\n", run::VersionJson().c_str());
    return 0;
  }
  return 2;
}

}  // namespace crashbox::cli
