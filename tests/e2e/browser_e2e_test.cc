// SPDX-License-Identifier: MPL-2.0
// Pages as a reader sees them: the real server, real crashes, and Debian's
// Chromium driven headless by playwright-core (tests/browser/). tools/setup.sh
// installs both for `./dev test`; without them these tests skip and say why.
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/base/strings.h"
#include "app/httpclient/http_client.h"
#include "app/submitter/submitter.h"
#include "tests/e2e/e2e_http.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/synth/synth_dump.h"
#include "tests/testing/temp_dir.h"

namespace crashbox {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::ServerProcess;
using testing::SynthContext;
using testing::SynthCpu;
using testing::SynthDump;
using testing::TempDir;
using testing::WaitForQueues;

fs::path SourceDir() {
  const char* src = std::getenv("CB_SOURCE_DIR");
  return src ? fs::path(src) : fs::current_path();
}

// Why the browser cannot run here, or "" when it can.
std::string BrowserMissing() {
  if (std::system("command -v node >/dev/null 2>&1") != 0)
    return "node is not installed";
  if (!fs::exists(SourceDir() /
                  "tests/browser/node_modules/playwright-core/package.json")) {
    return "playwright-core is not installed in tests/browser";
  }
  const char* chromium = std::getenv("CHROMIUM");
  if (!fs::exists(chromium ? chromium : "/usr/bin/chromium"))
    return "chromium is not installed";
  return "";
}

// Skips each test, saying why, where the browser cannot run.
class BrowserE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string why = BrowserMissing(); !why.empty()) {
      GTEST_SKIP() << "headless browser unavailable (" << why
                   << "); ./dev test installs it via tools/setup.sh";
    }
  }
  TempDir dir_;
  std::string data_ = (dir_ / "data").string();
};

// Where screenshots are kept as test artifacts: build/release/artifacts/
// screenshots beside the binary (CB_BINARY_DIR does not reach the tests:
// gtest_discover_tests keeps only the first of two variables), else
// `scratch`.
fs::path ScreenshotDir(const fs::path& scratch) {
  fs::path binary_dir = fs::path(testing::CrashboxBinary()).parent_path();
  fs::path shots =
      (binary_dir.empty() ? scratch : binary_dir) / "artifacts" / "screenshots";
  fs::create_directories(shots);
  return shots;
}

// Runs a tests/browser script with `args`; its stdout parsed as JSON.
json RunScript(const std::string& script, const std::vector<std::string>& args,
               const fs::path& scratch) {
  fs::path err = scratch / "browser.stderr";
  std::string cmd =
      "node '" + (SourceDir() / "tests/browser" / script).string() + "'";
  for (const std::string& a : args) cmd += " '" + a + "'";
  cmd += " 2>'" + err.string() + "'";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int status = pclose(p);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << script << " failed: " << out << testing::ReadFileOrDie(err);
  }
  json j = json::parse(out, nullptr, false);
  EXPECT_TRUE(j.is_object())
      << script << " printed: " << out << testing::ReadFileOrDie(err);
  return j;
}

// A Linux amd64 crash in one module, called from another; neither has
// symbols. The first module's file name is HTML, as a hostile client may send.
std::string TwoModuleCrash() {
  constexpr uint64_t kApp = 0x400000, kLib = 0x7f0000000000,
                     kStack = 0x7ffd0000;
  SynthDump dump(SynthCpu::kAmd64, /*platform=*/0x8201);
  dump.AddModule({.name = "/opt/<img src=x onerror=alert(1)>",
                  .base = kApp,
                  .size = 0x10000,
                  .cv_record = SynthDump::Elf(std::string(16, '\x21'))});
  dump.AddModule({.name = "/usr/lib/libwidget.so",
                  .base = kLib,
                  .size = 0x10000,
                  .cv_record = SynthDump::Elf(std::string(16, '\x42'))});
  SynthContext ctx{SynthCpu::kAmd64,
                   {{"rip", kApp + 0x1010}, {"rsp", kStack}, {"rbp", 0}},
                   {}};
  dump.AddThread(1, ctx, kStack, SynthDump::Words64({kLib + 0x2010, 0, 0, 0}));
  dump.SetException(1, /*SIGSEGV*/ 11, /*SEGV_MAPERR*/ 1, 0x10, {}, ctx);
  return dump.Build();
}

