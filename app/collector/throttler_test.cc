// SPDX-License-Identifier: MPL-2.0
#include "app/collector/throttler.h"

#include <gtest/gtest.h>

namespace crashbox::collector {
namespace {

using nlohmann::json;

std::chrono::system_clock::time_point Now() {
  using namespace std::chrono;
  return sys_days(year_month_day{year{2026}, month{11}, day{24}});
}

class ThrottlerTest : public ::testing::Test {
 protected:
  std::unique_ptr<Throttler> Make(const std::string& rules) {
    auto t = Throttler::Make(rules, clock_, [this] { return roll_; });
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? std::move(t).value() : nullptr;
  }
  std::unique_ptr<Throttler> Mozilla() {
    return Make(Throttler::Preset("mozilla").value());
  }
  base::FakeClock clock_{Now()};
  double roll_ = 50;
};

TEST_F(ThrottlerTest, AcceptAllPresetAcceptsAnything) {
  auto t = Make(Throttler::Preset("accept_all").value());
  ThrottleDecision d = t->Decide(json::object());
  EXPECT_EQ(d.result, ThrottleResult::kAccept);
  EXPECT_EQ(d.rule, "accept_everything");
}

TEST_F(ThrottlerTest, NoMatchRejects) {
  auto t = Make(
      R"({"rules": [{"name": "x", "key": "A", "condition": {"equals": "1"}, "result": "accept"}]})");
  ThrottleDecision d = t->Decide(json{{"A", "2"}});
  EXPECT_EQ(d.result, ThrottleResult::kReject);
  EXPECT_EQ(d.rule, "NO_MATCH");
}

TEST_F(ThrottlerTest, ConditionsSeePythonStrOfValues) {
  auto t = Make(
      R"({"rules": [{"name": "t", "key": "Flag", "condition": {"equals": "True"}, "result": "defer"}]})");
  EXPECT_EQ(t->Decide(json{{"Flag", true}}).result, ThrottleResult::kDefer);
  EXPECT_EQ(t->Decide(json{{"Flag", "true"}}).result, ThrottleResult::kReject);
}

TEST_F(ThrottlerTest, EveryTestKind) {
  auto t = Make(R"({"rules": [
    {"name": "r_in", "key": "A", "condition": {"in": ["x", "y"]}, "result": "accept"},
    {"name": "r_prefix", "key": "B", "condition": {"prefix": ["52.", "53."]}, "result": "accept"},
    {"name": "r_regex", "key": "C", "condition": {"regex": "ab+"}, "result": "accept"},
    {"name": "r_num", "key": "D", "condition": {"gt": 10, "le": 20}, "result": "accept"},
    {"name": "r_json", "key": "E", "condition": {"json": "os.build", "lt": 9601}, "result": "accept"},
    {"name": "r_not", "key": "*", "condition": {"not": {"key": "F", "default": "none", "equals": "none"}},
     "result": "fakeaccept"}]})");
  EXPECT_EQ(t->Decide(json{{"A", "y"}}).rule, "r_in");
  EXPECT_EQ(t->Decide(json{{"B", "53.0"}}).rule, "r_prefix");
  EXPECT_EQ(t->Decide(json{{"C", "abbbz"}}).rule, "r_regex");
  EXPECT_EQ(t->Decide(json{{"C", "zab"}}).rule,
            "NO_MATCH");  // anchored at the start
  EXPECT_EQ(t->Decide(json{{"D", "15"}}).rule, "r_num");
  EXPECT_EQ(t->Decide(json{{"D", "25"}}).rule, "NO_MATCH");
  EXPECT_EQ(t->Decide(json{{"D", "many"}}).rule, "NO_MATCH");
  EXPECT_EQ(t->Decide(json{{"E", R"({"os": {"build": 9600}})"}}).rule,
            "r_json");
  EXPECT_EQ(t->Decide(json{{"E", "not json"}}).rule, "NO_MATCH");
  EXPECT_EQ(t->Decide(json{{"F", "set"}}).result, ThrottleResult::kFakeAccept);
}

TEST_F(ThrottlerTest, SamplingUsesTheRoll) {
  auto t = Make(
      R"({"rules": [{"name": "s", "key": "*", "result": {"sample": 10, "match": "accept", "else": "reject"}}]})");
  roll_ = 10;
  EXPECT_EQ(t->Decide(json::object()).result, ThrottleResult::kAccept);
  roll_ = 10.5;
  EXPECT_EQ(t->Decide(json::object()).result, ThrottleResult::kReject);
}

