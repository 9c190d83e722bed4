// SPDX-License-Identifier: MPL-2.0
// Super Search over the real corpus: every crash of ../shared/corpus,
// submitted to a running server, is found by every field the processor
// wrote for it, each field queried with the operator its type takes
// (SOCORRO.md §4). Protected fields go through /api/SuperSearchUnredacted/,
// which the loopback test client may use.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/base/strings.h"
#include "app/httpclient/http_client.h"
#include "app/submitter/submitter.h"
#include "tests/e2e/e2e_http.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/temp_dir.h"

namespace crashbox {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::GetJson;
using testing::WaitForQueues;
using Params = std::vector<std::pair<std::string, std::string>>;

// The index cuts longer text (its row limit); equality on the whole value
// cannot hold past it.
constexpr size_t kIndexedTextLimit = 64 * 1024;

std::string Url(const std::string& base, const std::string& path,
                const Params& params) {
  std::string url = base + path;
  char sep = '?';
  for (const auto& [k, v] : params) {
    url += sep + base::PercentEncode(k) + "=" + base::PercentEncode(v);
    sep = '&';
  }
  return url;
}

// "YYYY-MM-DD" of two days ago: a lower date bound every crash submitted by
// this test passes (Super Search requires one; its default is a week).
std::string TwoDaysAgo() {
  auto t = std::chrono::system_clock::now() - std::chrono::hours(48);
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The value at `path` ("json_dump.system_info.os") of `crash`, or null.
json ValueAt(const json& crash, const std::string& path) {
  const json* node = &crash;
  for (std::string_view part : base::Split(path, '.')) {
    if (!node->is_object()) return json();
    auto it = node->find(std::string(part));
    if (it == node->end()) return json();
    node = &*it;
  }
  return *node;
}

// The processed-crash path of a Super Search field: its namespace below
// "processed_crash", then in_database_name.
std::string PathOf(const json& field) {
  std::string ns = field.value("namespace", "processed_crash");
  std::string name = field.value("in_database_name", "");
  if (ns == "processed_crash") return name;
  const std::string prefix = "processed_crash.";
  if (ns.rfind(prefix, 0) == 0) return ns.substr(prefix.size()) + "." + name;
  return "";
}

// One filter check: `params` (besides uuid and date) must find the crash and
// `negated` must not, so a filter the server ignored cannot pass.
struct Probe {
  std::string what;  // for the trace: "=value", "~sub", ...
  Params params;
  Params negated;
};

// The probes that must find a crash whose `field` holds `value`, by the
// operators its data_validation_type takes (SOCORRO.md §4.2); empty when the
// value cannot be searched for (the reason in `why`).
std::vector<Probe> ProbesFor(const std::string& name, const json& field,
                             const json& value, std::string* why) {
  std::string type = field.value("data_validation_type", "enum");
  std::string v = value.is_string() ? value.get<std::string>() : value.dump();
  std::vector<Probe> out;
  auto add = [&](const std::string& text) {
    out.push_back({text, {{name, text}}, {{name, "!" + text}}});
  };
  auto add_range = [&]() {
    // A closed range on the written value: both bounds ANDed, as Socorro
    // folds range clauses. Dates take only range operators, and a float's
    // text form need not round-trip, so a range is the equality test.
    // Negated, each bound is its complement (<v, >v): nothing is left.
    out.push_back({">=" + v + " <=" + v,
                   {{name, ">=" + v}, {name, "<=" + v}},
                   {{name, "!>=" + v}, {name, "!<=" + v}}});
  };
  if (type == "bool") {
    // `__true__`; its negation also finds false (and missing) values.
    if (!value.is_boolean()) {
      *why = "bool field with a non-boolean value " + value.dump();
      return {};
    }
    if (value.get<bool>()) {
      out.push_back({"__true__", {{name, "__true__"}}, {{name, "!__true__"}}});
    } else {
      out.push_back({"!__true__", {{name, "!__true__"}}, {{name, "__true__"}}});
    }
    return out;
  }
  if (type == "datetime" || type == "float") {
    add_range();
    return out;
  }
  if (v.empty()) {
    // Socorro treats an empty filter value as "not given", so an empty
    // string cannot be asked for (only `__null__`, and "" is not null).
    *why = "empty string";
    return {};
  }
  if (type == "int") {
    add(v);  // no operator: the number itself
    return out;
  }
  if (type == "str") {
    if (v.size() > kIndexedTextLimit) {
      *why = "longer than the indexed 64 KiB";
      return {};
    }
    add("=" + v);  // is exactly
    // `~` is "contains": a 3+ character piece of the value must match.
    size_t from = v.size() / 3;
    std::string piece = v.substr(from, std::min<size_t>(8, v.size() - from));
    if (piece.size() >= 3) add("~" + piece);
    return out;
  }
  // enum (and Socorro's default): no operator but `__null__`; the value
  // itself matches.
  add(v);
  return out;
}

TEST(SearchCorpusE2E, EveryWrittenFieldFindsItsCrash) {
  fs::path corpus = testing::CorpusDir();
  if (corpus.empty())
    GTEST_SKIP() << "../shared/corpus not present: search corpus test skipped";
  testing::TempDir dir;
  testing::ServerProcess server(
      (dir / "var").string(),
      {"--symbols-path", (corpus / "symbols").string()});
  ASSERT_TRUE(server.started());

  auto payloads = submitter::LoadPayloads((corpus / "dumps").string());
  ASSERT_TRUE(payloads.ok());
  submitter::Submitter sub({server.url()});
  std::vector<std::string> ids;
  for (const auto& p : *payloads) {
    auto id = sub.Submit(p);
    ASSERT_TRUE(id.ok()) << id.status().ToString();
    ids.push_back(id.value());
  }
  ASSERT_FALSE(ids.empty());
  ASSERT_TRUE(WaitForQueues(server.url())) << "processing did not finish";

  // Every acknowledged crash is processed (a dump the stack walker rejects
  // still gets a processed crash), so the index must come to hold them all.
  httpclient::HttpClient http;
  const std::string since = ">=" + TwoDaysAgo();
  json total;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    json r = GetJson(http, Url(server.url(), "/api/SuperSearch/",
                               {{"date", since}, {"_results_number", "0"}}));
    total = r.is_object() ? r["total"] : json();
    if (total == ids.size()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(total, ids.size()) << "the index never held every crash";

  json fields = GetJson(http, server.url() + "/api/SuperSearchFields/");
  ASSERT_TRUE(fields.is_object());

  std::set<std::string> written;  // searchable fields with a value somewhere
  std::map<std::string, int> checked;  // field → (crash, field) pairs
  std::map<std::string, std::string> unsearchable;  // field → why, last seen
  int pairs = 0;
  int protected_pairs = 0;  // through /api/SuperSearchUnredacted/
  for (const std::string& id : ids) {
    json crash =
        GetJson(http, server.url() + "/api/ProcessedCrash/?crash_id=" + id);
    ASSERT_TRUE(crash.is_object()) << "no processed crash for " << id;
    for (const auto& [name, field] : fields.items()) {
      if (!field.value("is_exposed", false)) continue;
      std::string path = PathOf(field);
      if (path.empty()) continue;
      json value = ValueAt(crash, path);
      // Lists and objects (json_dump's modules, ...) are not field values.
      if (value.is_null() || value.is_structured()) continue;
      written.insert(name);
      SCOPED_TRACE(id + " " + name + " = " + value.dump().substr(0, 200));
      std::string why;
      std::vector<Probe> probes = ProbesFor(name, field, value, &why);
      if (probes.empty()) {
        unsearchable[name] = why;
        continue;
      }
      bool is_protected =
          !field.value("permissions_needed", json::array()).empty();
      std::string endpoint =
          is_protected ? "/api/SuperSearchUnredacted/" : "/api/SuperSearch/";
      for (const Probe& probe : probes) {
        for (bool negated : {false, true}) {
          // `uuid` also selects the crash: Socorro ORs a field's plain values
          // with its negated ones (`uuid=X&uuid=!X` is everything), so the
          // negated check cannot be asked of the selecting field itself.
          if (negated && name == "uuid") continue;
          Params params = {
              {"uuid", id}, {"date", since}, {"_results_number", "0"}};
          const Params& filter = negated ? probe.negated : probe.params;
          params.insert(params.end(), filter.begin(), filter.end());
          json r = GetJson(http, Url(server.url(), endpoint, params));
          EXPECT_TRUE(r.is_object() && r["total"] == (negated ? 0 : 1))
              << (negated ? "negated " : "") << name << probe.what << " via "
              << endpoint << " answered " << r.dump().substr(0, 300);
        }
      }
      ++checked[name];
      ++pairs;
      if (is_protected) ++protected_pairs;
    }
  }

  std::ostringstream missing;
  for (const std::string& name : written) {
    if (!checked.count(name))
      missing << name << " (" << unsearchable[name] << ") ";
  }
  std::ostringstream all;
  for (const std::string& name : written) all << name << " ";
  EXPECT_TRUE(missing.str().empty())
      << "written but never searched: " << missing.str()
      << "\nwritten fields: " << all.str();
  EXPECT_GT(pairs, 1000) << "written fields: " << all.str();
  EXPECT_GT(protected_pairs, 0) << "no protected field was searched";
  std::cout << ids.size() << " crashes, " << pairs << " (crash, field) pairs, "
            << checked.size() << " fields checked, " << protected_pairs
            << " pairs through the unredacted endpoint\n";
}

}  // namespace
}  // namespace crashbox
