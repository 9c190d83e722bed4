// SPDX-License-Identifier: MPL-2.0
// Control parameters, their limits, and the public audience's stripping.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "app/search/query.h"
#include "app/search/query_test_util.h"

namespace crashbox::search {
namespace {

using testing::Error;
using testing::FindFilter;
using testing::Ok;

std::vector<std::string> Names(const std::vector<const SearchField*>& fs) {
  std::vector<std::string> out;
  for (const SearchField* f : fs) out.push_back(f->name);
  return out;
}
std::vector<std::string> Keys(const std::vector<Agg>& aggs) {
  std::vector<std::string> out;
  for (const Agg& a : aggs) out.push_back(a.ResultKey());
  return out;
}
using Strings = std::vector<std::string>;

TEST(Columns, DefaultAndChosen) {
  EXPECT_EQ(Names(Ok({}).columns),
            (Strings{"uuid", "date", "signature", "product", "version"}));
  EXPECT_EQ(
      Names(Ok({{"_columns", "platform"}, {"_columns", "uptime"}}).columns),
      (Strings{"platform", "uptime"}));
  EXPECT_EQ(Error({{"_columns", "bogus"}}), "Unknown field 'bogus'");
  // Python's repr quoting.
  EXPECT_EQ(Error({{"_columns", "it's"}}), "Unknown field \"it's\"");
}

TEST(Columns, NotReturnedFieldIsRefused) {
  std::vector<SearchField> fs(2);
  fs[0].name = "signature";
  fs[1].name = "secret_sauce";
  fs[1].is_returned = false;
  FieldSet set(std::move(fs));
  ParseOptions o = testing::Options();
  o.fields = &set;
  Result<Query> q =
      Parse({{"_columns", "secret_sauce"}}, Audience::kUnredacted, o);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(),
            "Field 'secret_sauce' is not allowed to be returned");
  q = Parse({{"_columns", "signature"}, {"_facets", "secret_sauce"}},
            Audience::kUnredacted, o);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(),
            "Field 'secret_sauce' is not allowed to be returned");
}

TEST(Sort, SeveralKeysAndDescending) {
  Query q = Ok({{"_sort", "-date"}, {"_sort", "signature"}});
  ASSERT_EQ(q.sort.size(), 2u);
  EXPECT_EQ(q.sort[0].field->name, "date");
  EXPECT_TRUE(q.sort[0].descending);
  EXPECT_EQ(q.sort[1].field->name, "signature");
  EXPECT_FALSE(q.sort[1].descending);
  EXPECT_TRUE(Ok({}).sort.empty());
  EXPECT_EQ(Error({{"_sort", "-bogus"}}), "Unknown field 'bogus'");
}

TEST(ResultsWindow, DefaultsAndLimits) {
  Query q = Ok({});
  EXPECT_EQ(q.results_number, 100);
  EXPECT_EQ(q.results_offset, 0);
  q = Ok({{"_results_number", "1000"}, {"_results_offset", "9000"}});
  EXPECT_EQ(q.results_number, 1000);
  EXPECT_EQ(q.results_offset, 9000);
  EXPECT_EQ(Ok({{"_results_number", "0"}}).results_number, 0);
  EXPECT_EQ(Error({{"_results_number", "1001"}}),
            "_results_number cannot be greater than 1,000");
  EXPECT_EQ(Error({{"_results_number", "99999999999999"}}),
            "_results_number cannot be greater than 1,000");
  EXPECT_EQ(Error({{"_results_number", "-1"}}),
            "_results_number cannot be negative");
  EXPECT_EQ(Error({{"_results_number", "ten"}}),
            "Bad value for parameter _results_number: not a valid int");
  EXPECT_EQ(Error({{"_results_offset", "9901"}}),
            "_results_offset + _results_number cannot be greater than 10,000");
  EXPECT_EQ(Error({{"_results_offset", "-5"}}),
            "_results_offset cannot be negative");
}

