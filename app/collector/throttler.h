// SPDX-License-Identifier: MPL-2.0
// Throttler: Antenna's declarative throttle rules, evaluated top to bottom on
// a crash's annotations. Rules come from a JSON document (a preset embedded
// in the binary: `accept_all`, `mozilla`; or a file):
//
//   {"rules": [
//     {"name": "has_comments", "key": "Comments", "condition": {"exists":
//     true},
//      "result": "accept"},
//     {"name": "is_firefox_desktop", "key": "*",
//      "condition": {"all": [{"key": "ProductName", "equals": "Firefox"},
//                            {"key": "ReleaseChannel", "equals": "release"}]},
//      "result": {"sample": 10, "match": "accept", "else": "reject"}}]}
//
// A rule applies when its `key` is present in the crash (or `key` is "*");
// the condition then sees the value coerced to a string as Python's str()
// would ("True", "None", 12). Conditions (one per object; several keys in one
// object must all hold):
//   exists: true | equals: S | in: [S...] | prefix: S or [S...] |
//   regex: RE2, matched from the start like Python's re.match |
//   lt/le/gt/ge/eq/ne: number (value parsed as a number; no number → false) |
//   string_lt: S (byte-wise string compare) |
//   buildid_older_than_days: N (value is YYYYMMDDhhmmss and older than N days)
//   | json: "a.b.c" (value is a JSON document; the other tests apply to that
//   field) | all: [C...] | any: [C...] | not: C | always: true
// Inside all/any/not a condition may name its own `key`, with `default` used
// when that key is absent (otherwise a condition on an absent key is false).
// Results: accept | defer | reject | fakeaccept | continue, or a sample
// {"sample": P, "match": R, "else": R}: a roll in [0,100) <= P gives `match`.
// No matching rule: reject with rule name NO_MATCH.
//
// Thread-safe after construction (the random source is per thread).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/base/clock.h"
#include "app/base/status.h"

namespace crashbox::collector {

enum class ThrottleResult : uint8_t {
  kAccept = 0,
  kDefer = 1,
  kReject = 2,
  kFakeAccept = 3,
  kContinue = 4
};
std::string_view ThrottleResultName(ThrottleResult r);  // "accept", ...

struct ThrottleDecision {
  ThrottleResult result = ThrottleResult::kReject;
  std::string rule = "NO_MATCH";
  double percentage = 100;
};

class Throttler {
 public:
  // Parses and validates a rule document; kInvalidArgument names the rule and
  // the problem. `roll` returns a float in [0,100) (injectable for tests).
  static Result<std::unique_ptr<Throttler>> Make(
      std::string_view rules_json, const base::Clock& clock,
      std::function<double()> roll = nullptr);
  // The JSON of a built-in preset, or kNotFound.
  static Result<std::string> Preset(std::string_view name);
  ~Throttler();

  ThrottleDecision Decide(const nlohmann::json& annotations) const;
  size_t rule_count() const;

 private:
  struct Impl;
  explicit Throttler(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace crashbox::collector
