// SPDX-License-Identifier: MPL-2.0
// The executor: filters (every operator and its negation per type, the
// combination logic), hits, sort and paging, return_query, the time limit,
// and protected fields. Aggregations are in execute_aggs_test.cc.
#include "app/search/execute.h"

#include <gtest/gtest.h>

#include "app/search/execute_test_util.h"

namespace crashbox::search::testing {
namespace {

class TextFilters : public ExecuteTest {
 protected:
  void SetUp() override {
    ExecuteTest::SetUp();
    Add("a", {{"signature", "OOM | small"}});
    Add("b", {{"signature", "js::GC::Collect"}});
    Add("c", {{"signature", "oom | large [@ foo]"}});
    Add("d", {{"signature", nullptr}});
  }
};

TEST_F(TextFilters, MatchIsAnyWordCaseInsensitive) {
  EXPECT_EQ(Ids({{"signature", "oom"}}), (IdList{"a", "c"}));
  EXPECT_EQ(Ids({{"signature", "SMALL collect"}}), (IdList{"a", "b"}));
  EXPECT_EQ(Ids({{"signature", "sma"}}), IdList{});  // words, not substrings
  EXPECT_EQ(Ids({{"signature", "!oom"}}), (IdList{"b", "d"}));
}

TEST_F(TextFilters, IsIsTheWholeValueCaseSensitive) {
  EXPECT_EQ(Ids({{"signature", "=OOM | small"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"signature", "=oom | small"}}), IdList{});
  EXPECT_EQ(Ids({{"signature", "!=OOM | small"}}), (IdList{"b", "c", "d"}));
}

TEST_F(TextFilters, ContainsStartsEndsAreCaseSensitive) {
  EXPECT_EQ(Ids({{"signature", "~OOM"}}), IdList{"a"});      // FTS path
  EXPECT_EQ(Ids({{"signature", "~::"}}), IdList{"b"});       // short: scan
  EXPECT_EQ(Ids({{"signature", "~[@ foo]"}}), IdList{"c"});  // GLOB-literal
  EXPECT_EQ(Ids({{"signature", "^js::"}}), IdList{"b"});
  EXPECT_EQ(Ids({{"signature", "$small"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"signature", "$SMALL"}}), IdList{});
  // Negations also match crashes without a signature (ES's must_not).
  EXPECT_EQ(Ids({{"signature", "!~OOM"}}), (IdList{"b", "c", "d"}));
  EXPECT_EQ(Ids({{"signature", "!^js"}}), (IdList{"a", "c", "d"}));
  EXPECT_EQ(Ids({{"signature", "!$small"}}), (IdList{"b", "c", "d"}));
}

TEST_F(TextFilters, RegexMatchesTheWholeValue) {
  EXPECT_EQ(Ids({{"signature", "@OOM.*"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"signature", "@OOM"}}), IdList{});  // anchored
  EXPECT_EQ(Ids({{"signature", "@(?i)oom.*"}}), (IdList{"a", "c"}));
  EXPECT_EQ(Ids({{"signature", "!@OOM.*"}}), (IdList{"b", "c", "d"}));
}

TEST_F(TextFilters, NullIsAbsent) {
  EXPECT_EQ(Ids({{"signature", "__null__"}}), IdList{"d"});
  EXPECT_EQ(Ids({{"signature", "!__null__"}}), (IdList{"a", "b", "c"}));
}

TEST_F(TextFilters, ValuesAreBoundNeverPasted) {
  EXPECT_EQ(Ids({{"signature", "=x' OR '1'='1"}}), IdList{});
  EXPECT_EQ(Ids({{"signature", "~%"}}), IdList{});
  EXPECT_EQ(Ids({{"signature", "~*"}}), IdList{});
}

TEST_F(ExecuteTest, EnumTextFieldsMatchWordsThroughTheIndex) {
  Add("a", {{"os_name", "Windows NT"}});
  Add("b", {{"os_name", "Linux"}});
  Add("c", {{"os_name", nullptr}});
  EXPECT_EQ(Ids({{"platform", "windows"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"platform", "nt"}, {"platform", "linux"}}),
            (IdList{"a", "b"}));
  EXPECT_EQ(Ids({{"platform", "!windows"}}), (IdList{"b", "c"}));
  EXPECT_EQ(Ids({{"platform", "=Windows NT"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"product", "firefox"}}), (IdList{"a", "b", "c"}));
}

TEST_F(ExecuteTest, KeywordFieldsMatchTheWholeValue) {
  Add("a", {{"version", "128.0"}});
  Add("b", {{"version", "128.0b2"}});
  Add("c", {{"version", "128.0.1"}});
  EXPECT_EQ(Ids({{"version", "128.0"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"version", "128.0b"}}), IdList{"b"});  // every beta
  EXPECT_EQ(Ids({{"version", "128.0"}, {"version", "128.0.1"}}),
            (IdList{"a", "c"}));
  EXPECT_EQ(Ids({{"version", "!128.0"}}), (IdList{"b", "c"}));
  // An enum takes no string operators: "~0b" is a literal value.
  EXPECT_EQ(Ids({{"version", "~0b"}}), IdList{});
}

TEST_F(ExecuteTest, KeywordStringOperators) {
  Add("a", {{"process_type", "parent"}});
  Add("b", {{"process_type", "content"}});
  Add("c", {{"process_type", nullptr}});
  EXPECT_EQ(Ids({{"process_type", "parent"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"process_type", "Parent"}}), IdList{});  // keyword: exact
  EXPECT_EQ(Ids({{"process_type", "!parent"}}), (IdList{"b", "c"}));
  EXPECT_EQ(Ids({{"process_type", "~ont"}}), IdList{"b"});
  EXPECT_EQ(Ids({{"process_type", "^par"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"process_type", "$ent"}}), (IdList{"a", "b"}));
  EXPECT_EQ(Ids({{"process_type", "!$ent"}}), IdList{"c"});
  EXPECT_EQ(Ids({{"process_type", "@p.r.*"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"process_type", "!@p.r.*"}}), (IdList{"b", "c"}));
}

TEST_F(ExecuteTest, SemicolonFieldsMatchOneToken) {
  Add("a", {{"modules_in_stack", "libxul.so;libc.so.6"}});
  Add("b", {{"modules_in_stack", "xul.so"}});
  Add("c", {{"modules_in_stack", nullptr}});
  EXPECT_EQ(Ids({{"modules_in_stack", "LIBXUL.SO"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"modules_in_stack", "xul.so"}}), IdList{"b"});
  EXPECT_EQ(Ids({{"modules_in_stack", "libc.so.6;xul.so"}}),
            (IdList{"a", "b"}));
  EXPECT_EQ(Ids({{"modules_in_stack", "!xul.so"}}), (IdList{"a", "c"}));
  EXPECT_EQ(Ids({{"modules_in_stack", "~xul"}}), (IdList{"a", "b"}));
}

TEST_F(ExecuteTest, IntegerOperators) {
  Add("a", {{"uptime", 5}});
  Add("b", {{"uptime", 50}});
  Add("c", {{"uptime", 500}});
  Add("d", {});
  EXPECT_EQ(Ids({{"uptime", "50"}}), IdList{"b"});
  EXPECT_EQ(Ids({{"uptime", "5"}, {"uptime", "500"}}), (IdList{"a", "c"}));
  EXPECT_EQ(Ids({{"uptime", ">50"}}), IdList{"c"});
  EXPECT_EQ(Ids({{"uptime", ">=50"}}), (IdList{"b", "c"}));
  EXPECT_EQ(Ids({{"uptime", "<50"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"uptime", "<=50"}}), (IdList{"a", "b"}));
  EXPECT_EQ(Ids({{"uptime", "!>50"}}), (IdList{"a", "b", "d"}));
  EXPECT_EQ(Ids({{"uptime", "!50"}}), (IdList{"a", "c", "d"}));
  EXPECT_EQ(Ids({{"uptime", "__null__"}}), IdList{"d"});
  EXPECT_EQ(Ids({{"uptime", "!__null__"}}), (IdList{"a", "b", "c"}));
  // Ranges AND: between.
  EXPECT_EQ(Ids({{"uptime", ">5"}, {"uptime", "<500"}}), IdList{"b"});
  // A range after a null clause ANDs with it (query.h's fold).
  EXPECT_EQ(Ids({{"uptime", "__null__"}, {"uptime", ">5"}}), IdList{});
}

TEST_F(ExecuteTest, FloatAndBuildIdOperators) {
  Add("a", {{"uptime_ts", 1.5}, {"build", "20240501000000"}});
  Add("b", {{"uptime_ts", 2.5}, {"build", "20240601000000"}});
  Add("c", {{"build", "not-a-number"}});
  EXPECT_EQ(Ids({{"uptime_ts", ">2"}}), IdList{"b"});
  EXPECT_EQ(Ids({{"uptime_ts", "1.5"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"uptime_ts", "!<=1.5"}}), (IdList{"b", "c"}));
  EXPECT_EQ(Ids({{"build_id", ">=20240601000000"}}), IdList{"b"});
  EXPECT_EQ(Ids({{"build_id", "__null__"}}), IdList{"c"});
}

TEST_F(ExecuteTest, BooleanOperators) {
  Add("a", {{"startup_crash", true}});
  Add("b", {{"startup_crash", false}});
  Add("c", {});
  EXPECT_EQ(Ids({{"startup_crash", "__true__"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"startup_crash", "!__true__"}}), (IdList{"b", "c"}));
  EXPECT_EQ(Ids({{"startup_crash", "false"}}), IdList{"b"});
  EXPECT_EQ(Ids({{"startup_crash", "yes"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"startup_crash", "__null__"}}), IdList{"c"});
}

TEST_F(ExecuteTest, FieldsWithoutAColumnAreAlwaysNull) {
  Add("a", {});
  EXPECT_EQ(Ids({{"addons", "__null__"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"addons", "foo"}}), IdList{});
  EXPECT_EQ(Ids({{"addons", "!foo"}}), IdList{"a"});
  EXPECT_EQ(Ids({{"addons", "~foo"}}), IdList{});
  json r = Search({{"_columns", "addons"},
                   {"_facets", "addons"},
                   {"_facets", "_cardinality.addons"}});
  EXPECT_EQ(r["hits"][0], (json{{"addons", nullptr}}));
  EXPECT_EQ(r["facets"]["addons"], json::array());
  EXPECT_EQ(r["facets"]["cardinality_addons"], (json{{"value", 0}}));
}

TEST_F(ExecuteTest, CombinationFoldsLeftToRight) {
  Add("a", {{"signature", "alpha"}, {"uptime", 1}});
  Add("b", {{"signature", "beta"}, {"uptime", 2}});
  Add("c", {{"signature", "gamma"}, {"uptime", 3}});
  // Non-range clauses of one field OR.
  EXPECT_EQ(Ids({{"signature", "~alp"}, {"signature", "^bet"}}),
            (IdList{"a", "b"}));
  // Negated ones too: "not a OR not b", as Socorro.
  EXPECT_EQ(Ids({{"signature", "!~alp"}, {"signature", "!~bet"}}),
            (IdList{"a", "b", "c"}));
  // Different fields AND.
  EXPECT_EQ(Ids({{"signature", "~a"}, {"uptime", ">=2"}}), (IdList{"b", "c"}));
  EXPECT_EQ(Ids({{"signature", "alpha"}, {"uptime", "2"}}), IdList{});
}

TEST_F(ExecuteTest, ManyClausesStayAClearAnswer) {
  Add("a", {{"signature", "x42"}, {"uptime", 42}});
  auto clauses = [](int n, const char* field, const char* odd,
                    const char* even) {
    Params p;
    for (int i = 0; i < n; ++i) {
      p.emplace_back(field, std::string(i % 2 ? odd : even) +
                                (field[0] == 's' ? std::to_string(i) : ""));
    }
    return p;
  };
  // At the bound: answered (alternating joins nest deepest).
  Result<json> r = Try(clauses(kMaxClausesPerField, "signature", "~x", "!=x"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["total"], 1);
  r = Try(clauses(kMaxClausesPerField, "uptime", ">1", "!<0"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["total"], 1);
  r = Try(clauses(kMaxValuesPerField, "signature", "y", "z"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // Past it: a clear bad argument, not SQLite's parser stack.
  r = Try(clauses(kMaxClausesPerField + 1, "uptime", ">1", "!<0"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "too many conditions on uptime: 65 operators and 65 values, at "
            "most 64 and 500");
  r = Try(clauses(kMaxValuesPerField + 1, "signature", "y", "z"));
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
}

TEST_F(ExecuteTest, DateRangeBoundsTheSearch) {
  Add("old", {{"date_processed", IsoAt(kNow - 8 * 86400)}});
  Add("new", {{"date_processed", IsoAt(kNow - 60)}});
  Add("edge", {{"date_processed", IsoAt(kNow - 3 * 86400)}});
  EXPECT_EQ(Ids({}), (IdList{"edge", "new"}));  // the last 7 days
  EXPECT_EQ(Ids({{"date", ">=" + IsoAt(kNow - 9 * 86400)}}),
            (IdList{"edge", "new", "old"}));
  EXPECT_EQ(Ids({{"date", ">" + IsoAt(kNow - 3 * 86400)}}), IdList{"new"});
  EXPECT_EQ(Ids({{"date", ">=" + IsoAt(kNow - 3 * 86400)}}),
            (IdList{"edge", "new"}));
  EXPECT_EQ(Ids({{"date", "<" + IsoAt(kNow - 3 * 86400)}}), IdList{"old"});
}

TEST_F(ExecuteTest, HitsHaveTheColumnsInOrder) {
  Add("a", {{"uptime", 7},
            {"startup_crash", true},
            {"date_processed", IsoAt(kNow - 60, 123456)}});
  json r = Search({{"_columns", "uptime"},
                   {"_columns", "date"},
                   {"_columns", "startup_crash"},
                   {"_columns", "uuid"},
                   {"_columns", "reason"}});
  ASSERT_EQ(r["hits"].size(), 1u);
  const json& h = r["hits"][0];
  EXPECT_EQ(h, json::parse(R"({"uptime":7,
      "date":"2024-05-07T11:59:00.123456+00:00","startup_crash":true,
      "uuid":"a","reason":null})"));
  std::vector<std::string> keys;
  for (const auto& [k, v] : h.items()) keys.push_back(k);
  EXPECT_EQ(keys.size(), 5u);
  EXPECT_EQ(r["errors"], json::array());
}

TEST_F(ExecuteTest, DefaultColumnsAndNewestFirst) {
  Add("a", {{"date_processed", IsoAt(kNow - 300)}});
  Add("b", {{"date_processed", IsoAt(kNow - 100)}});
  Add("c", {{"date_processed", IsoAt(kNow - 200)}});
  json r = Search({});
  ASSERT_EQ(r["hits"].size(), 3u);
  EXPECT_EQ(r["hits"][0]["uuid"], "b");
  EXPECT_EQ(r["hits"][1]["uuid"], "c");
  EXPECT_EQ(r["hits"][0].size(), 5u);  // uuid date signature product version
  EXPECT_EQ(r["hits"][0]["product"], "Firefox");
}

TEST_F(ExecuteTest, SortSeveralKeysMissingLastTiesByCrashId) {
  Add("a", {{"uptime", 2}, {"signature", "x"}});
  Add("b", {{"uptime", 1}, {"signature", "y"}});
  Add("c", {{"uptime", 2}, {"signature", "y"}});
  Add("d", {{"signature", "x"}});
  Add("e", {{"uptime", 2}, {"signature", "y"}});
  auto order = [&](Params p) {
    p.emplace_back("_columns", "uuid");
    json r = Search(p);
    std::string ids;
    for (const json& h : r["hits"]) ids += h["uuid"].get<std::string>();
    return ids;
  };
  EXPECT_EQ(order({{"_sort", "uptime"}}), "baced");
  EXPECT_EQ(order({{"_sort", "-uptime"}}), "acebd");
  EXPECT_EQ(order({{"_sort", "signature"}, {"_sort", "-uptime"}}), "adceb");
}

TEST_F(ExecuteTest, ResultsNumberAndOffsetPage) {
  for (char c = 'a'; c <= 'e'; ++c) Add(std::string(1, c), {});
  auto page = [&](const char* number, const char* offset) {
    json r = Search({{"_sort", "uuid"},
                     {"_columns", "uuid"},
                     {"_results_number", number},
                     {"_results_offset", offset}});
    EXPECT_EQ(r["total"], 5);
    std::string ids;
    for (const json& h : r["hits"]) ids += h["uuid"].get<std::string>();
    return ids;
  };
  EXPECT_EQ(page("2", "0"), "ab");
  EXPECT_EQ(page("2", "2"), "cd");
  EXPECT_EQ(page("2", "4"), "e");
  EXPECT_EQ(page("0", "0"), "");
  EXPECT_EQ(page("3", "9"), "");
}

TEST_F(ExecuteTest, ReturnQueryShowsTheStatementsWithoutRunning) {
  Add("a", {});
  json r = Search({{"signature", "~it's"}, {"_return_query", "true"}});
  ASSERT_TRUE(r.contains("query"));
  EXPECT_EQ(r["indices"], json::array());
  EXPECT_FALSE(r.contains("hits"));
  const json& sql = r["query"]["sql"];
  // The signature facet reads every match, so it also gives the total: no
  // count(*) statement.
  ASSERT_EQ(sql.size(), 2u);
  EXPECT_EQ(sql[0]["purpose"], "facet signature");
  EXPECT_EQ(sql[1]["purpose"], "hits");
  // Without aggregations the total is a statement of its own.
  json bare = Search({{"_return_query", "true"}, {"_facets_size", "0"}});
  EXPECT_EQ(bare["query"]["sql"][0]["purpose"], "hits");
  // (Over whole days from daily_counts, whole hours of the partial ones from
  // hourly_counts, the rest from crashes.)
  const json& parts = bare["query"]["sql"];
  ASSERT_GE(parts.size(), 3u);
  EXPECT_EQ(parts[1]["purpose"], "total [daily_counts]");
  for (size_t i = 2; i < parts.size(); ++i) {
    EXPECT_TRUE(parts[i]["purpose"] == "total [hourly_counts]" ||
                parts[i]["purpose"] == "total [crashes]")
        << parts[i];
  }
  // The value is a parameter, never part of the text.
  EXPECT_EQ(sql[0]["sql"].get<std::string>().find("it's"), std::string::npos);
  EXPECT_EQ(sql[0]["params"][2], "*it's*");
  EXPECT_EQ(r["query"]["filters"][0]["field"], "signature");
}

TEST_F(ExecuteTest, TimeLimitGivesSocorrosTimeoutMessage) {
  Add("a", {});
  RunOptions o;
  o.time_limit = std::chrono::milliseconds(0);
  Result<json> r = Try({}, Audience::kUnredacted, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().message(), kTimeoutMessage);
}

TEST_F(ExecuteTest, TimeLimitInterruptsALongStatement) {
  // Enough rows that a regex over all of them outlasts 1 ms.
  std::vector<json> crashes;
  for (int i = 0; i < 3000; ++i) {
    crashes.push_back({{"signature", std::string(200, 'a') + std::to_string(i)},
                       {"date_processed", IsoAt(kNow - 60)}});
  }
  std::vector<std::string> ids;
  for (int i = 0; i < 3000; ++i) ids.push_back(std::to_string(i));
  std::vector<store::sqlite::IndexItem> items;
  for (int i = 0; i < 3000; ++i) items.push_back({ids[i], crashes[i]});
  ASSERT_TRUE(index_->IndexBatch(items).ok());
  RunOptions o;
  o.time_limit = std::chrono::milliseconds(1);
  Result<json> r = Try({{"signature", "@(a|aa)*(b|c)"},
                        {"_facets", "_cardinality.signature"},
                        {"_facets", "_histogram.date"},
                        {"_histogram_interval.date", "minute"}},
                       Audience::kUnredacted, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), kTimeoutMessage);
}

class Protected : public ExecuteTest {
 protected:
  void SetUp() override {
    ExecuteTest::SetUp();
    // (email is no Super Search field at all: Socorro's collector drops
    // it, so only url and user_comments carry personal data here.)
    Add("a", {{"url", "https://secret.example/"},
              {"user_comments", "my password is hunter2"}});
  }
  // Every place a field can show up, for `f`.
  Params Everywhere(const std::string& f) {
    return {{f, "!__null__"},
            {"_columns", "uuid"},
            {"_columns", f},
            {"_sort", f},
            {"_facets", f},
            {"_facets", "_cardinality." + f},
            {"_aggs." + f, "signature"},
            {"_aggs.signature", f},
            {"_aggs.signature", "_cardinality." + f}};
  }
};

TEST_F(Protected, NeverReachThePublic) {
  for (const char* f : {"url", "user_comments"}) {
    json r = Search(Everywhere(f), Audience::kPublic);
    std::string text = r.dump();
    EXPECT_EQ(text.find("secret.example"), std::string::npos) << f;
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << f;
    EXPECT_EQ(text.find(std::string("\"") + f + "\""), std::string::npos)
        << f << ": " << text;
    EXPECT_EQ(r["total"], 1);  // the filter was dropped, not applied
  }
}

TEST_F(Protected, NeverReachThePublicEvenIfTheQueryCarriesThem) {
  // A Query parsed for the unredacted audience, run for the public one.
  ParseOptions o;
  o.now = Timestamp(std::chrono::seconds(kNow));
  Params p = Everywhere("url");
  p.emplace_back("_histogram.uptime", "_cardinality.url");
  p.emplace_back("_return_query", "1");
  Result<Query> q = Parse(p, Audience::kUnredacted, o);
  ASSERT_TRUE(q.ok());
  Result<json> echoed = search::Run(*q, Audience::kPublic, *index_);
  ASSERT_TRUE(echoed.ok());
  EXPECT_EQ(echoed->dump().find("url"), std::string::npos) << echoed->dump();
  q->return_query = false;
  Result<json> r = search::Run(*q, Audience::kPublic, *index_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->dump().find("url"), std::string::npos) << r->dump();
  EXPECT_EQ(r->dump().find("secret"), std::string::npos);
}

TEST_F(Protected, TheUnredactedAudienceSeesThem) {
  json r = Search(Everywhere("url"), Audience::kUnredacted);
  EXPECT_EQ(r["hits"][0]["url"], "https://secret.example/");
  EXPECT_EQ(r["facets"]["url"][0]["term"], "https://secret.example/");
  EXPECT_EQ(r["facets"]["cardinality_url"]["value"], 1);
  EXPECT_EQ(r["facets"]["signature"][0]["facets"]["url"][0]["count"], 1);
  r = Search({{"user_comments", "hunter2"}, {"_columns", "user_comments"}});
  EXPECT_EQ(r["hits"][0]["user_comments"], "my password is hunter2");
  r = Search({{"url", "~secret"}, {"_columns", "url"}});
  EXPECT_EQ(r["hits"][0]["url"], "https://secret.example/");
}

}  // namespace
}  // namespace crashbox::search::testing