TEST_F(ThrottlerTest, RejectsBadRuleDocumentsWithTheRuleName) {
  for (
      const char* bad :
      {"not json", R"({"rules": 5})",
       R"({"rules": [{"name": "Bad Name", "result": "accept"}]})",
       R"({"rules": [{"name": "x", "result": "maybe"}]})",
       R"({"rules": [{"name": "x", "condition": {"regex": "("}, "result": "accept"}]})",
       R"({"rules": [{"name": "x", "condition": {"frobnicate": 1}, "result": "accept"}]})",
       R"({"rules": [{"name": "x", "result": {"sample": 150, "match": "accept", "else": "reject"}}]})"}) {
    auto t = Throttler::Make(bad, clock_);
    EXPECT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), Status::Code::kInvalidArgument);
  }
  auto t = Throttler::Make(
      R"({"rules": [{"name": "ok", "result": "accept"}, {"name": "bad_one", "result": "x"}]})",
      clock_);
  EXPECT_NE(t.status().message().find("bad_one"), std::string::npos)
      << t.status().message();
}

TEST_F(ThrottlerTest, MozillaOldBuildIdIsRejected) {
  auto t = Mozilla();
  ThrottleDecision d = t->Decide(
      json{{"ProductName", "Firefox"}, {"BuildID", "20200101000000"}});
  EXPECT_EQ(d.result, ThrottleResult::kReject);
  EXPECT_EQ(d.rule, "has_old_buildid");
}

TEST_F(ThrottlerTest, MozillaUnsupportedProductAndPackage) {
  auto t = Mozilla();
  EXPECT_EQ(t->Decide(json{{"ProductName", "Netscape"}}).rule,
            "unsupported_product");
  EXPECT_EQ(t->Decide(json::object()).rule, "unsupported_product");
  EXPECT_EQ(t->Decide(json{{"ProductName", "Fenix"}}).rule,
            "unsupported_packagename");
  EXPECT_EQ(t->Decide(json{{"ProductName", "Fenix"},
                           {"Android_PackageName", "org.mozilla.fenix"},
                           {"ReleaseChannel", "nightly"}})
                .rule,
            "is_nightly");
  EXPECT_EQ(t->Decide(json{{"ProductName", "b2g"}}).result,
            ThrottleResult::kFakeAccept);
}

TEST_F(ThrottlerTest, MozillaHangAndComments) {
  auto t = Mozilla();
  EXPECT_EQ(t->Decide(json{{"ProductName", "Firefox"}, {"HangID", "x"}}).rule,
            "has_hangid_and_browser");
  EXPECT_EQ(t->Decide(json{{"ProductName", "Firefox"},
                           {"HangID", "x"},
                           {"ProcessType", "gpu"}})
                .rule,
            "is_background");
  EXPECT_EQ(t->Decide(json{{"ProductName", "Firefox"}, {"Comments", ""}}).rule,
            "has_comments");
}

TEST_F(ThrottlerTest, MozillaReleaseIsSampledAtTenPercent) {
  auto t = Mozilla();
  json crash{{"ProductName", "Firefox"},
             {"ReleaseChannel", "release"},
             {"BuildID", "20261101000000"}};
  roll_ = 5;
  EXPECT_EQ(t->Decide(crash).result, ThrottleResult::kAccept);
  roll_ = 50;
  ThrottleDecision d = t->Decide(crash);
  EXPECT_EQ(d.result, ThrottleResult::kReject);
  EXPECT_EQ(d.rule, "is_firefox_desktop");
}

TEST_F(ThrottlerTest, MozillaShutdownKillContinuesOrRejects) {
  auto t = Mozilla();
  json crash{{"ProductName", "Firefox"},
             {"ipc_channel_error", "ShutDownKill"},
             {"ReleaseChannel", "beta"}};
  roll_ = 5;
  EXPECT_EQ(t->Decide(crash).rule, "is_alpha_beta_esr");
  roll_ = 50;
  EXPECT_EQ(t->Decide(crash).rule, "is_shutdownkill");
}

TEST_F(ThrottlerTest, MozillaEsrOnOldWindows) {
  auto t = Mozilla();
  json crash{
      {"ProductName", "Firefox"},
      {"ReleaseChannel", "esr"},
      {"TelemetryEnvironment",
       R"({"system": {"os": {"name": "Windows_NT", "windowsBuildNumber": 7601}}})"}};
  roll_ = 50;
  EXPECT_EQ(t->Decide(crash).rule, "is_firefox_esr_unsupported_windows");
  roll_ = 20;
  EXPECT_EQ(t->Decide(crash).rule, "is_alpha_beta_esr");
}

}  // namespace
}  // namespace crashbox::collector
