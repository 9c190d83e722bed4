// SPDX-License-Identifier: MPL-2.0
// The executor's aggregations: facets, nested aggs, histograms,
// cardinality, and their shapes in the response.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "app/search/execute_test_util.h"

namespace crashbox::search::testing {
namespace {

class Aggs : public ExecuteTest {
 protected:
  void SetUp() override {
    ExecuteTest::SetUp();
    // 3 × A (Linux, Linux, Windows NT), 2 × B (Mac), 1 × C (Linux), 1 none.
    Add("1", {{"signature", "A"}, {"uptime", 5}, {"startup_crash", true}});
    Add("2", {{"signature", "A"}, {"uptime", 15}, {"startup_crash", false}});
    Add("3", {{"signature", "A"},
              {"os_name", "Windows NT"},
              {"uptime", 25},
              {"date_processed", IsoAt(kNow - 2 * 86400)}});
    Add("4", {{"signature", "B"},
              {"os_name", "Mac OS X"},
              {"uptime", -5},
              {"modules_in_stack", "libxul.so;libc.so"}});
    Add("5", {{"signature", "B"},
              {"os_name", "Mac OS X"},
              {"modules_in_stack", "LIBXUL.so;libxul.so"}});
    Add("6", {{"signature", "C"}, {"startup_crash", true}});
    Add("7", {{"signature", nullptr}, {"os_name", nullptr}});
  }
};

TEST_F(Aggs, TermsByCountThenTerm) {
  json r = Search({{"_facets", "signature"}, {"_facets", "platform"}});
  EXPECT_EQ(r["facets"]["signature"],
            json::parse(R"([{"term":"A","count":3},{"term":"B","count":2},
                            {"term":"C","count":1}])"));
  EXPECT_EQ(r["facets"]["platform"], json::parse(R"([{"term":"Linux","count":3},
                            {"term":"Mac OS X","count":2},
                            {"term":"Windows NT","count":1}])"));
  EXPECT_EQ(r["total"], 7);
}

TEST_F(Aggs, FacetsSizeCutsEveryList) {
  json r = Search({{"_facets", "signature"}, {"_facets_size", "2"}});
  EXPECT_EQ(r["facets"]["signature"].size(), 2u);
  EXPECT_EQ(r["facets"]["signature"][1]["term"], "B");
  // 0: no aggregation at all.
  EXPECT_EQ(Search({{"_facets_size", "0"}})["facets"], json::object());
}

TEST_F(Aggs, DefaultFacetIsSignature) {
  json r = Search({});
  ASSERT_TRUE(r["facets"].contains("signature"));
  EXPECT_EQ(r["facets"].size(), 1u);
}

TEST_F(Aggs, BoolTermsAreTF) {
  json r = Search({{"_facets", "startup_crash"}});
  EXPECT_EQ(r["facets"]["startup_crash"],
            json::parse(R"([{"term":"T","count":2},{"term":"F","count":1}])"));
}

TEST_F(Aggs, SemicolonTermsAreTokensCountedOncePerCrash) {
  json r = Search({{"_facets", "modules_in_stack"}});
  EXPECT_EQ(r["facets"]["modules_in_stack"],
            json::parse(R"([{"term":"libxul.so","count":2},
                            {"term":"libc.so","count":1}])"));
}

TEST_F(Aggs, NestedAggsPutSubsInTheInnermostBucket) {
  json r = Search({{"_aggs.signature.platform", "_cardinality.uptime"},
                   {"_aggs.signature.platform", "startup_crash"}});
  const json& a = r["facets"]["signature"][0];
  EXPECT_EQ(a["term"], "A");
  EXPECT_EQ(a["count"], 3);
  EXPECT_EQ(a["facets"]["platform"], json::parse(R"([
              {"term":"Linux","count":2,"facets":{
                 "cardinality_uptime":{"value":2},
                 "startup_crash":[{"term":"F","count":1},
                                  {"term":"T","count":1}]}},
              {"term":"Windows NT","count":1,"facets":{
                 "cardinality_uptime":{"value":1},
                 "startup_crash":[]}}])"));
}

TEST_F(Aggs, AggsOfAFacetsNameReplaceTheFacet) {
  json r = Search({{"_facets", "signature"}, {"_aggs.signature", "platform"}});
  ASSERT_EQ(r["facets"].size(), 1u);
  EXPECT_TRUE(r["facets"]["signature"][0].contains("facets"));
  EXPECT_EQ(r["total"], 7);
}

TEST_F(Aggs, OneLevelAggsWithSubs) {
  json r = Search({{"_aggs.platform", "signature"}});
  EXPECT_EQ(r["facets"]["platform"][1],
            json::parse(R"({"term":"Mac OS X","count":2,"facets":{
                              "signature":[{"term":"B","count":2}]}})"));
}

TEST_F(Aggs, NumberHistogramFloorsToTheInterval) {
  json r = Search({{"_histogram.uptime", "signature"},
                   {"_histogram_interval.uptime", "10"}});
  EXPECT_EQ(r["facets"]["histogram_uptime"], json::parse(R"([
              {"term":-10,"count":1,"facets":{"signature":[{"term":"B","count":1}]}},
              {"term":0,"count":1,"facets":{"signature":[{"term":"A","count":1}]}},
              {"term":10,"count":1,"facets":{"signature":[{"term":"A","count":1}]}},
              {"term":20,"count":1,"facets":{"signature":[{"term":"A","count":1}]}}])"));
}

TEST_F(Aggs, DateHistogramByDayAndWeek) {
  json r = Search({{"_facets", "_histogram.date"}});
  EXPECT_EQ(r["facets"]["histogram_date"],
            json::parse(R"([{"term":"2024-05-05T00:00:00+00:00","count":1},
                            {"term":"2024-05-07T00:00:00+00:00","count":6}])"));
  r = Search({{"_histogram.date", ""}, {"_histogram_interval.date", "week"}});
  // 2024-05-07 is a Tuesday, 05-05 a Sunday: weeks start on Monday.
  EXPECT_EQ(r["facets"]["histogram_date"],
            json::parse(R"([{"term":"2024-04-29T00:00:00+00:00","count":1},
                            {"term":"2024-05-06T00:00:00+00:00","count":6}])"));
  r = Search({{"_histogram.date", ""}, {"_histogram_interval.date", "1M"}});
  EXPECT_EQ(r["facets"]["histogram_date"],
            json::parse(R"([{"term":"2024-05-01T00:00:00+00:00","count":7}])"));
  r = Search({{"_histogram.date", ""}, {"_histogram_interval.date", "hour"}});
  EXPECT_EQ(r["facets"]["histogram_date"][1]["term"],
            "2024-05-07T11:00:00+00:00");
}

TEST_F(Aggs, TotalFromADateHistogramIsTheCount) {
  json r = Search({{"_facets", "_histogram.date"}, {"platform", "linux"}});
  EXPECT_EQ(r["total"], 3);
  r = Search({{"_histogram.date", "signature"}});
  EXPECT_EQ(r["total"], 7);
  EXPECT_EQ(r["facets"]["histogram_date"][1]["count"], 6);
}

TEST_F(ExecuteTest, DateHistogramEdgesAgreeWithAndWithoutSubs) {
  const int64_t may6 = kNow - 12 * 3600 - 86400;  // 2024-05-06T00:00:00Z
  Add("edge", {{"date_processed", IsoAt(may6)}});
  Add("before", {{"date_processed", IsoAt(may6 - 1, 999999)}});
  Add("from", {{"date_processed", IsoAt(may6 - 86400 + 3600)}});
  for (const char* from : {">=", ">"}) {
    for (const char* to : {"<=", "<"}) {
      Params p = {{"date", std::string(from) + IsoAt(may6 - 86400 + 3600)},
                  {"date", std::string(to) + IsoAt(may6)}};
      Params counted = p, grouped = p;
      counted.emplace_back("_histogram.date", "");
      grouped.emplace_back("_histogram.date", "product");
      json a = Search(counted)["facets"]["histogram_date"];
      json b = Search(grouped)["facets"]["histogram_date"];
      for (json& bucket : b) bucket.erase("facets");
      EXPECT_EQ(a, b) << from << to;
      int64_t sum = 0;
      for (const json& bucket : a) sum += bucket["count"].get<int64_t>();
      EXPECT_EQ(sum, (from[1] == '=' ? 2 : 1) + (to[1] == '=' ? 1 : 0))
          << from << to << a;
    }
  }
}

// Whole days come from daily_counts or signature_counts (execute_internal.h,
// Rollup), whole hours of the other days from hourly_counts, the rest from
// crash rows: every facet, histogram and total
// must be what the crash rows alone give, at any bounds, with absent values
// and after reprocessing. `uptime=7` matches every crash here and names a
// column no rollup has, so it turns them off.
TEST_F(ExecuteTest, RollupsAgreeWithCrashRows) {
  const int64_t midnight = kNow - 12 * 3600;  // 2024-05-07T00:00:00Z
  const char* products[] = {"Firefox", "Fenix", nullptr};
  const char* versions[] = {"128.0", "129.0b1", nullptr};
  const char* platforms[] = {"Linux", "Windows NT", nullptr};
  const char* types[] = {"parent", "content", nullptr};
  const char* signatures[] = {"A", "B | c", nullptr};
  uint64_t seed = 12345;
  auto next = [&](uint64_t n) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (seed >> 33) % n;
  };
  auto value = [](const char* v) { return v ? json(v) : json(nullptr); };
  auto add = [&](const std::string& id) {
    // Ten days back, some crashes exactly on a midnight.
    int64_t at = midnight - static_cast<int64_t>(next(10)) * 86400 +
                 (next(4) == 0 ? 0 : static_cast<int64_t>(next(86400)));
    Add(id, {{"product", value(products[next(3)])},
             {"version", value(versions[next(3)])},
             {"os_name", value(platforms[next(3)])},
             {"process_type", value(types[next(3)])},
             {"signature", value(signatures[next(3)])},
             {"uptime", 7},
             {"date_processed", IsoAt(at, next(2) ? 0 : 500000)}});
  };
  for (int i = 0; i < 300; ++i) add(fmt::format("c{:03}", i));
  for (int i = 0; i < 300; i += 7) add(fmt::format("c{:03}", i));  // again
  const Params aggs = {
      {"_facets", "product"},       {"_facets", "platform"},
      {"_facets", "process_type"},  {"_histogram.date", "version"},
      {"_aggs.product", "version"}, {"_aggs.product.platform", "process_type"},
      {"_facets", "signature"},     {"_aggs.signature", "platform"}};
  const std::vector<Params> filters = {
      {},
      {{"product", "Firefox"}},
      {{"product", "__null__"}, {"platform", "!Linux"}},
      {{"version", "128.0"}, {"process_type", "!content"}},
      {{"product", "=Fenix"}, {"product", "=Firefox"}},
      {{"product", "Firefox"}, {"version", "128.0"}},
      {{"product", "Firefox"}, {"version", "128.0"}, {"signature", "~B"}},
      {{"product", "Fenix"}, {"signature", "__null__"}, {"version", "129.0b1"}},
      {{"product", "Firefox"}, {"signature", "A"}},  // no version: crashes
  };
  const std::vector<Params> ranges = {
      {},  // the default: the last 7 days from now
      {{"date", ">=" + IsoAt(midnight - 5 * 86400)},
       {"date", "<" + IsoAt(midnight)}},
      {{"date", ">" + IsoAt(midnight - 5 * 86400)},
       {"date", "<=" + IsoAt(midnight)}},
      {{"date", ">=" + IsoAt(midnight - 8 * 86400 + 7)},
       {"date", "<" + IsoAt(midnight - 86400 + 5, 250000)}},
      {{"date", ">=" + IsoAt(midnight - 2 * 86400 + 1)},
       {"date", "<=" + IsoAt(midnight - 86400 - 1)}},  // no whole day
  };
  int daily = 0, hourly = 0, by_signature = 0;
  for (const Params& f : filters) {
    for (const Params& r : ranges) {
      Params p = f;
      p.insert(p.end(), r.begin(), r.end());
      p.insert(p.end(), aggs.begin(), aggs.end());
      Params rows = p;
      rows.emplace_back("uptime", "7");
      json a = Search(p), b = Search(rows);
      EXPECT_EQ(a["total"], b["total"]) << a["total"] << " " << b["total"];
      EXPECT_EQ(a["facets"], b["facets"]);
      Params shown = p;
      shown.emplace_back("_return_query", "true");
      std::string sql = Search(shown)["query"].dump();
      daily += sql.find("daily_counts") != std::string::npos;
      hourly += sql.find("hourly_counts") != std::string::npos;
      by_signature += sql.find("signature_counts") != std::string::npos;
      // The total alone (no aggregation) as well.
      p.emplace_back("_facets_size", "0");
      rows.emplace_back("_facets_size", "0");
      EXPECT_EQ(Search(p)["total"], Search(rows)["total"]);
    }
  }
  // Every range but the one without a whole day; hourly_counts for every
  // range but the one of whole days; signature_counts for the filters on a
  // product and a version.
  EXPECT_EQ(daily, 24);
  EXPECT_EQ(hourly, 24);
  EXPECT_EQ(by_signature, 12);
}

TEST_F(Aggs, Cardinality) {
  json r = Search({{"_facets", "_cardinality.signature"},
                   {"_facets", "_cardinality.modules_in_stack"}});
  EXPECT_EQ(r["facets"]["cardinality_signature"], (json{{"value", 3}}));
  EXPECT_EQ(r["facets"]["cardinality_modules_in_stack"], (json{{"value", 2}}));
}

TEST_F(Aggs, FacetsFollowTheFilters) {
  json r = Search({{"platform", "linux"}, {"_facets", "signature"}});
  EXPECT_EQ(r["facets"]["signature"],
            json::parse(R"([{"term":"A","count":2},{"term":"C","count":1}])"));
}

TEST_F(Aggs, TooManyBucketsIsRefused) {
  RunOptions o;
  o.max_group_rows = 2;
  Result<json> r =
      Try({{"_facets", "_histogram.uptime"}}, Audience::kUnredacted, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "Trying to create too many buckets. Must be less than or equal "
            "to: [10000].");
}

}  // namespace
}  // namespace crashbox::search::testing
