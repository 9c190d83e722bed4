// SPDX-License-Identifier: MPL-2.0
#include "app/collector/throttler.h"

#include <chrono>
#include <random>

#include <fmt/format.h>
#include <re2/re2.h>

#include "app/base/py_str.h"
#include "app/base/strings.h"
#include "assets/embedded.h"

namespace crashbox::collector {
namespace {

using nlohmann::json;

struct Outcome {
  ThrottleResult match = ThrottleResult::kAccept;
  ThrottleResult otherwise = ThrottleResult::kAccept;
  double percentage = 100;  // 100 = fixed result
};

// A compiled condition: a predicate on an optional string value plus the
// whole annotation object (for nested conditions naming their own key).
using Pred = std::function<bool(const std::string* value, const json& crash)>;

// Antenna's conditions see Python's str() of a value.
using base::PyStr;

std::optional<std::string> Lookup(const json& crash, const std::string& key) {
  auto it = crash.find(key);
  if (it == crash.end()) return std::nullopt;
  return PyStr(*it);
}

std::vector<std::string> StringList(const json& v, const char* what) {
  std::vector<std::string> out;
  if (v.is_string()) return {v.get<std::string>()};
  if (!v.is_array())
    throw std::invalid_argument(
        fmt::format("{} wants a string or a list of strings", what));
  for (const json& e : v) {
    if (!e.is_string())
      throw std::invalid_argument(fmt::format("{} wants strings", what));
    out.push_back(e.get<std::string>());
  }
  return out;
}

double Number(const json& v, const char* what) {
  if (!v.is_number())
    throw std::invalid_argument(fmt::format("{} wants a number", what));
  return v.get<double>();
}

class Compiler {
 public:
  explicit Compiler(const base::Clock& clock) : clock_(clock) {}

  // Compiles one condition object; all its tests must hold.
  Pred Compile(const json& c) {
    if (!c.is_object())
      throw std::invalid_argument("a condition must be an object");
    std::vector<Pred> tests;
    std::optional<std::string> json_path;
    for (const auto& [k, v] : c.items()) {
      if (k == "key" || k == "default") continue;
      if (k == "json") {
        if (!v.is_string())
          throw std::invalid_argument("json wants a dotted path");
        json_path = v.get<std::string>();
        continue;
      }
      tests.push_back(Test(k, v));
    }
    if (tests.empty())
      throw std::invalid_argument("a condition needs at least one test");
    Pred all = [tests](const std::string* value, const json& crash) {
      for (const Pred& t : tests) {
        if (!t(value, crash)) return false;
      }
      return true;
    };
    if (json_path) all = InJson(*json_path, std::move(all));
    return all;
  }

  // A nested condition: may name its own key (with a default when absent).
  Pred CompileNested(const json& c) {
    Pred inner = Compile(c);
    if (!c.contains("key")) return inner;
    if (!c["key"].is_string())
      throw std::invalid_argument("key must be a string");
    std::string key = c["key"];
    std::optional<std::string> fallback;
    if (c.contains("default")) fallback = PyStr(c["default"]);
    return [key, fallback, inner](const std::string*, const json& crash) {
      std::optional<std::string> v = Lookup(crash, key);
      if (!v) v = fallback;
      if (!v) return inner(nullptr, crash);
      return inner(&*v, crash);
    };
  }