TEST_F(BrowserE2E, MissingSymbolsPageListsWhatCrashesNeededAsText) {
  ServerProcess server(data_);
  ASSERT_TRUE(server.started());

  json empty =
      RunScript("missing_symbols_page.mjs", {server.url()}, dir_.path());
  EXPECT_EQ(empty["status"], "No missing symbols.");
  EXPECT_TRUE(empty["rows"].empty());

  submitter::CrashPayload crash;
  crash.annotations = json{{"ProductName", "Browser"}, {"Version", "1.0"}};
  crash.dumps.emplace_back("upload_file_minidump", TwoModuleCrash());
  ASSERT_TRUE(submitter::Submitter({server.url()}).Submit(crash).ok());
  // Recorded just after the processed crash is stored.
  httpclient::HttpClient http;
  for (int i = 0; i < 100; ++i) {
    auto r = http.Get(server.url() + "/api/MissingSymbols/");
    if (r.ok() && json::parse(r->body, nullptr, false).value("total", 0) == 2)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  json seen =
      RunScript("missing_symbols_page.mjs", {server.url()}, dir_.path());
  EXPECT_EQ(seen["status"], "2 modules.") << seen.dump();
  EXPECT_EQ(seen["headers"],
            json({"debug file", "debug id", "code file", "code id", "version",
                  "crashes", "last seen"}));
  std::vector<std::string> debug_files;
  for (const json& row : seen["rows"]) {
    ASSERT_EQ(row.size(), 7u) << row.dump();
    debug_files.push_back(row[0]);
    EXPECT_EQ(row[5], "1") << row.dump();  // crashes
    EXPECT_FALSE(row[1].get<std::string>().empty()) << row.dump();
  }
  std::sort(debug_files.begin(), debug_files.end());
  EXPECT_EQ(debug_files, (std::vector<std::string>{
                             "<img src=x onerror=alert(1)>", "libwidget.so"}));
  EXPECT_EQ(seen["injected"], 0)
      << "a module name became markup: " << seen.dump();
  EXPECT_TRUE(seen["errors"].empty()) << seen.dump();
  EXPECT_TRUE(seen["failed"].empty()) << seen.dump();
}

// A newcomer opens an empty server's page: the first-run form creates the
// admin, who is signed in; signing out and in again work in the browser.
TEST_F(BrowserE2E, FirstRunCreatesTheAdminAndSignsIn) {
  ServerProcess server(data_, {"--auth", "on"});
  ASSERT_TRUE(server.started());
  json seen = RunScript("first_run.mjs", {server.url()}, dir_.path());
  EXPECT_EQ(seen["landed"], "/setup") << seen.dump();
  EXPECT_EQ(seen["after_setup"], "Signed in as ada (admin).") << seen.dump();
  EXPECT_EQ(seen["cookie"]["httpOnly"], true);
  EXPECT_EQ(seen["cookie"]["sameSite"], "Lax");
  EXPECT_EQ(seen["after_logout"], "Not signed in: public fields only. Sign in");
  EXPECT_EQ(seen["failed_login"], "Wrong user name or password.");
  EXPECT_EQ(seen["after_login"]["who"], "Signed in as ada (admin).");
  EXPECT_EQ(seen["profile"]["admin"], "yes");
  EXPECT_EQ(seen["profile"]["view_pii"], "yes");
  EXPECT_TRUE(seen["errors"].empty()) << seen["errors"].dump();
}

// The report view of a hostile crash: pending, then the report, every value
// as text (HTML, javascript: URLs and bidirectional overrides included),
// tabs by keyboard.
TEST_F(BrowserE2E, ReportViewShowsAHostileCrashAsText) {
  ServerProcess server(data_);
  ASSERT_TRUE(server.started());
  const std::string html = "<img src=x onerror=alert(1)>";
  const std::string bidi = "\u202Eevil\u202C <b>bold</b>";
  submitter::CrashPayload crash;
  crash.annotations = json{{"ProductName", "Firefox"},
                           {"Version", "128.0"},
                           {"MozCrashReason", html},
                           {"URL", "javascript:alert(1)"},
                           {"Notes", bidi}};
  crash.dumps.emplace_back("upload_file_minidump", TwoModuleCrash());
  auto id = submitter::Submitter({server.url()}).Submit(crash);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(WaitForQueues(server.url()));

  json seen = RunScript("report_page.mjs", {server.url(), *id}, dir_.path());
  ASSERT_TRUE(seen.is_object());
  EXPECT_NE(seen["pending"].get<std::string>().find("being processed"),
            std::string::npos);
  EXPECT_EQ(seen["title"], "Crash " + *id);
  EXPECT_EQ(seen["facts"]["Product"], "Firefox");
  EXPECT_EQ(seen["facts"]["Crash reason"], "SIGSEGV /SEGV_MAPERR");
  EXPECT_EQ(seen["annotations"]["MozCrashReason"], html);
  EXPECT_EQ(seen["annotations"]["URL"], "javascript:alert(1)");
  EXPECT_EQ(seen["annotations"]["Notes"], bidi);
  ASSERT_FALSE(seen["frames"].empty()) << seen.dump();
  EXPECT_NE(seen["frames"][0][1].get<std::string>().find("<img"),
            std::string::npos)
      << seen["frames"].dump();
  EXPECT_EQ(seen["modules"].size(), 2u);
  EXPECT_GE(seen["threads"], 1);
  EXPECT_EQ(seen["tabs"],
            json({"annotations", "modules", "raw", "debug", "details"}));
  EXPECT_EQ(seen["injected"], 0);
  EXPECT_EQ(seen["dialogs"], 0);
  EXPECT_TRUE(seen["errors"].empty()) << seen["errors"].dump();
}

// ISO time `days` ago, for date filters.
std::string DaysAgo(int days) {
  std::time_t t = std::chrono::system_clock::to_time_t(
      std::chrono::system_clock::now() - std::chrono::hours(24 * days));
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", std::gmtime(&t));
  return buf;
}

// `n` crashes from tools/gencrashes (seed 5, the last 90 days) imported
// beside `server` and indexed.
void ImportGenerated(const ServerProcess& server, const std::string& data,
                     const fs::path& scratch, int n) {
  std::string crashes = (scratch / "crashes.jsonl").string();
  ASSERT_EQ(
      std::system(("python3 '" +
                   (SourceDir() / "tools/gencrashes/gencrashes.py").string() +
                   "' " + std::to_string(n) + " --seed 5 --jobs 1 --out '" +
                   crashes + "'")
                      .c_str()),
      0);
  ASSERT_EQ(std::system((testing::CrashboxBinary() + " import - --data-dir '" +
                         data + "' < '" + crashes + "' > /dev/null")
                            .c_str()),
            0);
  httpclient::HttpClient http;
  for (int i = 0; i < 300; ++i) {
    auto r = http.Get(server.url() +
                      "/api/SuperSearch/?_results_number=0&date=%3E%3D" +
                      DaysAgo(100));
    json j = r.ok() ? json::parse(r->body, nullptr, false) : json();
    if (j.is_object() && j.value("total", 0) == n) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  FAIL() << "the generated crashes were never indexed";
}

// GET /api/SuperSearch/?<query> on `server`: the JSON body (null when the
// request failed).
json SuperSearch(const ServerProcess& server, const std::string& query) {
  httpclient::HttpClient http;
  auto r = http.Get(server.url() + "/api/SuperSearch/?" + query);
  return r.ok() ? json::parse(r->body, nullptr, false) : json();
}

// Top Crashers over generated crashes: the page picks the newest version,
// and its ranks and counts are the public Super Search API's.
TEST_F(BrowserE2E, TopCrashersRanksWhatSuperSearchCounts) {
  ServerProcess server(data_);
  ASSERT_TRUE(server.started());
  ImportGenerated(server, data_, dir_.path(), 1000);
  httpclient::HttpClient http;
  json seen =
      RunScript("topcrashers_page.mjs", {server.url(), "Firefox"}, dir_.path());
  ASSERT_TRUE(seen.is_object());
  EXPECT_TRUE(seen["errors"].empty()) << seen["errors"].dump();
  const std::string version = seen["version"];
  // The home page: product-details products first, each generated product
  // with a link to its newest active version's Top Crashers.
  ASSERT_GE(seen["home"].size(), 4u) << seen["home"].dump();
  bool linked = false;
  for (const json& p : seen["home"]) {
    if (p["product"] != "Firefox") continue;
    linked =
        !p["versions"].empty() &&
        p["versions"][0] == "/topcrashers/?product=Firefox&version=" + version;
  }
  EXPECT_TRUE(linked) << seen["home"].dump();
  // The product page features the same version, and charts its crashes
  // per day beside all of the product's; an unknown product is 404.
  ASSERT_FALSE(seen["productPage"]["versions"].empty()) << seen.dump();
  EXPECT_EQ(seen["productPage"]["versions"][0], version);
  EXPECT_EQ(seen["productPage"]["days"], 14);
  const json& chart = seen["productPage"]["chart"];
  ASSERT_TRUE(chart["canvas"].is_array()) << chart.dump();
  ASSERT_GE(chart["legend"].size(), 3u) << chart.dump();
  EXPECT_EQ(chart["legend"][0], "day");
  EXPECT_EQ(chart["legend"][1], "all");
  EXPECT_EQ(chart["legend"][2], version);
  EXPECT_GT(chart["drawn"][0], 20) << "the line of all crashes is not drawn";
  EXPECT_GT(chart["drawn"][1], 20) << "the version's line is not drawn";
  EXPECT_EQ(testing::StatusOf(testing::RawHttp(
                server.port(),
                "GET /home/product/NoSuchProduct HTTP/1.1\r\nHost: "
                "x\r\nConnection: close\r\n\r\n")),
            404);
  EXPECT_EQ(seen["title"], "Top Crashers for Firefox " + version);
  ASSERT_FALSE(seen["rows"].empty()) << seen.dump();
  EXPECT_EQ(seen["links"], seen["rows"].size());
  EXPECT_EQ(seen["csv"],
            "rank,rank change,percent,percent change,signature,count,win,mac,"
            "lin,installs,is gc,startup,first appearance,bugs");
  EXPECT_EQ(seen["head"][10], "Is GC") << seen["head"].dump();
  EXPECT_EQ(seen["reportType"], "crash");
  // The same question to the API (crashes, not hangs, of parent processes,
  // the last 7 days).
  auto r = http.Get(server.url() +
                    "/api/SuperSearch/?product=Firefox&version=" + version +
                    "&process_type=parent&report_type=crash&date=%3E%3D" +
                    DaysAgo(7) + "&_facets=signature&_results_number=0");
  ASSERT_TRUE(r.ok());
  json want = json::parse(r->body)["facets"]["signature"];
  ASSERT_GE(want.size(), seen["rows"].size());
  for (size_t i = 0; i < std::min<size_t>(5, seen["rows"].size()); ++i) {
    EXPECT_EQ(seen["rows"][i][0], std::to_string(i + 1));
    EXPECT_EQ(seen["rows"][i][1], want[i]["term"]) << i;
    EXPECT_EQ(seen["rows"][i][2], std::to_string(want[i]["count"].get<int>()))
        << i;
  }
  EXPECT_EQ(seen["after"]["days"], "3");
}

// Top Crashers' "Is GC" column and report type filter (Socorro's
// _report_type) over crashes processed here, all of one signature: 4
// crashes, 3 of them while collecting garbage, and 2 hangs (an
// AsyncShutdownTimeout annotation makes report_type "hang"), one of those
// collecting garbage too.
TEST_F(BrowserE2E, TopCrashersCountsGcAndFiltersReportType) {
  ServerProcess server(data_);
  ASSERT_TRUE(server.started());
  auto submit = [&](json annotations) {
    submitter::CrashPayload crash;
    annotations["ProductName"] = "GcProbe";
    annotations["Version"] = "1.0";
    crash.annotations = std::move(annotations);
    crash.dumps.emplace_back("upload_file_minidump", TwoModuleCrash());
    ASSERT_TRUE(submitter::Submitter({server.url()}).Submit(crash).ok());
  };
  for (const char* gc : {"1", "1", "1", "0"})
    submit({{"IsGarbageCollecting", gc}});
  for (const char* gc : {"1", "0"}) {
    submit({{"IsGarbageCollecting", gc},
            {"AsyncShutdownTimeout",
             R"({"phase":"profile-before-change","conditions":[]})"}});
  }
  ASSERT_TRUE(WaitForQueues(server.url()));
  json facets;
  for (int i = 0; i < 100; ++i) {
    facets = SuperSearch(
        server, "product=GcProbe&_results_number=0&_facets=report_type");
    if (facets.is_object() && facets.value("total", 0) == 6) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(facets["facets"]["report_type"],
            json::parse(R"([{"count":4,"term":"crash"},)"
                        R"({"count":2,"term":"hang"}])"))
      << facets.dump();
  json seen = RunScript("topcrashers_filters.mjs",
                        {server.url(), "GcProbe", "1.0"}, dir_.path());
  ASSERT_TRUE(seen.is_object());
  EXPECT_TRUE(seen["errors"].empty()) << seen["errors"].dump();
  const std::string signature = "<img src=x onerror=alert(1)>";
  // [signature, count, is gc] for each report type, chosen in the URL and
  // then in the form.
  const json want = {
      {"any", {{signature, "6", "4"}}},
      {"hang", {{signature, "2", "1"}}},
      {"crash", {{signature, "4", "3"}}},
  };
  for (const auto& [type, rows] : want.items()) {
    EXPECT_EQ(seen[type]["url"], type);
    EXPECT_EQ(seen[type]["chosen"], type);
    EXPECT_EQ(seen[type]["rows"], rows) << type;
  }
  EXPECT_EQ(seen["crash"]["summary"].get<std::string>().rfind("4 crashes", 0),
            0u)
      << seen["crash"]["summary"];
}

// The signature report of the most frequent signature: its summary is the
// API's total, and each tab works by keyboard (with authentication off, the
// page offers the admin's bug form and the comments).
TEST_F(BrowserE2E, SignatureReportTabsByKeyboard) {
  ServerProcess server(data_);
  ASSERT_TRUE(server.started());
  ImportGenerated(server, data_, dir_.path(), 1000);
  json top = SuperSearch(
      server,
      "_facets=signature&_facets_size=1&_results_number=0")["facets"]
                                                           ["signature"][0];
  const std::string signature = top["term"];
  json seen =
      RunScript("signature_page.mjs", {server.url(), signature}, dir_.path());
  ASSERT_TRUE(seen.is_object());
  EXPECT_TRUE(seen["errors"].empty()) << seen["errors"].dump();
  EXPECT_EQ(seen["title"], signature);
  EXPECT_EQ(seen["total"],
            std::to_string(top["count"].get<int>()) + " crashes in the range.");
  EXPECT_EQ(seen["reports"], std::min(50, top["count"].get<int>()));
  // Summary: first and last seen, uptime ranges that cover the crashes
  // with an uptime.
  ASSERT_EQ(seen["seen"].size(), 2u) << seen["seen"];
  EXPECT_EQ(seen["seen"][0][0], "first seen");
  EXPECT_TRUE(seen["seen"][0][1].get<std::string>().starts_with("20"))
      << seen["seen"];
  EXPECT_TRUE(seen["seen"][1][1].get<std::string>().starts_with("20"))
      << seen["seen"];
  ASSERT_EQ(seen["uptimes"].size(), 5u) << seen["uptimes"];
  int with_uptime = 0;
  for (const json& u : seen["uptimes"]) with_uptime += u[1].get<int>();
  EXPECT_GT(with_uptime, 0);
  EXPECT_LE(with_uptime, top["count"].get<int>());
  // The column picker adds a column and keeps it in the URL.
  EXPECT_EQ(seen["columns"]["head"].back(), "uptime") << seen["columns"];
  EXPECT_EQ(seen["columns"]["url"].back(), "uptime") << seen["columns"];
  int aggregated = 0;
  for (const json& a : seen["aggregation"])
    aggregated += std::stoi(a[1].get<std::string>());
  EXPECT_EQ(aggregated, top["count"].get<int>());
  EXPECT_GE(seen["graph"], 1);
  // The graph: "all" and the 5 commonest versions over the range, then
  // platforms once chosen, drawn on the canvas and named as the table is.
  const json& chart = seen["chart"];
  auto top_terms = [&](const std::string& field) {
    json want = json::array({"day", "all"});
    json facet = SuperSearch(
        server, "_results_number=0&_facets_size=5&_facets=" + field +
                    "&date=%3E%3D" + DaysAgo(7) + "&signature=" +
                    base::PercentEncode("=" + signature))["facets"][field];
    for (const json& b : facet) want.push_back(b["term"]);
    return want;
  };
  for (const char* split : {"version", "platform"}) {
    const json& c = chart[split];
    ASSERT_TRUE(c["canvas"].is_array()) << split << ": " << c.dump();
    EXPECT_EQ(c["legend"], top_terms(split)) << split;
    EXPECT_GT(c["drawn"][0], 20) << split << ": " << c.dump();
    EXPECT_GT(c["drawn"][1], 20) << split << ": " << c.dump();
    EXPECT_NE(c["label"].get<std::string>().find(std::string("by ") + split),
              std::string::npos)
        << c["label"];
  }
  EXPECT_NE(chart["version"]["legend"], chart["platform"]["legend"]);
  json head = chart["platformHead"];
  head.erase(head.begin());
  json legend = chart["platform"]["legend"];
  legend.erase(legend.begin());
  EXPECT_EQ(head, legend) << "the table and the chart differ";
  EXPECT_TRUE(chart["focused"]) << "Tab does not reach the chart";
  EXPECT_TRUE(chart["readout"].get<std::string>().starts_with("20"))
      << chart["readout"];
  EXPECT_NE(chart["readout"].get<std::string>().find(": all "),
            std::string::npos)
      << chart["readout"];
  EXPECT_LE(chart["narrow"]["canvas"][0], 340) << chart["narrow"].dump();
  EXPECT_LE(chart["pageWidth"], 360);
  EXPECT_GT(chart["narrow"]["drawn"][1], 10) << chart["narrow"].dump();
  EXPECT_GT(chart["wide"]["canvas"][0], 900) << chart["wide"].dump();
  EXPECT_EQ(seen["bugs"],
            json::array({json::array({"424242", signature, "Remove"})}));
  EXPECT_EQ(seen["bugs_after"], "Removed bug 424242.");
  EXPECT_NE(seen["comments"].get<std::string>().find("with a comment"),
            std::string::npos);
}

// The Super Search page: its counts are the API's, a facet value narrows
// the search, and a filter added in the form is sent with Enter.
TEST_F(BrowserE2E, SuperSearchPageFiltersAndFacets) {
  ServerProcess server(data_);
  ASSERT_TRUE(server.started());
  ImportGenerated(server, data_, dir_.path(), 1000);
  auto ask = [&](const std::string& params) {
    return SuperSearch(server, "_results_number=0&" + params);
  };
  json firefox = ask("product=Firefox&_facets=signature");
  json top = firefox["facets"]["signature"][0];
  json seen = RunScript("search_page.mjs", {server.url()}, dir_.path());
  ASSERT_TRUE(seen.is_object());
  EXPECT_TRUE(seen["errors"].empty()) << seen["errors"].dump();
  EXPECT_EQ(seen["refused"], 1);  // and the page asked again
  EXPECT_EQ(seen["first"]["status"],
            std::to_string(firefox["total"].get<int>()) + " crashes.");
  EXPECT_EQ(seen["first"]["rows"], std::min(50, firefox["total"].get<int>()));
  EXPECT_EQ(seen["narrowed"]["status"],
            std::to_string(top["count"].get<int>()) + " crashes.");
  EXPECT_EQ(seen["narrowed"]["rows"], top["count"]);
  json linux_only =
      ask("product=Firefox&platform=Linux&signature=" +
          base::PercentEncode("=" + top["term"].get<std::string>()));
  EXPECT_EQ(seen["added"]["status"],
            std::to_string(linux_only["total"].get<int>()) + " crashes.");
}

// "New in this build": the version's crashes are the API's, and every
// signature it calls new was first seen in one of the version's builds.
TEST_F(BrowserE2E, NewInThisBuildListsSignaturesFirstSeenInIt) {
  ServerProcess server(data_);
  ASSERT_TRUE(server.started());
  ImportGenerated(server, data_, dir_.path(), 1000);
  httpclient::HttpClient http;
  auto r = http.Get(server.url() +
                    "/api/SuperSearch/?product=Firefox&_facets=version"
                    "&_results_number=0&date=%3E%3D" +
                    DaysAgo(28));
  ASSERT_TRUE(r.ok());
  const std::string version =
      json::parse(r->body)["facets"]["version"][0]["term"];
  r = http.Get(server.url() +
               "/api/SuperSearch/?product=Firefox&version=" + version +
               "&_facets=build_id&_results_number=0&date=%3E%3D" + DaysAgo(28));
  json mine = json::parse(r->body);
  std::set<std::string> builds;
  for (const json& b : mine["facets"]["build_id"])
    builds.insert(std::to_string(b["term"].get<int64_t>()));
  json seen = RunScript("newbuild_page.mjs", {server.url(), "Firefox", version},
                        dir_.path());
  ASSERT_TRUE(seen.is_object());
  EXPECT_TRUE(seen["errors"].empty()) << seen["errors"].dump();
  EXPECT_EQ(seen["compared"].get<std::string>().rfind(
                std::to_string(mine["total"].get<int>()) +
                    " crashes of version " + version,
                0),
            0u)
      << seen["compared"];
  EXPECT_FALSE(seen["fresh"].empty());
  for (const json& f : seen["fresh"])
    EXPECT_TRUE(builds.contains(f[2].get<std::string>())) << f.dump();
  EXPECT_FALSE(seen["risen"].empty());
}

// A signed-in user makes an API token in the browser, uses it, revokes it.
TEST_F(BrowserE2E, TokensPageCreatesUsesAndRevokes) {
  ServerProcess server(data_, {"--auth", "on"});
  ASSERT_TRUE(server.started());
  ASSERT_EQ(testing::RunCrashbox({"user", "add", "ada", "--data-dir", data_},
                                 "correct horse\n")
                .exit_code,
            0);
  ASSERT_EQ(testing::RunCrashbox(
                {"user", "grant", "ada", "Hackers", "--data-dir", data_})
                .exit_code,
            0);
  json seen = RunScript("tokens_page.mjs",
                        {server.url(), "ada", "correct horse"}, dir_.path());
  ASSERT_TRUE(seen.is_object());
  EXPECT_TRUE(seen["errors"].empty()) << seen["errors"].dump();
  EXPECT_EQ(seen["anonymous"], "Sign in to manage your API tokens: sign in.");
  const std::string key = seen["key"];
  EXPECT_EQ(key.size(), 32u);
  ASSERT_EQ(seen["listed"].size(), 1u);
  EXPECT_EQ(seen["listed"][0][1], "view_pii");
  EXPECT_EQ(seen["listed"][0][2], "<b>ci</b> upload");
  EXPECT_EQ(seen["used"]["via"], "token");
  EXPECT_EQ(seen["used"]["permissions"], json::array({"view_pii"}));
  EXPECT_EQ(seen["after_revoke"]["status"], 403);
  EXPECT_EQ(seen["after_revoke"]["error"], "API Token not matched");
  EXPECT_EQ(seen["rows_after"], 0);
  testing::CommandResult audit =
      testing::RunCrashbox({"audit", "--format", "json", "--data-dir", data_});
  EXPECT_NE(audit.out.find("\"token.create\""), std::string::npos);
  EXPECT_NE(audit.out.find("\"token.revoke\""), std::string::npos);
}

// An admin manages users, the status banner and bug associations on
// /siteadmin/ and reads the audit log; hostile text stays text; symbols are
// uploaded with a progress bar and listed; both pages pass axe at 360 and
// 1280 px.
TEST_F(BrowserE2E, AdminAndSymbolsPages) {
  ServerProcess server(data_, {"--auth", "on"});
  ASSERT_TRUE(server.started());
  ASSERT_EQ(testing::RunCrashbox(
                {"user", "add", "ada", "--admin", "--data-dir", data_},
                "correct horse\n")
                .exit_code,
            0);
  fs::path shots = ScreenshotDir(dir_.path());
  json seen = RunScript("admin_page.mjs",
                        {server.url(), shots.string(), "ada", "correct horse"},
                        dir_.path());
  ASSERT_TRUE(seen.is_object());
  EXPECT_TRUE(seen["errors"].empty()) << seen["errors"].dump();
  EXPECT_EQ(seen["anonymous"], "Sign in as an administrator: sign in.");
  EXPECT_NE(seen["bad_name"].get<std::string>().find("a user name is"),
            std::string::npos)
      << seen["bad_name"];
  EXPECT_EQ(seen["users"],
            json::parse(R"([["ada", "yes", ""], ["bob", "no", "Hackers"]])"));
  EXPECT_EQ(seen["banner"]["text"],
            "<script>window.pwned = 1</script> maintenance at 18:00");
  EXPECT_EQ(seen["banner"]["class"], "banner banner-warning");
  EXPECT_TRUE(seen["banner"]["pwned"].is_null());
  EXPECT_EQ(seen["bugs_added"], json::parse(R"([["42", "<b>sig</b> | x"]])"));
  EXPECT_EQ(seen["bugs_after"], 0);
  std::set<std::string> actions;
  for (const json& a : seen["audit"]) actions.insert(a.get<std::string>());
  for (const char* a : {"user.add", "user.update", "status.set"})
    EXPECT_TRUE(actions.contains(a)) << a << " not in " << seen["audit"];
  const json& upload = seen["upload"];
  EXPECT_EQ(upload["label"], "Uploaded demo.sym.");
  EXPECT_EQ(upload["progress"], 100);
  ASSERT_EQ(upload["result"].size(), 1u) << upload;
  EXPECT_EQ(upload["result"][0][1], "added");
  ASSERT_EQ(upload["listed"].size(), 1u) << upload;
  EXPECT_EQ(upload["listed"][0][0], "libdemo.so");
  for (const auto& [path, widths] : seen["axe"].items()) {
    for (const auto& [width, violations] : widths.items())
      EXPECT_TRUE(violations.empty())
          << path << " at " << width << " px: " << violations.dump();
  }
  EXPECT_TRUE(fs::exists(shots / "admin-360.png"));
}

// The API documentation page tries an endpoint through its form and lists
// the search fields, marking the protected ones.
TEST_F(BrowserE2E, ApiDocumentationTriesEndpoints) {
  ServerProcess server(data_, {"--auth", "on"});
  ASSERT_TRUE(server.started());
  json seen = RunScript("apidocs_page.mjs", {server.url()}, dir_.path());
  ASSERT_TRUE(seen.is_object());
  EXPECT_TRUE(seen["errors"].empty()) << seen["errors"].dump();
  EXPECT_GE(seen["endpoints"], 20);
  const std::string answer = seen["answer"];
  EXPECT_EQ(answer.rfind("GET /api/NoOp/?product=Firefox\n200\n", 0), 0u)
      << answer;
  EXPECT_NE(answer.find("\"total\": 0"), std::string::npos) << answer;
  EXPECT_GT(seen["protected"], 5);
}

// The charts' library (npm's uplot, ui-vendor/) is served from the binary
// as the pages ask for it, with the same headers as our own files, and
// /static/ opens no other folder. No browser needed.
TEST(UiAssets, VendorChartLibraryIsServedFromTheBinary) {
  TempDir dir;
  ServerProcess server((dir / "data").string());
  ASSERT_TRUE(server.started());
  httpclient::HttpClient http;
  auto header = [](const httpclient::HttpResponse& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
      if (base::EqualsIgnoreCase(k, name)) return v;
    return std::string();
  };
  fs::path dist = SourceDir() / "ui-vendor/node_modules/uplot/dist";
  for (const auto& [path, file, type] :
       {std::tuple{"/static/vendor/uplot.js", "uPlot.esm.js",
                   "text/javascript; charset=utf-8"},
        std::tuple{"/static/vendor/uplot.css", "uPlot.min.css",
                   "text/css; charset=utf-8"}}) {
    auto r = http.Get(server.url() + path);
    ASSERT_TRUE(r.ok()) << path;
    EXPECT_EQ(r->status, 200) << path;
    EXPECT_EQ(header(*r, "Content-Type"), type) << path;
    EXPECT_NE(header(*r, "Content-Security-Policy").find("script-src 'self'"),
              std::string::npos)
        << path;
    EXPECT_EQ(r->body, testing::ReadFileOrDie(dist / file)) << path;
  }
  auto chart = http.Get(server.url() + "/static/chart.js");
  ASSERT_TRUE(chart.ok());
  EXPECT_NE(chart->body.find("from \"/static/vendor/uplot.js\""),
            std::string::npos);
  for (const char* path :
       {"/static/vendor/", "/static/vendor/x/uplot.js", "/static/other/dom.js",
        "/static/vendor/../dom.js", "/static/vendor/.hidden",
        "/static/vendor/dom.js", "/static/uplot.js"}) {
    int status = testing::StatusOf(testing::RawHttp(
        server.port(), std::string("GET ") + path +
                           " HTTP/1.1\r\nHost: x\r\nConnection: "
                           "close\r\n\r\n"));
    EXPECT_TRUE(status == 404 || status == 400) << path << ": " << status;
  }
}

// Every page at 360 and 1280 px: no serious or critical accessibility
// violation (axe-core, WCAG 2 A and AA), no console error, and a screenshot
// of each kept as a test artifact (build/release/artifacts/screenshots/).
TEST_F(BrowserE2E, EveryPageIsAccessibleAtBothWidths) {
  ServerProcess server(data_);
  ASSERT_TRUE(server.started());
  ImportGenerated(server, data_, dir_.path(), 300);
  submitter::CrashPayload crash;
  crash.annotations = json{{"ProductName", "Firefox"}, {"Version", "128.0"}};
  crash.dumps.emplace_back("upload_file_minidump", TwoModuleCrash());
  auto id = submitter::Submitter({server.url()}).Submit(crash);
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(WaitForQueues(server.url()));
  const std::string signature = SuperSearch(
      server, "_facets=signature&_facets_size=1&_results_number=0")["facets"]
                                                                   ["signature"]
                                                                   [0]["term"];
  fs::path shots = ScreenshotDir(dir_.path());
  json seen = RunScript(
      "accessibility.mjs",
      {server.url(), shots.string(), *id, signature, "Firefox"}, dir_.path());
  ASSERT_TRUE(seen.is_object());
  EXPECT_TRUE(seen["errors"].empty()) << seen["errors"].dump();
  ASSERT_EQ(seen["pages"].size(), 13u);  // the signature report twice
  for (const auto& [path, widths] : seen["pages"].items()) {
    for (const auto& [width, violations] : widths.items())
      EXPECT_TRUE(violations.empty())
          << path << " at " << width << " px: " << violations.dump();
  }
  EXPECT_TRUE(fs::exists(shots / "report-360.png"));
  EXPECT_TRUE(fs::exists(shots / "topcrashers-1280.png"));
  EXPECT_TRUE(fs::exists(shots / "signature-graphs-360.png"));
  EXPECT_TRUE(fs::exists(shots / "product-360.png"));
}

}  // namespace
}  // namespace crashbox
