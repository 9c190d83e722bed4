// SPDX-License-Identifier: MPL-2.0
// Filters: operators per type, negation, combination, version and date.
#include "app/search/query.h"

#include <gtest/gtest.h>

#include "app/search/query_test_util.h"

namespace crashbox::search {
namespace {

using testing::At;
using testing::Error;
using testing::FindFilter;
using testing::Now;
using testing::Ok;

// The single clause of `name` in the query parsed from name=value.
Clause One(const std::string& name, const std::string& value) {
  Query q = Ok({{name, value}});
  const Filter* f = FindFilter(q, name);
  EXPECT_NE(f, nullptr);
  if (f == nullptr) return {};
  EXPECT_EQ(f->clauses.size(), 1u);
  return f->clauses.empty() ? Clause{} : f->clauses[0];
}

TEST(StringOperators, EachPrefixIsRecognised) {
  struct Case {
    const char* value;
    Op op;
    const char* rest;
  };
  const Case kCases[] = {
      {"OOM", Op::kMatch, "OOM"},     {"=OOM", Op::kIs, "OOM"},
      {"~OOM", Op::kContains, "OOM"}, {"^OOM", Op::kStartsWith, "OOM"},
      {"$OOM", Op::kEndsWith, "OOM"}, {"@OOM.*", Op::kRegex, "OOM.*"},
  };
  for (const Case& c : kCases) {
    Clause cl = One("signature", c.value);
    EXPECT_EQ(cl.op, c.op) << c.value;
    EXPECT_FALSE(cl.negated);
    ASSERT_EQ(cl.values.size(), 1u);
    EXPECT_EQ(std::get<std::string>(cl.values[0]), c.rest);
  }
  Clause null = One("signature", "__null__");
  EXPECT_EQ(null.op, Op::kNull);
  EXPECT_TRUE(null.values.empty());
}

TEST(StringOperators, OnlyTheFirstPrefixIsAnOperator) {
  Clause c = One("signature", "=~x");
  EXPECT_EQ(c.op, Op::kIs);
  EXPECT_EQ(std::get<std::string>(c.values[0]), "~x");
  // Range operators are not string operators: part of the value.
  c = One("signature", ">x");
  EXPECT_EQ(c.op, Op::kMatch);
  EXPECT_EQ(std::get<std::string>(c.values[0]), ">x");
}

TEST(StringOperators, NegationPrefixesAnyOperator) {
  const std::pair<const char*, Op> kCases[] = {
      {"!OOM", Op::kMatch},     {"!=OOM", Op::kIs},
      {"!~OOM", Op::kContains}, {"!^OOM", Op::kStartsWith},
      {"!$OOM", Op::kEndsWith}, {"!@OOM", Op::kRegex},
      {"!__null__", Op::kNull}};
  for (const auto& [value, op] : kCases) {
    Clause c = One("signature", value);
    EXPECT_EQ(c.op, op) << value;
    EXPECT_TRUE(c.negated) << value;
  }
}

TEST(EnumOperators, OnlyNullIsAnOperator) {
  Clause c = One("platform", "~Windows");
  EXPECT_EQ(c.op, Op::kMatch);
  EXPECT_EQ(std::get<std::string>(c.values[0]), "~Windows");
  EXPECT_EQ(One("platform", "__null__").op, Op::kNull);
  Clause neg = One("platform", "!Linux");
  EXPECT_TRUE(neg.negated);
  EXPECT_EQ(std::get<std::string>(neg.values[0]), "Linux");
}

TEST(IntegerOperators, RangesLongestFirst) {
  const std::pair<const char*, Op> kCases[] = {{">=10", Op::kGe},
                                               {"<=10", Op::kLe},
                                               {"<10", Op::kLt},
                                               {">10", Op::kGt},
                                               {"10", Op::kMatch}};
  for (const auto& [value, op] : kCases) {
    Clause c = One("uptime", value);
    EXPECT_EQ(c.op, op) << value;
    EXPECT_EQ(std::get<int64_t>(c.values[0]), 10) << value;
  }
  EXPECT_EQ(One("uptime", "__null__").op, Op::kNull);
  EXPECT_EQ(One("uptime", "!>5").negated, true);
  EXPECT_EQ(std::get<int64_t>(One("uptime", "-3").values[0]), -3);
  EXPECT_EQ(std::get<int64_t>(One("uptime", " 1_000 ").values[0]), 1000);
}

TEST(IntegerOperators, BadValuesAreSocorrosError) {
  EXPECT_EQ(Error({{"uptime", ">abc"}}),
            "Bad value for parameter uptime: not a valid int");
  EXPECT_EQ(Error({{"uptime", "~5"}}),
            "Bad value for parameter uptime: not a valid int");
  EXPECT_EQ(Error({{"build_id", "99999999999999999999"}}),
            "Bad value for parameter build_id: not a valid int");
}

TEST(FloatOperators, RangesAndValues) {
  Clause c = One("uptime_ts", "<=1.5");
  EXPECT_EQ(c.op, Op::kLe);
  EXPECT_DOUBLE_EQ(std::get<double>(c.values[0]), 1.5);
  EXPECT_EQ(Error({{"uptime_ts", ">x"}}),
            "Bad value for parameter uptime_ts: not a valid float");
  Clause neg = One("uptime_ts", "!<1.5");
  EXPECT_TRUE(neg.negated);
  EXPECT_EQ(neg.op, Op::kLt);
  EXPECT_EQ(One("uptime_ts", "__null__").op, Op::kNull);
  EXPECT_EQ(Error({{"uptime_ts", "nan"}}),
            "Bad value for parameter uptime_ts: not a valid float");
}

TEST(BoolOperators, TrueNullAndPlainValues) {
  EXPECT_EQ(One("startup_crash", "__true__").op, Op::kTrue);
  EXPECT_TRUE(One("startup_crash", "!__true__").negated);
  EXPECT_EQ(One("startup_crash", "__null__").op, Op::kNull);
  for (const char* yes : {"true", "T", "1", "y", "YES"}) {
    Clause c = One("startup_crash", yes);
    EXPECT_EQ(c.op, Op::kMatch);
    EXPECT_TRUE(std::get<bool>(c.values[0])) << yes;
  }
  EXPECT_FALSE(std::get<bool>(One("startup_crash", "no").values[0]));
  EXPECT_FALSE(std::get<bool>(One("startup_crash", "whatever").values[0]));
}

TEST(Combination, MatchValuesOrInOneClausePerNegation) {
  Query q = Ok({{"product", "Firefox"},
                {"version", "1.0"},
                {"version", "2.0"},
                {"version", "!3.0"},
                {"version", "!4.0"}});
  const Filter* v = FindFilter(q, "version");
  ASSERT_NE(v, nullptr);
  ASSERT_EQ(v->clauses.size(), 2u);
  // Socorro's order: the negated group first.
  EXPECT_TRUE(v->clauses[0].negated);
  EXPECT_EQ(v->clauses[0].values.size(), 2u);
  EXPECT_FALSE(v->clauses[1].negated);
  EXPECT_EQ(v->clauses[1].values.size(), 2u);
  EXPECT_EQ(std::get<std::string>(v->clauses[1].values[1]), "2.0");
  EXPECT_NE(FindFilter(q, "product"), nullptr);
}

TEST(Combination, RangesAndOthersOr) {
  Query q = Ok({{"uptime", ">10"}, {"uptime", "<100"}});
  const Filter* u = FindFilter(q, "uptime");
  ASSERT_EQ(u->clauses.size(), 2u);
  EXPECT_EQ(u->clauses[1].join, Join::kAnd);

  q = Ok(
      {{"signature", "~OOM"}, {"signature", "^abort"}, {"signature", "!~x"}});
  const Filter* s = FindFilter(q, "signature");
  ASSERT_EQ(s->clauses.size(), 3u);
  EXPECT_EQ(s->clauses[1].join, Join::kOr);
  // Negated clauses OR too, exactly as Socorro folds them.
  EXPECT_EQ(s->clauses[2].join, Join::kOr);
  EXPECT_TRUE(s->clauses[2].negated);
  // Operator clauses keep their order; the match group comes last.
  q = Ok({{"signature", "plain"}, {"signature", "=exact"}});
  s = FindFilter(q, "signature");
  EXPECT_EQ(s->clauses[0].op, Op::kIs);
  EXPECT_EQ(s->clauses[1].op, Op::kMatch);
}

TEST(Combination, UnknownFiltersAndEmptyValuesAreIgnored) {
  Query q = Ok({{"no_such_field", "x"}, {"signature", ""}});
  EXPECT_TRUE(q.filters.empty());
}

TEST(VersionRule, TrailingBMatchesEveryBeta) {
  Query q = Ok({{"version", "128.0b"}, {"version", "127.0"}});
  const Filter* v = FindFilter(q, "version");
  ASSERT_EQ(v->clauses.size(), 2u);
  EXPECT_EQ(v->clauses[0].op, Op::kMatch);
  EXPECT_EQ(std::get<std::string>(v->clauses[0].values[0]), "127.0");
  EXPECT_EQ(v->clauses[1].op, Op::kStartsWith);
  EXPECT_EQ(std::get<std::string>(v->clauses[1].values[0]), "128.0b");

  q = Ok({{"version", "!128.0b"}});
  v = FindFilter(q, "version");
  ASSERT_EQ(v->clauses.size(), 1u);  // the emptied match clause is gone
  EXPECT_EQ(v->clauses[0].op, Op::kStartsWith);
  EXPECT_TRUE(v->clauses[0].negated);
  // A full beta version is matched as it is.
  q = Ok({{"version", "128.0b2"}});
  EXPECT_EQ(FindFilter(q, "version")->clauses[0].op, Op::kMatch);
}

TEST(DateRules, DefaultIsTheLastSevenDaysEndingNow) {
  Query q = Ok({});
  EXPECT_EQ(q.date_to.at, Now());
  EXPECT_TRUE(q.date_to.inclusive);
  EXPECT_EQ(q.date_from.at, Now() - std::chrono::days(7));
  EXPECT_TRUE(q.date_from.inclusive);
  EXPECT_EQ(FindFilter(q, "date"), nullptr);
}

TEST(DateRules, BoundsAndMissingBounds) {
  Query q = Ok({{"date", ">=2024-05-01"}, {"date", "<2024-05-03T10:00:00"}});
  EXPECT_EQ(q.date_from.at, At("2024-05-01T00:00:00Z"));
  EXPECT_TRUE(q.date_from.inclusive);
  EXPECT_EQ(q.date_to.at, At("2024-05-03T10:00:00Z"));
  EXPECT_FALSE(q.date_to.inclusive);

  q = Ok({{"date", ">2024-05-01"}});
  EXPECT_FALSE(q.date_from.inclusive);
  EXPECT_EQ(q.date_to.at, Now());

  q = Ok({{"date", "<=2024-03-10"}});
  EXPECT_EQ(q.date_from.at, At("2024-03-03"));
}

TEST(DateRules, KeepsTheTightestBounds) {
  Query q = Ok({{"date", ">2024-01-01"},
                {"date", ">=2024-02-01"},
                {"date", "<2024-04-01"},
                {"date", "<=2024-03-01"}});
  EXPECT_EQ(q.date_from.at, At("2024-02-01"));
  EXPECT_EQ(q.date_to.at, At("2024-03-01"));
  EXPECT_TRUE(q.date_to.inclusive);
}

TEST(DateRules, NegatedBoundIsItsComplement) {
  Query q = Ok({{"date", "!<2024-05-01"}});
  EXPECT_EQ(q.date_from.at, At("2024-05-01"));
  EXPECT_TRUE(q.date_from.inclusive);
}

TEST(DateRules, NullIsDroppedAsSocorroDropsIt) {
  Query q = Ok({{"date", "__null__"}});
  EXPECT_EQ(q.date_to.at, Now());
  EXPECT_EQ(q.date_from.at, Now() - std::chrono::days(7));
}

TEST(DateRules, Formats) {
  EXPECT_EQ(At("2012-01-10 12:13:14Z"), At("2012-01-10T12:13:14"));
  EXPECT_EQ(At("2012-01-10T12:13:14+01:00"), At("2012-01-10T11:13:14"));
  EXPECT_EQ(At("2012-01-10T12:13:14.5"),
            At("2012-01-10T12:13:14") + std::chrono::milliseconds(500));
  EXPECT_EQ(At("2012-1-5"), At("2012-01-05"));
  Timestamp t;
  EXPECT_FALSE(ParseDatetime("2012-02-30", &t));
  EXPECT_FALSE(ParseDatetime("yesterday", &t));
  EXPECT_FALSE(ParseDatetime("2012-01-10T25:00:00", &t));
}

TEST(DateRules, SocorrosErrors) {
  EXPECT_EQ(Error({{"date", "2024-05-01"}}),
            "date must have a prefix operator");
  EXPECT_EQ(Error({{"date", ">tuesday"}}),
            "Bad value for parameter date: not a valid datetime");
  EXPECT_EQ(Error({{"date", ">=2023-01-01"}, {"date", "<2024-05-01"}}),
            "Date range is bigger than 365 days");
  // Exactly 365 days is allowed.
  Ok({{"date", ">=2023-05-01"}, {"date", "<2024-04-30"}});
}

TEST(RegexOperator, ValidatedWithRe2) {
  EXPECT_EQ(Error({{"signature", "@(unclosed"}}),
            "Bad value for parameter signature: not a valid regex (missing ): "
            "(unclosed)");
  const char* kTooComplex =
      "Search query is too complex to execute. Simplify the search pattern "
      "and try again.";
  EXPECT_EQ(Error({{"signature", "@((a{1000}){1000}){1000}"}}), kTooComplex);
  EXPECT_EQ(Error({{"signature", "@\\pL{1000}\\pN{1000}"}}), kTooComplex);
  Ok({{"signature", "@OOM \\| .*"}});
}

TEST(Products, UnknownProductsAreNamed) {
  ParseOptions o = testing::Options();
  o.is_known_product = [](std::string_view p) { return p == "Firefox"; };
  Result<Query> q = Parse({{"product", "Firefox"},
                           {"product", "Nope"},
                           {"product", "!=Other"},
                           {"product", "Nope"}},
                          Audience::kPublic, o);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.status().message(),
            "Bad value for parameter(s) 'Not valid products: Nope, =Other'");
  EXPECT_TRUE(Parse({{"product", "!Firefox"}, {"product", "__null__"}},
                    Audience::kPublic, o)
                  .ok());
}

TEST(HostileInput, BoundedSizes) {
  Params many(1001, {"signature", "x"});
  EXPECT_EQ(Error(many), "too many parameters: 1001, at most 1000");
  EXPECT_EQ(Error({{"signature", std::string(20000, 'a')}}),
            "a parameter of more than 10240 bytes");
}

TEST(HostileInput, RandomParametersNeverCrash) {
  // Seeded: the same 20,000 queries every run, built from the pieces that
  // matter (names of every kind, operators, negation, odd values).
  const std::string kKeys[] = {"signature",
                               "date",
                               "uptime",
                               "uptime_ts",
                               "startup_crash",
                               "version",
                               "product",
                               "url",
                               "_columns",
                               "_sort",
                               "_facets",
                               "_facets_size",
                               "_results_number",
                               "_results_offset",
                               "_aggs.signature",
                               "_aggs.product.version",
                               "_aggs.a.b.c.d",
                               "_histogram.date",
                               "_histogram_interval.date",
                               "_histogram.uptime",
                               "_histogram_interval.uptime",
                               "_return_query",
                               "bogus",
                               "_"};
  const std::string kPieces[] = {"!",
                                 "=",
                                 "~",
                                 "^",
                                 "$",
                                 "@",
                                 ">",
                                 ">=",
                                 "<",
                                 "<=",
                                 "__null__",
                                 "__true__",
                                 "-",
                                 "_histogram.",
                                 "_cardinality.",
                                 "url",
                                 "date",
                                 "uptime",
                                 "signature",
                                 "2024-05-01",
                                 "T12:00:00Z",
                                 "10",
                                 "-1",
                                 "1e3",
                                 "(",
                                 "*",
                                 "\\",
                                 "b",
                                 ".",
                                 "\xff",
                                 std::string(1, '\0'),
                                 "99999999999"};
  uint64_t seed = 12345;
  auto next = [&seed](size_t n) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>((seed >> 33) % n);
  };
  for (int i = 0; i < 20000; ++i) {
    Params params;
    size_t count = next(6);
    for (size_t p = 0; p < count; ++p) {
      std::string value;
      size_t pieces = next(4);
      for (size_t k = 0; k < pieces; ++k) {
        value += kPieces[next(std::size(kPieces))];
      }
      params.emplace_back(kKeys[next(std::size(kKeys))], value);
    }
    for (Audience a : {Audience::kPublic, Audience::kUnredacted}) {
      Result<Query> q = testing::Run(params, a);
      if (!q.ok()) {
        EXPECT_EQ(q.status().code(), Status::Code::kInvalidArgument);
        EXPECT_FALSE(q.status().message().empty());
        if (a == Audience::kPublic) {
          // Neither "Unknown field 'url'" nor "parameter url: ...".
          const std::string& m = q.status().message();
          EXPECT_EQ(m.find("'url'"), std::string::npos) << m;
          EXPECT_EQ(m.find(" url:"), std::string::npos) << m;
        }
      }
    }
  }
}

}  // namespace
}  // namespace crashbox::search