TEST(Facets, DefaultSizeAndLimits) {
  Query q = Ok({});
  EXPECT_EQ(Keys(q.facets), (Strings{"signature"}));
  EXPECT_EQ(q.facets_size, 50);
  q = Ok({{"_facets", "platform"},
          {"_facets", "_histogram.date"},
          {"_facets", "_cardinality.install_time"},
          {"_facets_size", "10000"}});
  EXPECT_EQ(Keys(q.facets), (Strings{"platform", "histogram_date",
                                     "cardinality_install_time"}));
  EXPECT_EQ(q.facets[1].interval.calendar, "day");
  EXPECT_EQ(Error({{"_facets_size", "10001"}}),
            "Bad value for parameter(s) '_facets_size greater than 10,000'");
  EXPECT_EQ(Error({{"_facets", "bogus"}}), "Unknown field 'bogus'");
  EXPECT_EQ(Error({{"_facets", "_cardinality.bogus"}}),
            "Unknown field 'bogus'");
  // A histogram on a field that takes none is skipped, as Socorro does.
  EXPECT_EQ(Keys(Ok({{"_facets", "_histogram.signature"}}).facets),
            (Strings{}));
}

TEST(Facets, SizeZeroTurnsAggregationsOff) {
  Query q = Ok({{"_facets_size", "0"},
                {"_facets", "bogus"},
                {"_aggs.signature", "platform"}});
  EXPECT_TRUE(q.facets.empty());
  EXPECT_TRUE(q.aggs.empty());
}

TEST(Aggs, NestedUpToThreeLevels) {
  Query q = Ok({{"_aggs.signature", "platform"},
                {"_aggs.signature", "_histogram.uptime"},
                {"_aggs.product.version", "_cardinality.install_time"},
                {"_aggs.android_cpu_abi.android_manufacturer.android_model",
                 "version"}});
  ASSERT_EQ(q.aggs.size(), 3u);
  EXPECT_EQ(Names(q.aggs[0].path), (Strings{"signature"}));
  EXPECT_EQ(Keys(q.aggs[0].subs), (Strings{"platform", "histogram_uptime"}));
  EXPECT_EQ(q.aggs[0].subs[1].interval.width, 1.0);
  EXPECT_EQ(Names(q.aggs[1].path), (Strings{"product", "version"}));
  EXPECT_EQ(q.aggs[2].path.size(), 3u);
  EXPECT_EQ(Error({{"_aggs.product.version.platform.cpu_arch", "uuid"}}),
            "_aggs.product.version.platform.cpu_arch: at most 3 nested fields");
  EXPECT_EQ(Error({{"_aggs.signature", "bogus"}}), "Unknown field 'bogus'");
  // Unknown fields in the key are skipped, as Socorro skips them.
  EXPECT_TRUE(Ok({{"_aggs.bogus", "platform"}}).aggs.empty());
  EXPECT_EQ(Names(Ok({{"_aggs.product.bogus", "platform"}}).aggs[0].path),
            (Strings{"product"}));
  // With no value, the terms aggregation alone.
  q = Ok({{"_aggs.platform", ""}});
  ASSERT_EQ(q.aggs.size(), 1u);
  EXPECT_TRUE(q.aggs[0].subs.empty());
}

