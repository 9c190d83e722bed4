// SPDX-License-Identifier: MPL-2.0
// Super Search end to end: crashes submitted to the real binary are indexed
// by the server, found through /api/SuperSearch/ and `crashbox search`, move
// when reprocessed, and a damaged index is rebuilt at start. Protected
// fields cannot be seen or probed through the public endpoint.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/base/iso_time.h"
#include "app/base/strings.h"
#include "app/httpclient/http_client.h"
#include "app/submitter/submitter.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/temp_dir.h"

namespace crashbox {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Answer {
  long status = 0;
  json body;
};

Answer Get(const std::string& base, const std::string& path,
           const std::vector<std::pair<std::string, std::string>>& params) {
  std::string url = base + path;
  char sep = '?';
  for (const auto& [k, v] : params) {
    url += sep + base::PercentEncode(k) + "=" + base::PercentEncode(v);
    sep = '&';
  }
  httpclient::HttpClient http;
  auto r = http.Get(url);
  if (!r.ok()) return {};
  return {r->status, json::parse(r->body, nullptr, false)};
}

Answer Search(const std::string& base,
              const std::vector<std::pair<std::string, std::string>>& params) {
  return Get(base, "/api/SuperSearch/", params);
}

// Waits until the public search sees `n` crashes (processed and indexed).
bool WaitForTotal(
    const std::string& base, int64_t n,
    const std::vector<std::pair<std::string, std::string>>& params = {
        {"_results_number", "0"}}) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    Answer a = Search(base, params);
    if (a.status == 200 && a.body["total"] == n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string Submit(const std::string& base, const json& annotations) {
  submitter::CrashPayload p;
  p.annotations = annotations;
  p.dumps.emplace_back("upload_file_minidump", std::string(100, 'z'));
  auto id = submitter::Submitter({base}).Submit(p);
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return id.ok() ? id.value() : "";
}

class SearchE2E : public ::testing::Test {
 protected:
  // Three crashes: two Firefox betas on Linux with a URL, one of a product
  // no product-details file names.
  void SubmitThree(const std::string& base) {
    ids_.push_back(Submit(base, {{"ProductName", "Firefox"},
                                 {"Version", "128.0b2"},
                                 {"BuildID", "20240601000000"},
                                 {"URL", "https://secret.example/a"},
                                 {"ReleaseChannel", "beta"}}));
    ids_.push_back(Submit(base, {{"ProductName", "Firefox"},
                                 {"Version", "128.0b3"},
                                 {"BuildID", "20240608000000"},
                                 {"URL", "https://secret.example/b"},
                                 {"ReleaseChannel", "beta"}}));
    ids_.push_back(Submit(base, {{"ProductName", "InHouseApp"},
                                 {"Version", "2.1"},
                                 {"ipc_channel_error", "ShutDownKill"}}));
  }
  testing::TempDir dir_;
  std::string data_ = (dir_ / "var").string();
  std::vector<std::string> ids_;
};

TEST_F(SearchE2E, SubmittedCrashesAreFoundFilteredFacetedAndPaged) {
  testing::ServerProcess server(data_);
  ASSERT_TRUE(server.started());
  SubmitThree(server.url());
  ASSERT_TRUE(WaitForTotal(server.url(), 3)) << "crashes never indexed";

  Answer a = Search(server.url(), {{"product", "Firefox"}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["total"], 2);
  ASSERT_EQ(a.body["hits"].size(), 2u);
  for (const json& hit : a.body["hits"]) {
    EXPECT_EQ(hit["product"], "Firefox");
    for (const char* c : {"uuid", "date", "signature", "product", "version"})
      EXPECT_TRUE(hit.contains(c)) << c;
  }
  EXPECT_TRUE(a.body["errors"].is_array());
  // Socorro's default facet is the signature.
  EXPECT_TRUE(a.body["facets"].contains("signature")) << a.body["facets"];

  // The beta rule: "128.0b" is every 128 beta.
  a = Search(server.url(), {{"version", "128.0b"}, {"_results_number", "0"}});
  EXPECT_EQ(a.body["total"], 2) << a.body;
  a = Search(server.url(), {{"version", "128.0b3"}, {"_columns", "build_id"}});
  ASSERT_EQ(a.body["hits"].size(), 1u) << a.body;
  EXPECT_EQ(a.body["hits"][0]["build_id"], 20240608000000);

  // A product with crashes is valid without a product-details file; one
  // with neither is Socorro's 400.
  a = Search(server.url(), {{"product", "InHouseApp"}});
  EXPECT_EQ(a.body["total"], 1) << a.body;
  a = Search(server.url(), {{"product", "Nope"}, {"product", "Zilch"}});
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["error"],
            "Bad request: BadArgumentError: Bad value for parameter(s) 'Not "
            "valid products: Nope, Zilch'");

  // Facets, sort, paging.
  a = Search(server.url(), {{"_facets", "product"},
                            {"_results_number", "1"},
                            {"_sort", "-build_id"},
                            {"_columns", "version"}});
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body["total"], 3);
  ASSERT_EQ(a.body["hits"].size(), 1u);
  EXPECT_EQ(a.body["hits"][0]["version"], "128.0b3");
  json products = a.body["facets"]["product"];
  ASSERT_EQ(products.size(), 2u) << products;
  EXPECT_EQ(products[0], (json{{"term", "Firefox"}, {"count", 2}}));
  EXPECT_EQ(products[1], (json{{"term", "InHouseApp"}, {"count", 1}}));
  a = Search(server.url(), {{"_results_offset", "2"}, {"_facets_size", "0"}});
  EXPECT_EQ(a.body["hits"].size(), 1u);

  // Socorro's 400s, word for word.
  a = Search(server.url(), {{"_columns", "no_such_field"}});
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.body["error"],
            "Bad request: BadArgumentError: Unknown field 'no_such_field'");
  a = Search(server.url(), {{"date", ">=2020-01-01"}, {"date", "<2022-01-01"}});
  EXPECT_EQ(a.body["error"],
            "Bad request: BadArgumentError: Date range is bigger than 365 "
            "days");
  a = Search(server.url(), {{"_results_number", "1001"}});
  EXPECT_EQ(a.status, 400);
  EXPECT_NE(a.body.dump().find("_results_number"), std::string::npos);
}

