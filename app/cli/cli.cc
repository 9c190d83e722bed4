// SPDX-License-Identifier: MPL-2.0
#include "app/cli/cli.h"

#include <unistd.h>

#include <cstdio>
#include <deque>
#include <map>
#include <string>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "app/cli/stackwalk_flags.h"
#include "app/cli/symbols_flags.h"
#include "app/config/config.h"
#include "app/run/auth_commands.h"
#include "app/run/bug_commands.h"
#include "app/run/build_info.h"
#include "app/run/crash_commands.h"
#include "app/run/search_commands.h"
#include "app/run/serve.h"
#include "app/run/submit.h"
#include "app/run/transfer_commands.h"

namespace crashbox::cli {
namespace {

// The subcommand named on the command line ("" when none).
std::string& SelectedSubcommand() {
  static std::string name;
  return name;
}

// Adds --config and one flag per setting; values land in `flags` by key.
void AddSettingFlags(CLI::App* cmd, std::string* config_file,
                     std::map<std::string, std::string>* flags) {
  // Only the subcommand being run gets the setting flags: declaring them on
  // every subcommand costs more than the rest of a short command's start
  // (stackwalk runs once per dump in some deployments).
  if (cmd->get_name() != SelectedSubcommand()) return;
  cmd->add_option("--config", *config_file,
                  "settings file of KEY=value lines (default: ./crashbox.env "
                  "if present)")
      ->envname("CRASHBOX_CONFIG");
  for (const config::SettingInfo& s : config::AllSettings()) {
    std::string key = s.key;
    std::string help =
        fmt::format("{} [{}; default: {}]", s.help, s.key,
                    s.default_value.empty() ? "none" : s.default_value);
    auto set = [flags, key](const std::string& v) { (*flags)[key] = v; };
    if (s.default_value == "true" || s.default_value == "false") {
      // A switch, as in every other CLI: `--x` alone, `--no-x`, or `--x=false`.
      // CLI11 checks the word; the value itself lands in `flags` as written.
      static std::deque<bool> parsed;  // CLI11 wants a target; unused
      std::string name = fmt::format("{},!--no-{}", s.flag, s.flag.substr(2));
      cmd->add_flag(name, parsed.emplace_back(), help)->each(set);
      continue;
    }
    cmd->add_option_function<std::string>(s.flag, set, help)
        ->type_name(s.secret ? "SECRET" : "VALUE");
  }
}

// A repeatable option takes one value each time it is given (`--x a --x b`,
// or `--x a:b` where it has a delimiter), never the arguments after it:
// `stackwalk --symbols-path DIR a.dmp b.dmp` walks both dumps.
// --format table|json (table by default).
void AddTableOrJson(CLI::App* cmd, std::string* format, const char* help) {
  cmd->add_option("--format", *format, help)
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
}

void OneValuePerOccurrence(CLI::App* app) {
  for (CLI::Option* o : app->get_options()) {
    if (!o->get_positional() && o->get_expected_max() > 1)
      o->allow_extra_args(false);
  }
  for (CLI::App* sub : app->get_subcommands({})) OneValuePerOccurrence(sub);
}

Result<config::Config> Load(const std::string& config_file,
                            const std::map<std::string, std::string>& flags) {
  config::LoadInputs in;
  in.config_file = config_file;
  in.flags = flags;
  in.env = config::ProcessEnvironment();
  return config::LoadConfig(in);
}

int ConfigError(const Status& s) {
  std::fprintf(stderr, "crashbox: configuration error: %s\n",
               s.message().c_str());
  return 2;
}

}  // namespace

int Main(int argc, char** argv) {
  SelectedSubcommand() = argc > 1 ? argv[1] : "";
  CLI::App app{
      "crashbox: the whole crash pipeline in one binary. Collects "
      "Breakpad/Crashpad crash reports,\n"
      "stores them durably, and serves them back.\n\n"
      "Settings come from defaults < crashbox.env (or --config) < my.env < "
      "CRASHBOX_* < flags;\n"
      "`crashbox config` shows each value and where it came from.",
      "crashbox"};
  app.require_subcommand(1);
  app.set_version_flag("--version", CRASHBOX_VERSION);

  std::string config_file;
  std::map<std::string, std::string> flags;

  CLI::App* serve = app.add_subcommand(
      "serve", "Run the collector, store and web API (Ctrl-C stops)");
  AddSettingFlags(serve, &config_file, &flags);

  CLI::App* show_config = app.add_subcommand(
      "config", "Print every effective setting and where it came from");
  AddSettingFlags(show_config, &config_file, &flags);

  run::ShowCommand show_cmd;
  CLI::App* show =
      app.add_subcommand("show",
                         "Print a processed crash for a terminal: signature, "
                         "product, OS/CPU, reason, the crashing\n"
                         "thread's stack, notes. Exit 1 when the crash is "
                         "unknown or not processed yet.");
  show->add_option("crash_id", show_cmd.crash_id,
                   "crash id (bp-… and report URLs accepted)")
      ->required();
  show->add_flag("--json", show_cmd.json, "print the processed crash as JSON");
  AddSettingFlags(show, &config_file, &flags);

  run::ReprocessCommand reprocess_cmd;
  CLI::App* reprocess =
      app.add_subcommand("reprocess",
                         "Queue crashes for reprocessing (ids as arguments or "
                         "one per line on stdin). Talks to the\n"
                         "running server when it holds the data directory, "
                         "else queues in the store directly.");
  reprocess->add_option("crash_ids", reprocess_cmd.crash_ids,
                        "crash ids; '-' or none reads stdin");
  reprocess
      ->add_option(
          "--ruleset", reprocess_cmd.ruleset,
          "default, or regenerate_signature to redo only the signature")
      ->capture_default_str();
  reprocess->add_option("--url", reprocess_cmd.url,
                        "ask this server instead of queueing in the local "
                        "store (beside a running server too)");
  reprocess
      ->add_option("--token", reprocess_cmd.token,
                   "API token with reprocess_crashes, for --url (Auth-Token)")
      ->envname("CRASHBOX_API_TOKEN");
  AddSettingFlags(reprocess, &config_file, &flags);

  run::SignatureCommand signature_cmd;
  CLI::App* sign =
      app.add_subcommand("signature",
                         "Generate signatures. INPUT is a crash-data or "
                         "processed-crash JSON file, '-' for stdin, or\n"
                         "the id of a stored crash (then the old and new "
                         "signature are shown, to review a list\n"
                         "change before reprocessing). Lists: --siglists DIR "
                         "(Socorro's format) or the built-in ones.");
  sign->add_option("inputs", signature_cmd.inputs,
                   "files, crash ids or '-'; none reads stdin");
  sign->add_option("--format", signature_cmd.format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}))
      ->capture_default_str();
  AddSettingFlags(sign, &config_file, &flags);

  run::ImportCommand import_cmd;
  CLI::App* import_crashes = app.add_subcommand(
      "import",
      "Load crashes into the store: DIR in Socorro's bucket layout "
      "(v1/raw_crash/<date>/<id>,\n"
      "v1/dump_names/<id>, v1/<dump name>/<id>, v1/processed_crash/<id>; what "
      "`aws s3 sync` of a\n"
      "Socorro bucket leaves), or processed crashes as JSON lines on stdin "
      "('-' or no DIR).\n"
      "Processed crashes are stored as they are; raw crashes without one are "
      "queued for\n"
      "processing. Ids already stored are skipped. Runs beside a running "
      "server or with none.\n"
      "Exit 1 when some crashes failed (reported on stderr).");
  import_crashes->add_option("dir", import_cmd.dir,
                             "bucket copy; '-' or none reads JSON lines");
  AddSettingFlags(import_crashes, &config_file, &flags);

  run::ExportCommand export_cmd;
  CLI::App* export_crashes = app.add_subcommand(
      "export",
      "Write stored crashes to DIR in Socorro's bucket layout (what `crashbox "
      "import` reads).\n"
      "Never overwrites: a file already there with the same bytes is counted, "
      "one with other\n"
      "bytes is reported and its crash fails (exit 1). Runs beside a server.");
  export_crashes->add_option("dir", export_cmd.dir, "target directory")
      ->required();
  export_crashes->add_option(
      "--since", export_cmd.since,
      "only crashes submitted on or after this day (YYYY-MM-DD, UTC)");
  AddSettingFlags(export_crashes, &config_file, &flags);

  run::SearchCommand search_cmd;
  CLI::App* search = app.add_subcommand(
      "search",
      "Super Search from the command line: Socorro's parameters as --name "
      "VALUE, repeatable\n"
      "(crashbox search --product Firefox --signature '~OOM' --_facets "
      "platform). Values that\n"
      "start with '-' go after '=' (--_sort=-date). Reads the local index "
      "(beside a running\n"
      "server) or, with --url, asks a server. Exit 1 when the search is "
      "refused (message on stderr).");
  search->allow_extras();
  search->add_option("--url", search_cmd.url,
                     "server to ask instead of the local index");
  search->add_option("--format", search_cmd.format, "table, json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  search->add_flag("--unredacted", search_cmd.unredacted,
                   "protected fields too (SuperSearchUnredacted)");
  search
      ->add_option("--token", search_cmd.token,
                   "API token for --url (Auth-Token; view_pii for "
                   "--unredacted)")
      ->envname("CRASHBOX_API_TOKEN");
  AddSettingFlags(search, &config_file, &flags);

  CLI::App* reindex = app.add_subcommand(
      "reindex",
      "Rebuild the search index (var/search.sqlite) from the crash store, "
      "with a progress bar.\n"
      "Stop the server first; it rebuilds a missing or damaged index by "
      "itself when it starts.");
  AddSettingFlags(reindex, &config_file, &flags);

  run::SubmitCommand submit_cmd;
  CLI::App* submit =
      app.add_subcommand("submit",
                         "Post crash reports to a collector and print their "
                         "crash ids, one per line.\n"
                         "PATH is a dump (with x.json or ../meta/x.json beside "
                         "it), an annotations .json,\n"
                         "or a directory in Socorro's or Antenna's raw-crash "
                         "layout; '-' or no PATH reads paths from stdin.");
  submit
      ->add_option("url", submit_cmd.options.url,
                   "collector URL, e.g. http://127.0.0.1:8888")
      ->required();
  submit->add_option("paths", submit_cmd.paths, "crash reports to send");
  submit->add_flag("--gzip", submit_cmd.options.gzip,
                   "gzip the whole body (as Crashpad does)");
  submit->add_flag("--json-extra", submit_cmd.options.json_extra,
                   "send annotations as one JSON 'extra' part");
  submit->add_option("--annotation", submit_cmd.annotations,
                     "KEY=VALUE added to every report (repeatable)");
  submit
      ->add_option("--token", submit_cmd.options.bearer_token,
                   "bearer token (needed to send a 'uuid')")
      ->envname("CRASHBOX_SUBMIT_TOKEN");
  submit->add_option("-j,--jobs", submit_cmd.jobs, "parallel uploads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  submit
      ->add_option("--retries", submit_cmd.retries,
                   "retries on 5xx and connection errors")
      ->check(CLI::Range(0, 20))
      ->capture_default_str();

  run::StackwalkCommand stackwalk_cmd;
  CLI::App* stackwalk = AddStackwalkFlags(app, stackwalk_cmd);

  run::SymbolsCommand symbols_cmd;
  CLI::App* symbols = AddSymbolsFlags(app, symbols_cmd);
  AddSettingFlags(symbols, &config_file,
                  &flags);  // the actions fall through to these

  run::UserCommand user_cmd;
  CLI::App* user = app.add_subcommand(
      "user",
      "Accounts: add NAME [--admin] | passwd NAME | disable NAME | enable "
      "NAME |\n"
      "grant NAME WHAT... | revoke NAME WHAT... | list. WHAT is a permission "
      "(view_pii,\n"
      "view_rawdump, reprocess_crashes, run_long_queries, run_custom_queries, "
      "upload_symbols,\n"
      "admin) or a group (Hackers, 'Hackers Plus'). Passwords are asked on a "
      "terminal, else\n"
      "read as one line from stdin. Runs beside a running server.");
  user->add_option("action", user_cmd.action, "what to do")
      ->required()
      ->check(CLI::IsMember(
          {"add", "passwd", "disable", "enable", "grant", "revoke", "list"}));
  user->add_option("name", user_cmd.name, "the user");
  user->add_option("what", user_cmd.what, "permissions or groups");
  user->add_flag("--admin", user_cmd.admin, "add: every permission");
  AddTableOrJson(user, &user_cmd.format, "list: table or json");
  AddSettingFlags(user, &config_file, &flags);

  run::TokenCommand token_cmd;
  CLI::App* token = app.add_subcommand(
      "token",
      "API tokens (the Auth-Token header): create USER [--permission P]... "
      "[--days N]\n"
      "[--notes TEXT] prints a new key once; list [USER]; revoke ID. A token "
      "carries a subset\n"
      "of its owner's permissions and loses any the owner loses.");
  token->add_option("action", token_cmd.action, "what to do")
      ->required()
      ->check(CLI::IsMember({"create", "list", "revoke"}));
  token->add_option("arg", token_cmd.arg, "the owner, or a token id");
  token->add_option("--permission", token_cmd.permissions,
                    "create: a permission it carries (repeatable)");
  token->add_option("--days", token_cmd.days, "create: days until it expires")
      ->capture_default_str();
  token->add_option("--notes", token_cmd.notes, "create: what it is for");
  AddTableOrJson(token, &token_cmd.format, "list: table or json");
  AddSettingFlags(token, &config_file, &flags);

  run::AuditCommand audit_cmd;
  CLI::App* audit = app.add_subcommand(
      "audit",
      "The audit log: reads of protected data and raw dumps, token and "
      "permission changes,\n"
      "reprocessing; oldest first.");
  audit->add_option("--since", audit_cmd.since, "from this day (YYYY-MM-DD)");
  audit->add_option("--limit", audit_cmd.limit, "at most this many entries")
      ->capture_default_str();
  AddTableOrJson(audit, &audit_cmd.format, "table or json");
  AddSettingFlags(audit, &config_file, &flags);

  run::BugsCommand bugs_cmd;
  CLI::App* bugs = app.add_subcommand(
      "bugs",
      "Bug associations for the Bugs and SignaturesByBugs APIs: add BUG "
      "SIGNATURE... |\n"
      "remove BUG SIGNATURE... | list [SIGNATURE...]. Runs beside a running "
      "server.");
  bugs->add_option("action", bugs_cmd.action, "what to do")
      ->required()
      ->check(CLI::IsMember({"add", "remove", "list"}));
  bugs->add_option("args", bugs_cmd.args, "a bug id, then signatures");
  AddSettingFlags(bugs, &config_file, &flags);

  CLI::App* version = app.add_subcommand(
      "version", "Print version and build information as JSON");

  OneValuePerOccurrence(&app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  if (serve->parsed() || show_config->parsed() || show->parsed() ||
      reprocess->parsed() || sign->parsed() || symbols->parsed() ||
      import_crashes->parsed() || export_crashes->parsed() ||
      search->parsed() || reindex->parsed() || user->parsed() ||
      token->parsed() || audit->parsed() || bugs->parsed()) {
    Result<config::Config> config = Load(config_file, flags);
    if (!config.ok()) return ConfigError(config.status());
    if (show_config->parsed()) {
      std::fputs(config::FormatEffective(config.value()).c_str(), stdout);
      return 0;
    }
    if (show->parsed()) return run::Show(config.value(), show_cmd);
    if (reprocess->parsed())
      return run::Reprocess(config.value(), reprocess_cmd);
    if (sign->parsed()) return run::Signature(config.value(), signature_cmd);
    if (symbols->parsed()) return run::Symbols(config.value(), symbols_cmd);
    if (import_crashes->parsed())
      return run::Import(config.value(), import_cmd);
    if (export_crashes->parsed())
      return run::Export(config.value(), export_cmd);
    if (search->parsed()) {
      search_cmd.args = search->remaining();
      return run::Search(config.value(), search_cmd);
    }
    if (reindex->parsed()) return run::Reindex(config.value());
    if (user->parsed()) return run::User(config.value(), user_cmd);
    if (token->parsed()) return run::Token(config.value(), token_cmd);
    if (audit->parsed()) return run::Audit(config.value(), audit_cmd);
    if (bugs->parsed()) return run::Bugs(config.value(), bugs_cmd);
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