TEST(Histograms, DatesAndNumbersWithIntervals) {
  Query q = Ok({{"_histogram.date", "product"},
                {"_histogram_interval.date", "week"},
                {"_histogram.uptime", ""},
                {"_histogram_interval.uptime", "60"},
                {"_histogram.uptime_ts", ""},
                {"_histogram_interval.uptime_ts", "0.5"},
                {"_histogram.signature", "product"}});
  ASSERT_EQ(q.histograms.size(), 3u);
  EXPECT_EQ(q.histograms[0].histogram.ResultKey(), "histogram_date");
  EXPECT_EQ(q.histograms[0].histogram.interval.calendar, "week");
  EXPECT_EQ(Keys(q.histograms[0].subs), (Strings{"product"}));
  EXPECT_EQ(q.histograms[1].histogram.interval.width, 60);
  EXPECT_EQ(q.histograms[2].histogram.interval.width, 0.5);
  EXPECT_EQ(Error({{"_histogram.date", ""},
                   {"_histogram_interval.date", "fortnight"}}),
            "Bad value for parameter(s) '_histogram_interval.date'");
  EXPECT_EQ(
      Error({{"_histogram.uptime", ""}, {"_histogram_interval.uptime", "1.5"}}),
      "Bad value for parameter(s) '_histogram_interval.uptime'");
  EXPECT_EQ(
      Error({{"_histogram.uptime", ""}, {"_histogram_interval.uptime", "-1"}}),
      "Bad value for parameter(s) '_histogram_interval.uptime'");
}

TEST(ReturnQuery, Flag) {
  EXPECT_FALSE(Ok({}).return_query);
  EXPECT_TRUE(Ok({{"_return_query", "true"}}).return_query);
}

TEST(QueryJson, ShowsWhatWasParsed) {
  Query q = Ok({{"signature", "!~OOM"},
                {"uptime", ">=10"},
                {"date", ">=2024-05-01"},
                {"_sort", "-date"},
                {"_columns", "uuid"},
                {"_histogram.date", "platform"},
                {"_aggs.product.version", "_cardinality.install_time"}});
  nlohmann::json j = QueryToJson(q);
  EXPECT_EQ(j.at("filters").size(), 2u);
  EXPECT_EQ(j.at("filters")[0].at("clauses")[0],
            nlohmann::json::parse(
                R"({"op":"~","negated":true,"join":"or","values":["OOM"]})"));
  EXPECT_EQ(j.at("filters")[1].at("clauses")[0].at("values")[0], 10);
  EXPECT_EQ(j.at("date").at("from").at("at"),
            "2024-05-01T00:00:00.000000+00:00");
  EXPECT_EQ(j.at("date").at("to").at("at"), "2024-05-07T12:00:00.000000+00:00");
  EXPECT_EQ(j.at("sort"), nlohmann::json::array({"-date"}));
  EXPECT_EQ(j.at("columns"), nlohmann::json::array({"uuid"}));
  EXPECT_EQ(j.at("histograms")[0].at("key"), "histogram_date");
  EXPECT_EQ(j.at("histograms")[0].at("interval"), "day");
  EXPECT_EQ(j.at("aggs")[0].at("path"),
            nlohmann::json::array({"product", "version"}));
  EXPECT_EQ(j.at("aggs")[0].at("subs")[0].at("key"),
            "cardinality_install_time");
  EXPECT_EQ(j.at("facets")[0].at("key"), "signature");
}

TEST(UnknownControl, Ignored) { Ok({{"_bogus", "x"}, {"_fields", "y"}}); }

// The public audience: protected fields can be neither used nor probed.
constexpr Audience kPublic = Audience::kPublic;

TEST(PublicAudience, FiltersOnProtectedFieldsAreDropped) {
  Query q = Ok(
      {{"url", "~example.com"}, {"user_comments", "@.*"}, {"signature", "OOM"}},
      kPublic);
  EXPECT_EQ(FindFilter(q, "url"), nullptr);
  EXPECT_EQ(FindFilter(q, "user_comments"), nullptr);
  EXPECT_NE(FindFilter(q, "signature"), nullptr);
  // A bad value on a protected field says nothing either.
  Ok({{"phc_usable_size", ">not-a-number"}}, kPublic);
  Ok({{"url", "@(unclosed"}}, kPublic);
  // The unredacted audience keeps them.
  q = Ok({{"url", "~example.com"}});
  EXPECT_NE(FindFilter(q, "url"), nullptr);
}