// Hostile parameters get a clear answer, a 400 with Socorro's form of
// message or a result, always a valid JSON body (invalid UTF-8 is echoed as
// U+FFFD), and the server keeps answering.
TEST_F(SearchE2E, HostileParametersGetClearAnswers) {
  testing::ServerProcess server(data_);
  ASSERT_TRUE(server.started());
  SubmitThree(server.url());
  ASSERT_TRUE(WaitForTotal(server.url(), 3));
  struct Probe {
    std::vector<std::pair<std::string, std::string>> params;
    long status;
    std::string says;
  };
  const std::string bad = "\xFF\xFE";
  const std::string replaced = "\xEF\xBF\xBD\xEF\xBF\xBD";
  const std::vector<Probe> probes = {
      {{{"product", bad}}, 400, "Not valid products: " + replaced},
      {{{"_columns", bad}}, 400, "Unknown field '" + replaced},
      {{{"signature", "~" + bad + "ab"}}, 200, "\"total\":0"},
      {{{"date", ">=" + bad}}, 400, "not a valid datetime"},
      {{{"_aggs.product.version.platform.signature", "process_type"}},
       400,
       "at most 3 nested fields"},
      {{{"_histogram.date", "product"}, {"_histogram_interval.date", "0"}},
       400,
       "_histogram_interval.date"},
      {{{"signature", "@(a+)+b"}}, 200, "\"total\":0"},  // RE2: linear time
      {{{"signature", "@("}}, 400, "not a valid regex"},
      {{{"signature", std::string(5000, 'a')}}, 200, "\"total\":0"},
      {{{"_results_number", "-1"}}, 400, "cannot be negative"},
      {{{"_facets_size", "abc"}}, 400, "not a valid int"},
      {std::vector<std::pair<std::string, std::string>>(1001, {"version", "1"}),
       400, "too many parameters: 1001, at most 1000"},
  };
  for (const Probe& p : probes) {
    Answer a = Search(server.url(), p.params);
    EXPECT_EQ(a.status, p.status) << p.params[0].first << ": " << a.body;
    ASSERT_FALSE(a.body.is_discarded()) << p.params[0].first << ": not JSON";
    EXPECT_NE(
        a.body.dump(-1, ' ', false, json::error_handler_t::strict).find(p.says),
        std::string::npos)
        << p.params[0].first << ": " << a.body;
  }
  // A request line past the server's header limit is refused before any
  // search runs.
  Answer big = Search(server.url(), {{"signature", std::string(20000, 'a')}});
  EXPECT_EQ(big.status, 414);
  Answer a = Search(server.url(), {{"product", "Firefox"}});
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body["total"], 2);
}