 private:
  Pred Test(const std::string& k, const json& v) {
    using base::ParseDouble;
    if (k == "exists") {
      bool want = v.is_boolean()
                      ? v.get<bool>()
                      : throw std::invalid_argument("exists wants true/false");
      return [want](const std::string* s, const json&) {
        return (s != nullptr) == want;
      };
    }
    if (k == "always")
      return [](const std::string*, const json&) { return true; };
    if (k == "equals") {
      if (!v.is_string()) throw std::invalid_argument("equals wants a string");
      std::string want = v;
      return
          [want](const std::string* s, const json&) { return s && *s == want; };
    }
    if (k == "in") {
      std::vector<std::string> set = StringList(v, "in");
      return [set](const std::string* s, const json&) {
        return s && std::find(set.begin(), set.end(), *s) != set.end();
      };
    }
    if (k == "prefix") {
      std::vector<std::string> ps = StringList(v, "prefix");
      return [ps](const std::string* s, const json&) {
        if (!s) return false;
        for (const auto& p : ps) {
          if (s->starts_with(p)) return true;
        }
        return false;
      };
    }
    if (k == "regex") {
      if (!v.is_string()) throw std::invalid_argument("regex wants a string");
      auto re = std::make_shared<RE2>(v.get<std::string>(), RE2::Quiet);
      if (!re->ok())
        throw std::invalid_argument(fmt::format("bad regex: {}", re->error()));
      return [re](const std::string* s, const json&) {
        return s && re->Match(*s, 0, s->size(), RE2::ANCHOR_START, nullptr, 0);
      };
    }
    if (k == "string_lt") {
      if (!v.is_string())
        throw std::invalid_argument("string_lt wants a string");
      std::string bound = v;
      return [bound](const std::string* s, const json&) {
        return s && *s < bound;
      };
    }
    static const std::map<std::string, std::function<bool(double, double)>>
        kCompare = {{"lt", std::less<double>()},
                    {"le", std::less_equal<double>()},
                    {"gt", std::greater<double>()},
                    {"ge", std::greater_equal<double>()},
                    {"eq", std::equal_to<double>()},
                    {"ne", std::not_equal_to<double>()}};
    if (auto it = kCompare.find(k); it != kCompare.end()) {
      double bound = Number(v, k.c_str());
      auto cmp = it->second;
      return [bound, cmp](const std::string* s, const json&) {
        if (!s) return false;
        std::optional<double> d = ParseDouble(base::Trim(*s));
        return d && cmp(*d, bound);
      };
    }
    if (k == "buildid_older_than_days") {
      double days = Number(v, k.c_str());
      const base::Clock* clock = &clock_;
      return [days, clock](const std::string* s, const json&) {
        return BuildIdOlderThan(s, days, *clock);
      };
    }
    if (k == "all" || k == "any") {
      if (!v.is_array() || v.empty())
        throw std::invalid_argument(k + " wants a non-empty list");
      std::vector<Pred> subs;
      for (const json& e : v) subs.push_back(CompileNested(e));
      bool any = k == "any";
      return [subs, any](const std::string* s, const json& crash) {
        for (const Pred& p : subs) {
          if (p(s, crash) == any) return any;
        }
        return !any;
      };
    }
    if (k == "not") {
      Pred sub = CompileNested(v);
      return [sub](const std::string* s, const json& crash) {
        return !sub(s, crash);
      };
    }
    throw std::invalid_argument(fmt::format("unknown test '{}'", k));
  }

  static bool BuildIdOlderThan(const std::string* s, double days,
                               const base::Clock& clock) {
    // Antenna: ^20\d{12}$ and the first 8 characters a valid date.
    if (!s || s->size() != 14 || !s->starts_with("20")) return false;
    for (char c : *s) {
      if (c < '0' || c > '9') return false;
    }
    using namespace std::chrono;
    int y = std::stoi(s->substr(0, 4));
    unsigned m = static_cast<unsigned>(std::stoi(s->substr(4, 2)));
    unsigned d = static_cast<unsigned>(std::stoi(s->substr(6, 2)));
    year_month_day ymd{year{y}, month{m}, day{d}};
    if (!ymd.ok()) return false;
    auto build_day = sys_days(ymd);
    auto now = clock.Now();
    return now - build_day > duration<double, std::ratio<86400>>(days);
  }

  static Pred InJson(const std::string& path, Pred inner) {
    std::vector<std::string> parts;
    for (std::string_view p : base::Split(path, '.')) parts.emplace_back(p);
    return [parts, inner](const std::string* s, const json& crash) {
      if (!s) return false;
      json doc = json::parse(*s, nullptr, false);
      if (doc.is_discarded()) return false;
      const json* cur = &doc;
      for (const auto& p : parts) {
        if (!cur->is_object() || !cur->contains(p)) return false;
        cur = &(*cur)[p];
      }
      std::string field = PyStr(*cur);
      return inner(&field, crash);
    };
  }

