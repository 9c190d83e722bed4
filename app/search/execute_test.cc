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

}  // namespace
}  // namespace crashbox::search::testing