// Protected fields (url here) can be neither read nor probed through the
// public endpoint, whichever parameter names them; the unredacted endpoint
// (loopback only until accounts exist) sees them.
TEST_F(SearchE2E, ProtectedFieldsNeverReachThePublicEndpoint) {
  testing::ServerProcess server(data_);
  ASSERT_TRUE(server.started());
  SubmitThree(server.url());
  ASSERT_TRUE(WaitForTotal(server.url(), 3));

  const std::vector<std::vector<std::pair<std::string, std::string>>> probes = {
      {{"_columns", "url"}},
      {{"url", "~secret"}},
      {{"url", "__null__"}},
      {{"url", "!__null__"}},
      {{"_sort", "url"}},
      {{"_facets", "url"}},
      {{"_aggs.product", "url"}},
      {{"_aggs.url", "product"}},
      {{"_cardinality.url", "1"}, {"_facets", "_cardinality.url"}},
      {{"_facets", "_cardinality.url"}},
  };
  Answer baseline = Search(server.url(), {});
  ASSERT_EQ(baseline.status, 200);
  for (const auto& probe : probes) {
    Answer a = Search(server.url(), probe);
    std::string text = a.body.dump();
    EXPECT_EQ(text.find("secret.example"), std::string::npos) << text;
    if (a.status == 200) {
      // The filter was dropped, not applied: the same crashes come back.
      EXPECT_EQ(a.body["total"], 3) << probe[0].first << "=" << probe[0].second;
      EXPECT_FALSE(a.body["facets"].contains("url"));
      EXPECT_FALSE(a.body["facets"].contains("cardinality_url"));
    } else {
      // An error must not tell the field exists with values.
      EXPECT_EQ(a.status, 400) << text;
    }
  }

  Answer u = Get(server.url(), "/api/SuperSearchUnredacted/",
                 {{"url", "~secret.example/b"}, {"_columns", "url"}});
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(u.body["total"], 1);
  EXPECT_EQ(u.body["hits"][0]["url"], "https://secret.example/b");
}

