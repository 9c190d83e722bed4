// SPDX-License-Identifier: MPL-2.0
// Helpers for the query tests.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "app/search/query.h"

namespace crashbox::search::testing {

// 2024-05-07T12:00:00Z, "now" in every test.
inline Timestamp Now() {
  using namespace std::chrono;
  return Timestamp(sys_days(year(2024) / 5 / 7) + hours(12));
}

inline Timestamp At(const char* iso) {
  Timestamp t;
  EXPECT_TRUE(ParseDatetime(iso, &t)) << iso;
  return t;
}

inline ParseOptions Options() {
  ParseOptions o;
  o.now = Now();
  return o;
}

inline Result<Query> Run(const Params& params,
                         Audience audience = Audience::kUnredacted) {
  ParseOptions o = Options();
  return Parse(params, audience, o);
}

// The parsed query; fails the test on an error.
inline Query Ok(const Params& params,
                Audience audience = Audience::kUnredacted) {
  Result<Query> q = Run(params, audience);
  EXPECT_TRUE(q.ok()) << q.status().message();
  return q.ok() ? std::move(q).value() : Query{};
}

// The error message; fails the test when Parse succeeds.
inline std::string Error(const Params& params,
                         Audience audience = Audience::kUnredacted) {
  Result<Query> q = Run(params, audience);
  EXPECT_FALSE(q.ok());
  if (q.ok()) return "";
  EXPECT_EQ(q.status().code(), Status::Code::kInvalidArgument);
  return q.status().message();
}

inline const Filter* FindFilter(const Query& q, std::string_view name) {
  for (const Filter& f : q.filters) {
    if (f.field->name == name) return &f;
  }
  return nullptr;
}

}  // namespace crashbox::search::testing