TEST(PublicAudience, ColumnsAndSortLoseProtectedFields) {
  Query q = Ok({{"_columns", "url"},
                {"_columns", "signature"},
                {"_sort", "-user_comments"},
                {"_sort", "url"}},
               kPublic);
  EXPECT_EQ(Names(q.columns), (Strings{"signature"}));
  EXPECT_TRUE(q.sort.empty());
  // Only protected columns asked: the default columns, as if none were.
  EXPECT_EQ(Names(Ok({{"_columns", "url"}}, kPublic).columns),
            (Strings{"uuid", "date", "signature", "product", "version"}));
}

TEST(PublicAudience, AggregationsLoseProtectedFields) {
  Query q = Ok({{"_facets", "url"},
                {"_facets", "_cardinality.user_comments"},
                {"_facets", "_histogram.phc_usable_size"},
                {"_aggs.url", "signature"},
                {"_aggs.signature.url", "platform"},
                {"_aggs.signature", "url"},
                {"_aggs.signature", "_cardinality.url"},
                {"_aggs.signature", "platform"},
                {"_histogram.phc_usable_size", "signature"},
                {"_histogram_interval.phc_usable_size", "nonsense"},
                {"_histogram.date", "url"}},
               kPublic);
  // All of _facets stripped: the default signature facet.
  EXPECT_EQ(Keys(q.facets), (Strings{"signature"}));
  ASSERT_EQ(q.aggs.size(), 1u);
  EXPECT_EQ(Names(q.aggs[0].path), (Strings{"signature"}));
  EXPECT_EQ(Keys(q.aggs[0].subs), (Strings{"platform"}));
  ASSERT_EQ(q.histograms.size(), 1u);
  EXPECT_EQ(q.histograms[0].histogram.field->name, "date");
  EXPECT_TRUE(q.histograms[0].subs.empty());
}

TEST(PublicAudience, ErrorsNeverNameAProtectedField) {
  // Every way to name a protected field, each next to a real error that
  // fires after the stripping: the message must be that error, untouched.
  const char* kProtected[] = {"url", "user_comments", "moz_crash_reason_raw",
                              "phc_usable_size", "mdsw_stderr"};
  for (const char* p : kProtected) {
    std::string name = p;
    const Params probes[] = {
        {{name, ">x"}, {"_columns", "bogus"}},
        {{"_columns", name}, {"_columns", "bogus"}},
        {{"_sort", "-" + name}, {"_columns", "bogus"}},
        {{"_facets", name},
         {"_facets", "_cardinality." + name},
         {"_columns", "bogus"}},
        {{"_aggs." + name, "x"},
         {"_aggs.signature", name},
         {"_columns", "bogus"}},
        {{"_histogram." + name, "x"},
         {"_histogram_interval." + name, "?"},
         {"_columns", "bogus"}},
    };
    for (const Params& probe : probes) {
      std::string msg = Error(probe, kPublic);
      EXPECT_EQ(msg, "Unknown field 'bogus'") << name;
      EXPECT_EQ(msg.find(name), std::string::npos);
    }
  }
}

TEST(PublicAudience, IsVisible) {
  const FieldSet& fs = FieldSet::Default();
  EXPECT_FALSE(IsVisible(*fs.Find("url"), kPublic));
  EXPECT_TRUE(IsVisible(*fs.Find("url"), Audience::kUnredacted));
  EXPECT_TRUE(IsVisible(*fs.Find("signature"), kPublic));
}

TEST(PublicAudience, ProtectedAndUnknownLookAlikeInFilters) {
  // A filter on a protected field behaves as one on a field that does not
  // exist: both are silently ignored.
  Result<Query> a = testing::Run({{"url", "x"}}, kPublic);
  Result<Query> b = testing::Run({{"no_such_field", "x"}}, kPublic);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->filters.size(), b->filters.size());
}

}  // namespace
}  // namespace crashbox::search