// A reprocessed crash moves to its new signature in hits and facets.
TEST_F(SearchE2E, AReprocessedCrashMovesToItsNewSignature) {
  std::string before;
  {
    testing::ServerProcess server(data_);
    ASSERT_TRUE(server.started());
    SubmitThree(server.url());
    ASSERT_TRUE(WaitForTotal(server.url(), 3));
    Answer a = Search(server.url(), {{"product", "InHouseApp"}});
    ASSERT_EQ(a.body["hits"].size(), 1u);
    before = a.body["hits"][0]["signature"];
  }
  // With Mozilla's rules the IPC channel error makes the signature.
  testing::ServerProcess server(data_, {"--mozilla-signature-rules"});
  ASSERT_TRUE(server.started());
  httpclient::HttpClient http;
  auto r =
      http.Post(server.url() + "/api/Reprocessing/", "crash_ids=" + ids_[2],
                {"Content-Type: application/x-www-form-urlencoded"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  ASSERT_TRUE(WaitForTotal(server.url(), 1,
                           {{"signature", "=IPCError-content | ShutDownKill"},
                            {"_results_number", "0"}}))
      << Search(server.url(), {{"_facets", "signature"}}).body;
  EXPECT_NE(before, "IPCError-content | ShutDownKill");
  Answer a = Search(server.url(), {{"_facets", "signature"}});
  EXPECT_EQ(a.body["total"], 3);
  int64_t counted = 0;
  for (const json& b : a.body["facets"]["signature"]) {
    if (b["term"] == "IPCError-content | ShutDownKill") {
      EXPECT_EQ(b["count"], 1);
    }
    if (b["term"] == before) counted += b["count"].get<int64_t>();
  }
  EXPECT_EQ(counted, 2) << a.body["facets"];  // the two Firefox crashes
}

// Answers are kept until the index changes: asked again, the same search
// (parameters in any order) is a cache hit; a new crash, or a reprocessed
// one, makes every kept answer stale at once; `Cache-Control: no-cache`
// always computes afresh.
TEST_F(SearchE2E, KeptAnswersLastOnlyUntilTheIndexChanges) {
  testing::ServerProcess server(data_);
  ASSERT_TRUE(server.started());
  SubmitThree(server.url());
  ASSERT_TRUE(WaitForTotal(server.url(), 3));
  // Explicit dates: a default range ends "now" and is never asked twice.
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string from =
      "date=%3E%3D" +
      base::IsoTimestampSeconds(now - 100 * 86400).substr(0, 10);
  const std::string to =
      "date=%3C" + base::IsoTimestampSeconds(now + 100 * 86400).substr(0, 10);
  const std::string query = "/api/SuperSearch/?" + from + "&" + to +
                            "&_facets=product&_results_number=0";
  const std::string reordered =
      "/api/SuperSearch/?_results_number=0&" + to + "&_facets=product&" + from;
  httpclient::HttpClient http;
  auto ask = [&](const std::string& path, std::vector<std::string> headers = {})
      -> std::pair<std::string, json> {
    auto r = http.Get(server.url() + path, headers);
    EXPECT_TRUE(r.ok());
    if (!r.ok()) return {};
    EXPECT_EQ(r->status, 200) << r->body;
    std::string cache;
    for (const auto& [k, v] : r->headers) {
      if (base::ToLower(k) == "x-crashbox-cache") cache = v;
    }
    return {cache, json::parse(r->body, nullptr, false)};
  };
  auto [first, body] = ask(query);
  EXPECT_EQ(first, "miss");
  EXPECT_EQ(body["total"], 3);
  auto [second, again] = ask(reordered);
  EXPECT_EQ(second, "hit");
  EXPECT_EQ(again, body);
  EXPECT_EQ(ask(query, {"Cache-Control: no-cache"}).first, "miss");
  // A range ending "now" (the default one, or a lower bound alone) is kept
  // too, for a short while.
  const std::string moving = "/api/SuperSearch/?_facets=product";
  EXPECT_EQ(ask(moving).first, "miss");
  EXPECT_EQ(ask(moving).first, "hit");
  EXPECT_EQ(ask("/api/SuperSearch/?_facets=product&" + from).first, "miss");
  EXPECT_EQ(ask("/api/SuperSearch/?_facets=product&" + from).first, "hit");

  // One more crash: the kept answer is not served again.
  Submit(server.url(), {{"ProductName", "InHouseApp"}, {"Version", "2.2"}});
  ASSERT_TRUE(WaitForTotal(server.url(), 4));
  EXPECT_EQ(ask(moving).first, "miss");
  auto [after, fresh] = ask(query);
  EXPECT_EQ(after, "miss");
  EXPECT_EQ(fresh["total"], 4);
  EXPECT_EQ(fresh["facets"]["product"],
            json::parse(R"([{"term": "Firefox", "count": 2},
                            {"term": "InHouseApp", "count": 2}])"));
  EXPECT_EQ(ask(query).first, "hit");

  // Reprocessing changes no count here, yet the index changed: stale too.
  auto r =
      http.Post(server.url() + "/api/Reprocessing/", "crash_ids=" + ids_[0],
                {"Content-Type: application/x-www-form-urlencoded"});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->status, 200) << r->body;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::string state = "hit";
  while (state == "hit" && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    state = ask(query).first;
  }
  EXPECT_EQ(state, "miss") << "a kept answer outlived a reprocessed crash";
}

// The command line reads the local index beside the running server, or
// asks a server; the same crashes either way.
TEST_F(SearchE2E, CommandLineSearchLocalAndRemote) {
  testing::ServerProcess server(data_);
  ASSERT_TRUE(server.started());
  SubmitThree(server.url());
  ASSERT_TRUE(WaitForTotal(server.url(), 3));

  testing::CommandResult local =
      testing::RunCrashbox({"search", "--data-dir", data_, "--format", "json",
                            "--product", "Firefox", "--_facets", "version"});
  ASSERT_EQ(local.exit_code, 0) << local.err;
  json l = json::parse(local.out);
  EXPECT_EQ(l["total"], 2);
  EXPECT_EQ(l["facets"]["version"].size(), 2u);

  testing::CommandResult remote =
      testing::RunCrashbox({"search", "--url", server.url(), "--format", "json",
                            "--product", "Firefox", "--_facets=version"});
  ASSERT_EQ(remote.exit_code, 0) << remote.err;
  json rj = json::parse(remote.out);
  EXPECT_EQ(rj["total"], l["total"]);
  EXPECT_EQ(rj["facets"], l["facets"]);

  testing::CommandResult table =
      testing::RunCrashbox({"search", "--data-dir", data_, "--_sort=-version",
                            "--_facets", "product"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("3 crashes"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("InHouseApp"), std::string::npos) << table.out;

  testing::CommandResult csv =
      testing::RunCrashbox({"search", "--data-dir", data_, "--format", "csv",
                            "--_columns", "version", "--_sort", "version"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  EXPECT_EQ(csv.out, "version\r\n128.0b2\r\n128.0b3\r\n2.1\r\n");

  testing::CommandResult bad = testing::RunCrashbox(
      {"search", "--data-dir", data_, "--product", "Nope"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("Not valid products: Nope"), std::string::npos)
      << bad.err;
}

// A damaged or deleted index is rebuilt from the store at start, with a log
// line; `crashbox reindex` rebuilds it on demand.
TEST_F(SearchE2E, DamagedOrDeletedIndexIsRebuiltFromTheStore) {
  {
    testing::ServerProcess server(data_);
    ASSERT_TRUE(server.started());
    SubmitThree(server.url());
    ASSERT_TRUE(WaitForTotal(server.url(), 3));
  }
  fs::path index = fs::path(data_) / "search.sqlite";
  ASSERT_TRUE(fs::exists(index));
  fs::remove(index.string() + "-wal");
  fs::remove(index.string() + "-shm");
  { std::ofstream(index, std::ios::trunc) << std::string(4096, '\x7f'); }
  std::string log = (dir_ / "server.log").string();
  {
    testing::ServerProcess server(data_, {}, log);
    ASSERT_TRUE(server.started());
    EXPECT_TRUE(WaitForTotal(server.url(), 3));
  }
  std::stringstream text;
  text << std::ifstream(log).rdbuf();
  EXPECT_NE(text.str().find("rebuilding it from the crash store"),
            std::string::npos)
      << text.str();

  fs::remove(index);
  {
    testing::ServerProcess server(data_);
    ASSERT_TRUE(server.started());
    EXPECT_TRUE(WaitForTotal(server.url(), 3));

    // reindex needs the data directory to itself.
    testing::CommandResult busy =
        testing::RunCrashbox({"reindex", "--data-dir", data_});
    EXPECT_EQ(busy.exit_code, 3) << busy.err;
  }
  testing::CommandResult re =
      testing::RunCrashbox({"reindex", "--data-dir", data_});
  ASSERT_EQ(re.exit_code, 0) << re.err;
  EXPECT_NE(re.out.find("indexed 3 crashes"), std::string::npos) << re.out;
  testing::CommandResult after =
      testing::RunCrashbox({"search", "--data-dir", data_, "--format", "json"});
  EXPECT_EQ(json::parse(after.out)["total"], 3) << after.err;
}

}  // namespace
}  // namespace crashbox
