// SPDX-License-Identifier: MPL-2.0
#include "app/run/crash_commands.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/base/py_json.h"
#include "app/base/strings.h"
#include "app/collector/crash_id.h"
#include "app/httpclient/http_client.h"
#include "app/report/processed_crash.h"
#include "app/run/common.h"

namespace crashbox::run {
namespace {

using nlohmann::json;

int Error(const std::string& command, const std::string& message, int code) {
  std::fprintf(stderr, "crashbox %s: %s\n", command.c_str(), message.c_str());
  return code;
}

std::string Str(const json& obj, const char* key, const char* fallback = "") {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

// A processed crash's field as text: a string as is, another value as JSON.
template <typename T>
std::string Str(const json& crash, const report::Field<T>& field,
                const char* fallback = "") {
  const json* v = report::Find(crash, field);
  if (v == nullptr || v->is_null()) return fallback;
  return v->is_string() ? v->get<std::string>() : v->dump();
}

std::vector<std::string> ReadLines(std::istream& in) {
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    std::string_view t = base::Trim(line);
    if (!t.empty()) out.emplace_back(t);
  }
  return out;
}

// "module!function [file:line]" as Breakpad prints frames, for terminals.
std::string FrameText(const json& f) {
  if (f.contains("truncated")) return Str(f["truncated"], "msg");
  std::string module = Str(f, "module"), function = Str(f, "function");
  std::string text = module.empty() ? Str(f, "offset") : module;
  if (!function.empty()) {
    text += "!" + function;
  } else if (!module.empty()) {
    text += " + " + Str(f, "module_offset");
  }
  std::string file = Str(f, "file");
  if (!file.empty())
    text +=
        fmt::format(" [{}:{}]", base::Split(file, '/').back(), Str(f, "line"));
  return text;
}

std::string FormatProcessed(const json& p) {
  std::string out;
  auto row = [&](const char* label, const std::string& value) {
    if (!value.empty()) out += fmt::format("{:<16}{}\n", label, value);
  };
  row("Crash ID:", Str(p, report::kUuid));
  row("Signature:", Str(p, report::kSignature));
  std::string product =
      Str(p, report::kProduct) + " " + Str(p, report::kVersion);
  if (!Str(p, report::kReleaseChannel).empty())
    product += " (" + Str(p, report::kReleaseChannel) + ")";
  if (!Str(p, report::kBuild).empty())
    product += ", build " + Str(p, report::kBuild);
  row("Product:", product);
  row("OS:", Str(p, report::kOsPrettyVersion) + " (" + Str(p, report::kOsName) +
                 " " + Str(p, report::kOsVersion) + ")");
  row("CPU:", Str(p, report::kCpuArch) + " (" + Str(p, report::kCpuInfo) +
                  ", " + Str(p, report::kCpuCount, "?") + " cores)");
  row("Reason:",
      Str(p, report::kReason) + " at " + Str(p, report::kAddress, "?"));
  row("Process:", Str(p, report::kProcessType) + ", uptime " +
                      Str(p, report::kUptime, "?") + " s");
  row("Crash time:", Str(p, report::kClientCrashDate));
  row("Processed:", Str(p, report::kCompletedDatetime));
  std::vector<std::string_view> missing;
  std::string missing_text = Str(p, report::kMissingSymbols);
  for (std::string_view m : base::Split(missing_text, ';'))
    if (!m.empty()) missing.push_back(m);
  if (!missing.empty()) {
    // Hundreds of modules can lack symbols: a count and the first few, one
    // a line, and where the rest are.
    constexpr size_t kShown = 5;
    row("Missing syms:",
        fmt::format("{} module{} without symbols", missing.size(),
                    missing.size() == 1 ? "" : "s"));
    for (size_t i = 0; i < std::min(missing.size(), kShown); ++i)
      out += fmt::format("{:<16}  {}\n", "", missing[i]);
    if (missing.size() > kShown) {
      out += fmt::format(
          "{:<16}  … {} more: `crashbox show {} --json` lists all\n", "",
          missing.size() - kShown, Str(p, report::kUuid));
    }
  }
  const json* crashing = report::Find(p, report::kJsonDumpCrashingThread);
  if (crashing != nullptr && crashing->is_object()) {
    const json& t = *crashing;
    out += fmt::format("\nCrashing thread {}{}:\n",
                       Str(p, report::kCrashingThread, "?"),
                       t.contains("thread_name") && t["thread_name"].is_string()
                           ? " (" + t["thread_name"].get<std::string>() + ")"
                           : "");
    int i = 0;
    for (const json& f : t.value("frames", json::array())) {
      if (f.contains("inlines") && f["inlines"].is_array()) {
        for (const json& in : f["inlines"]) {
          out += fmt::format("  {:>3}  {}!{} [{}:{}] (inlined)\n", i,
                             Str(f, "module"), Str(in, "function"),
                             base::Split(Str(in, "file"), '/').back(),
                             Str(in, "line"));
        }
      }
      out += fmt::format(
          "  {:>3}  {}{}\n", i, FrameText(f),
          f.contains("trust") ? "   (" + Str(f, "trust") + ")" : "");
      ++i;
    }
  }
  std::string notes = Str(p, report::kProcessorNotes);
  if (!notes.empty()) {
    out += "\nNotes:\n";
    for (std::string_view n : base::Split(notes, '\n'))
      out += fmt::format("  {}\n", n);
  }
  return out;
}

}  // namespace

int Show(const config::Config& config, const ShowCommand& command) {
  std::string id = collector::ParseCrashId(command.crash_id);
  if (id.empty())
    return Error("show",
                 fmt::format("'{}' is not a crash id", command.crash_id), 2);
  Result<OpenStore> store = OpenCrashStore(config, /*read_only=*/true);
  if (!store.ok()) return Error("show", store.status().ToString(), 2);
  Result<std::string> processed = store->crashes->GetProcessed(id);
  if (!processed.ok()) {
    bool stored = store->crashes->GetRawCrash(id).ok();
    return Error(
        "show",
        stored ? fmt::format("crash {} is stored but not processed yet", id)
               : fmt::format("no crash {} in {}", id, config.data_dir),
        1);
  }
  json p = json::parse(processed.value(), nullptr, false);
  if (!p.is_object())
    return Error("show",
                 fmt::format("processed crash {} is not valid JSON", id), 1);
  std::string text =
      command.json
          ? p.dump(2, ' ', false, json::error_handler_t::replace) + "\n"
          : FormatProcessed(p);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return 0;
}

int Reprocess(const config::Config& config, const ReprocessCommand& command) {
  if (command.ruleset != "default" &&
      command.ruleset != "regenerate_signature") {
    return Error(
        "reprocess",
        fmt::format("ruleset '{}' is not valid (default, regenerate_signature)",
                    command.ruleset),
        2);
  }
  std::vector<std::string> inputs = command.crash_ids;
  if (inputs.empty() ||
      std::find(inputs.begin(), inputs.end(), "-") != inputs.end()) {
    std::vector<std::string> more = ReadLines(std::cin);
    inputs.erase(std::remove(inputs.begin(), inputs.end(), "-"), inputs.end());
    inputs.insert(inputs.end(), more.begin(), more.end());
  }
  std::vector<std::string> ids;
  int refused = 0;
  for (const std::string& in : inputs) {
    std::string id = collector::ParseCrashId(in);
    if (id.empty()) {
      Error("reprocess", fmt::format("'{}' is not a crash id", in), 0);
      ++refused;
    } else {
      ids.push_back(id);
    }
  }
  if (ids.empty()) return Error("reprocess", "no crash ids given", 2);

  if (command.url.empty()) {
    // Queue directly, with the data directory's lock or beside the server
    // that holds it (LMDB serializes the writers; the server's processor
    // polls its queues), which processes them when it runs.
    Result<int> lock = LockDataDir(config.data_dir);
    Result<OpenStore> store = OpenCrashStore(config, /*read_only=*/false);
    if (!store.ok()) return Error("reprocess", store.status().ToString(), 2);
    for (const std::string& id : ids) {
      if (!store->crashes->GetRawCrash(id).ok()) {
        Error("reprocess",
              fmt::format("no crash {} in {}", id, config.data_dir), 0);
        ++refused;
        continue;
      }
      Status s = store->crashes->Enqueue(store::QueueName::kReprocessing, id,
                                         command.ruleset);
      if (!s.ok()) return Error("reprocess", s.ToString(), 1);
      std::printf("%s\n", id.c_str());
    }
    if (lock.ok()) ::close(lock.value());
    return refused ? 1 : 0;
  }
  // Another server: ask it, with a token holding reprocess_crashes.
  const std::string& url = command.url;
  std::string body;
  for (const std::string& id : ids) {
    body +=
        fmt::format("{}crash_ids={}{}", body.empty() ? "" : "&", id,
                    command.ruleset == "default" ? "" : ":" + command.ruleset);
  }
  httpclient::HttpClient http(30000);
  std::vector<std::string> headers = {
      "Content-Type: application/x-www-form-urlencoded"};
  if (!command.token.empty()) headers.push_back("Auth-Token: " + command.token);
  auto r = http.Post(url + "/api/Reprocessing/", body, headers);
  if (!r.ok())
    return Error("reprocess",
                 fmt::format("the server at {} does not answer: {}", url,
                             r.status().message()),
                 1);
  if (r->status != 200)
    return Error("reprocess",
                 fmt::format("server answered {}: {}", r->status, r->body), 1);
  for (const std::string& id : ids) std::printf("%s\n", id.c_str());
  return refused ? 1 : 0;
}

int Signature(const config::Config& config, const SignatureCommand& command) {
  if (command.format != "text" && command.format != "csv" &&
      command.format != "json") {
    return Error("signature",
                 fmt::format("format '{}' is not one of text, csv, json",
                             command.format),
                 2);
  }
  auto runner = MakeSignatureRunner(config);
  if (!runner.ok()) return Error("signature", runner.status().ToString(), 2);
  std::optional<OpenStore> store;  // opened on the first crash id

  struct Row {
    std::string input, old_signature, signature;
    std::vector<std::string> notes;
    bool stored = false;
  };
  std::vector<Row> rows;
  int failed = 0;
  auto sign_document = [&](const std::string& label, const json& doc,
                           bool stored) {
    Row row{label, stored ? Str(doc, "signature") : "", "", {}, stored};
    bool processed = report::Find(doc, report::kJsonDump) != nullptr ||
                     report::Find(doc, report::kProcessorNotes) != nullptr;
    signature::SignatureResult r =
        processed ? (*runner)->Run(doc) : (*runner)->generator().Generate(doc);
    row.signature = r.signature;
    row.notes = r.notes;
    rows.push_back(std::move(row));
  };
  auto sign_text = [&](const std::string& label, const std::string& text) {
    // Read as Socorro's Python reads it: NaN, big integers and lone
    // surrogates are values; nesting is bounded.
    Result<json> doc = base::PyJsonLoads(text, {.exact = true});
    if (!doc.ok() || !doc->is_object()) {
      Error(
          "signature",
          fmt::format("{}: {}", label,
                      doc.ok() ? "not a JSON object" : doc.status().message()),
          0);
      ++failed;
      return;
    }
    sign_document(label, *doc, false);
  };

  std::vector<std::string> inputs = command.inputs;
  if (inputs.empty()) inputs.push_back("-");
  for (const std::string& in : inputs) {
    if (in == "-") {
      std::stringstream ss;
      ss << std::cin.rdbuf();
      std::string all = ss.str();
      std::string_view t = base::Trim(all);
      // Several documents: one JSON object per line, or crash ids.
      if (!t.empty() && t.front() != '{' &&
          !collector::ParseCrashId(base::Split(t, '\n')[0]).empty()) {
        for (std::string_view id : base::Split(t, '\n'))
          inputs.emplace_back(base::Trim(id));
      } else if (t.find("}\n{") != std::string_view::npos) {
        for (std::string_view line : base::Split(t, '\n')) {
          if (!base::Trim(line).empty()) sign_text("stdin", std::string(line));
        }
      } else {
        sign_text("stdin", all);
      }
      continue;
    }
    std::string id = collector::ParseCrashId(in);
    if (!id.empty() && !std::filesystem::exists(in)) {
      if (!store) {
        Result<OpenStore> opened = OpenCrashStore(config, /*read_only=*/true);
        if (!opened.ok())
          return Error("signature", opened.status().ToString(), 2);
        store = std::move(opened).value();
      }
      Result<std::string> processed = store->crashes->GetProcessed(id);
      if (!processed.ok()) {
        Error("signature", processed.status().message(), 0);
        ++failed;
        continue;
      }
      json doc = json::parse(processed.value(), nullptr, false);
      if (doc.is_object()) sign_document(id, doc, true);
      continue;
    }
    std::ifstream f(in, std::ios::binary);
    if (!f) {
      Error("signature", fmt::format("{}: cannot read", in), 0);
      ++failed;
      continue;
    }
    std::stringstream ss;
    ss << f.rdbuf();
    sign_text(in, ss.str());
  }

  if (command.format == "json") {
    json out = json::array();
    for (const Row& r : rows) {
      json j = {{"input", base::Utf8Lossy(r.input)},
                {"signature", r.signature},
                {"notes", r.notes}};
      if (r.stored) {
        j["old_signature"] = r.old_signature;
        j["changed"] = r.old_signature != r.signature;
      }
      out.push_back(std::move(j));
    }
    std::printf("%s\n", out.dump(2, ' ', false, json::error_handler_t::replace)
                            .c_str());  // inputs are file names
  } else if (command.format == "csv") {
    auto quote = [](const std::string& s) {
      std::string q = "\"";
      for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
      return q + "\"";
    };
    std::printf("input,old_signature,signature\n");
    for (const Row& r : rows) {
      std::printf("%s,%s,%s\n", quote(r.input).c_str(),
                  quote(r.old_signature).c_str(), quote(r.signature).c_str());
    }
  } else {
    for (const Row& r : rows) {
      if (r.stored && r.old_signature != r.signature) {
        std::printf("%s\t%s -> %s\n", r.input.c_str(), r.old_signature.c_str(),
                    r.signature.c_str());
      } else {
        std::printf("%s\t%s%s\n", r.input.c_str(), r.signature.c_str(),
                    r.stored ? "  (unchanged)" : "");
      }
    }
  }
  return failed ? 1 : 0;
}

}  // namespace crashbox::run