  const base::Clock& clock_;
};

ThrottleResult ParseResultName(const json& v) {
  static const std::map<std::string, ThrottleResult> kNames = {
      {"accept", ThrottleResult::kAccept},
      {"defer", ThrottleResult::kDefer},
      {"reject", ThrottleResult::kReject},
      {"fakeaccept", ThrottleResult::kFakeAccept},
      {"continue", ThrottleResult::kContinue}};
  if (v.is_string()) {
    if (auto it = kNames.find(base::ToLower(v.get<std::string>()));
        it != kNames.end())
      return it->second;
  }
  throw std::invalid_argument(fmt::format("unknown result {}", v.dump()));
}

}  // namespace

struct Throttler::Impl {
  struct Rule {
    std::string name;
    std::string key;  // "*" = whole crash
    Pred condition;
    Outcome outcome;
  };
  std::vector<Rule> rules;
  std::function<double()> roll;
};

std::string_view ThrottleResultName(ThrottleResult r) {
  switch (r) {
    case ThrottleResult::kAccept:
      return "accept";
    case ThrottleResult::kDefer:
      return "defer";
    case ThrottleResult::kReject:
      return "reject";
    case ThrottleResult::kFakeAccept:
      return "fakeaccept";
    case ThrottleResult::kContinue:
      return "continue";
  }
  return "reject";
}

Throttler::Throttler(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Throttler::~Throttler() = default;
size_t Throttler::rule_count() const { return impl_->rules.size(); }

Result<std::string> Throttler::Preset(std::string_view name) {
  std::optional<std::string_view> text =
      assets::Find(fmt::format("throttle/{}.json", name));
  if (!text)
    return Status::NotFound(fmt::format(
        "no throttle preset named '{}' (accept_all, mozilla)", name));
  return std::string(*text);
}

Result<std::unique_ptr<Throttler>> Throttler::Make(
    std::string_view rules_json, const base::Clock& clock,
    std::function<double()> roll) {
  json doc = json::parse(rules_json, nullptr, false);
  if (doc.is_discarded())
    return Status::InvalidArgument("throttle rules: not valid JSON");
  if (!doc.is_object() || !doc.contains("rules") || !doc["rules"].is_array()) {
    return Status::InvalidArgument(
        "throttle rules: want an object with a \"rules\" list");
  }
  auto impl = std::make_unique<Impl>();
  static const RE2 kRuleName("(?i)[a-z0-9_]+");
  Compiler compiler(clock);
  size_t index = 0;
  for (const json& r : doc["rules"]) {
    ++index;
    std::string label = fmt::format("throttle rule #{}", index);
    try {
      if (!r.is_object()) throw std::invalid_argument("not an object");
      Impl::Rule rule;
      if (!r.contains("name") || !r["name"].is_string())
        throw std::invalid_argument("needs a name");
      rule.name = r["name"];
      label = fmt::format("throttle rule '{}'", rule.name);
      if (!RE2::FullMatch(rule.name, kRuleName))
        throw std::invalid_argument("name must match [a-z0-9_]+");
      rule.key = r.value("key", "*");
      rule.condition =
          r.contains("condition")
              ? compiler.Compile(r["condition"])
              : [](const std::string*, const json&) { return true; };
      if (!r.contains("result")) throw std::invalid_argument("needs a result");
      const json& res = r["result"];
      if (res.is_object()) {
        rule.outcome.percentage = Number(res.value("sample", json()), "sample");
        if (rule.outcome.percentage < 0 || rule.outcome.percentage > 100) {
          throw std::invalid_argument("sample must be within 0..100");
        }
        rule.outcome.match = ParseResultName(res.value("match", json()));
        rule.outcome.otherwise = ParseResultName(res.value("else", json()));
      } else {
        rule.outcome.match = rule.outcome.otherwise = ParseResultName(res);
        if (rule.outcome.match == ThrottleResult::kContinue)
          throw std::invalid_argument("a fixed result cannot be continue");
      }
      impl->rules.push_back(std::move(rule));
    } catch (const std::exception& e) {
      return Status::InvalidArgument(fmt::format("{}: {}", label, e.what()));
    }
  }
  if (roll) {
    impl->roll = std::move(roll);
  } else {
    impl->roll = [] {
      thread_local std::mt19937_64 rng{std::random_device{}()};
      return std::uniform_real_distribution<double>(0, 100)(rng);
    };
  }
  return std::unique_ptr<Throttler>(new Throttler(std::move(impl)));
}

ThrottleDecision Throttler::Decide(const json& annotations) const {
  for (const Impl::Rule& rule : impl_->rules) {
    std::optional<std::string> value;
    if (rule.key != "*") {
      value = Lookup(annotations, rule.key);
      if (!value) continue;
    }
    if (!rule.condition(value ? &*value : nullptr, annotations)) continue;
    const Outcome& o = rule.outcome;
    ThrottleResult result = o.match;
    if (o.match != o.otherwise) {
      result = impl_->roll() <= o.percentage ? o.match : o.otherwise;
    }
    if (result == ThrottleResult::kContinue) continue;
    return ThrottleDecision{result, rule.name, o.percentage};
  }
  return ThrottleDecision{};
}

}  // namespace crashbox::collector
