// SPDX-License-Identifier: MPL-2.0
// One behaviour per test for the processor's rules, run on hand-made contexts.
#include <gtest/gtest.h>

#include "app/processor/rule.h"

namespace crashbox::processor {
namespace {

using nlohmann::json;

// Runs the rule named `name` from the default ruleset on `ctx`.
void Apply(const char* name, RuleContext& ctx) {
  for (const Rule& r : DefaultRuleset()) {
    if (std::string(r.name) == name) {
      r.apply(ctx);
      return;
    }
  }
  FAIL() << "no rule " << name;
}

RuleContext WithRaw(json raw) {
  RuleContext ctx;
  ctx.ruleset = "default";
  ctx.raw = std::move(raw);
  return ctx;
}

TEST(DeNullRule, StripsNulsFromKeysAndStringValues) {
  RuleContext ctx = WithRaw(
      json{{std::string("Ke\0y", 4), std::string("va\0l", 4)}, {"n", 5}});
  Apply("de_null", ctx);
  EXPECT_EQ(ctx.raw["Key"], "val");
  EXPECT_EQ(ctx.raw["n"], 5);
}

TEST(DeNoneRule, DropsNullValues) {
  RuleContext ctx = WithRaw(json{{"A", nullptr}, {"B", "x"}});
  Apply("de_none", ctx);
  EXPECT_FALSE(ctx.raw.contains("A"));
  EXPECT_TRUE(ctx.raw.contains("B"));
}

TEST(CrashReportKeysRule, KeepsValidKeysAndNotesInvalidOnes) {
  RuleContext ctx = WithRaw(json{
      {"Good_key-1", "x"}, {"bad key!", "y"}, {std::string(120, 'k'), "z"}});
  ctx.dumps.push_back({"upload_file_minidump", ""});
  Apply("crash_report_keys", ctx);
  EXPECT_EQ(ctx.processed["crash_report_keys"],
            json::array(
                {"Good_key-1", std::string(100, 'k'), "upload_file_minidump"}));
  EXPECT_EQ(ctx.notes.at(0), "invalidkeys: Crash report contains invalid keys");
}

TEST(CopyAnnotationsRule, ConvertsByTheFieldTable) {
  RuleContext ctx = WithRaw(json{{"ProductName", "App  "},
                                 {"SafeMode", "1"},
                                 {"AvailablePageFile", "42"},
                                 {"UptimeTS", "3.5"},
                                 {"TelemetryEnvironment", R"({"a": 1})"}});
  Apply("copy_annotations", ctx);
  EXPECT_EQ(ctx.processed["product"], "App");  // trailing whitespace stripped
  EXPECT_EQ(ctx.processed["safe_mode"], true);
  EXPECT_EQ(ctx.processed["available_page_file"], 42);
  EXPECT_EQ(ctx.processed["uptime_ts"], 3.5);
  EXPECT_EQ(ctx.processed["telemetry_environment"]["a"], 1);
  EXPECT_EQ(ctx.processed["marionette"],
            false);  // schema default for a missing annotation
  EXPECT_TRUE(ctx.notes.empty());
}

TEST(CopyAnnotationsRule, NonStringForAStringFieldStopsTheRuleAsSocorro) {
  RuleContext ctx =
      WithRaw(json{{"AdapterDeviceID", 7}, {"ProductName", "App"}});
  Apply("copy_annotations", ctx);
  EXPECT_FALSE(ctx.processed.contains(
      "product"));  // comes after adapter_device_id in the table
  EXPECT_EQ(ctx.notes.at(0),
            "ruleset 'default' rule 'copy_annotations' failed: AttributeError");
}

TEST(MajorVersionRule, TextBeforeTheFirstDot) {
  for (auto [version, major] : std::vector<std::pair<std::string, int>>{
           {"128.0b3", 128}, {"7", 7}, {"beta", 0}, {"", 0}}) {
    RuleContext ctx = WithRaw(json{{"Version", version}});
    Apply("major_version", ctx);
    EXPECT_EQ(ctx.processed["major_version"], major) << version;
  }
}

TEST(ProcessTypeRule, DefaultsToParentAndMapsMain) {
  RuleContext none = WithRaw(json::object());
  Apply("process_type", none);
  EXPECT_EQ(none.processed["process_type"], "parent");
  RuleContext main = WithRaw(json{{"ProcessType", "main"}});
  Apply("process_type", main);
  EXPECT_EQ(main.processed["process_type"], "parent");
  RuleContext gpu = WithRaw(json{{"ProcessType", "gpu"}});
  Apply("process_type", gpu);
  EXPECT_EQ(gpu.processed["process_type"], "gpu");
}

TEST(DatesAndTimesRule, ComputesAgesAndFallsBackWithNotes) {
  RuleContext ctx =
      WithRaw(json{{"submitted_timestamp", "2026-11-24T10:00:00.000000+00:00"},
                   {"CrashTime", "1795000100"},
                   {"StartupTime", "1795000000"},
                   {"InstallTime", "1794000000"},
                   {"SecondsSinceLastCrash", "3600"}});
  Apply("dates_and_times", ctx);
  EXPECT_EQ(ctx.processed["uptime"], 100);
  EXPECT_EQ(ctx.processed["install_age"], 1000100);
  EXPECT_EQ(ctx.processed["last_crash"], 3600);
  EXPECT_EQ(ctx.processed["client_crash_date"], "2026-11-18T11:08:20+00:00");

  RuleContext missing = WithRaw(
      json{{"submitted_timestamp", "2026-11-24T10:00:00.000000+00:00"}});
  Apply("dates_and_times", missing);
  EXPECT_EQ(missing.processed["crash_time"], 1795514400);
  EXPECT_EQ(missing.notes.at(0), "WARNING: raw_crash missing CrashTime");
  EXPECT_EQ(missing.notes.at(1), "client_crash_date is unknown");
  EXPECT_EQ(missing.processed["uptime"], 0);
}

json WithOs(const std::string& os, const std::string& version) {
  return json{{"json_dump",
               {{"system_info",
                 {{"os", os}, {"os_ver", version}, {"cpu_arch", "x86"}}}}}};
}

TEST(OsPrettyVersionRule, NamesWindowsMacAndLinux) {
  struct Case {
    std::string os, version, pretty;
  };
  for (const Case& c :
       std::vector<Case>{{"Windows NT", "6.1.7601 Service Pack 1", "Windows 7"},
                         {"Windows NT", "10.0.19045", "Windows 10"},
                         {"Windows NT", "10.0.22631", "Windows 11"},
                         {"Windows NT", "4.0", "Windows Unknown"},
                         {"Mac OS X", "10.15.7 19H2", "OS X 10.15"},
                         {"Mac OS X", "14.1.0 23B74", "macOS 14"},
                         {"Linux", "6.1.0", "Linux"}}) {
    RuleContext ctx = WithRaw(json::object());
    ctx.processed = WithOs(c.os, c.version);
    Apply("os_info", ctx);
    Apply("os_pretty_version", ctx);
    EXPECT_EQ(ctx.processed["os_pretty_version"], c.pretty)
        << c.os << " " << c.version;
  }
}

TEST(OsPrettyVersionRule, LinuxUsesTheLsbDescription) {
  RuleContext ctx =
      WithRaw(json{{"LinuxLSBDescription", "Debian GNU/Linux 12 (bookworm)"}});
  ctx.processed = WithOs("Linux", "6.1.0");
  Apply("os_info", ctx);
  Apply("os_pretty_version", ctx);
  EXPECT_EQ(ctx.processed["os_pretty_version"],
            "Debian GNU/Linux 12 (bookworm)");
}

TEST(PlatformInfoRule, FillsFromAnnotationsWithoutAMinidump) {
  RuleContext ctx =
      WithRaw(json{{"OS", "Android"}, {"CPUArchitecture", "arm64"}});
  Apply("cpu_info", ctx);
  Apply("os_info", ctx);
  Apply("platform_info", ctx);
  EXPECT_EQ(ctx.processed["os_name"], "Android");
  EXPECT_EQ(ctx.processed["cpu_arch"], "arm64");
}

json StackOf(json frames, json modules) {
  return json{{"json_dump",
               {{"crashing_thread", {{"frames", std::move(frames)}}},
                {"modules", std::move(modules)},
                {"crash_info", {{"crashing_thread", 0}}},
                {"threads", json::array({json{{"frames", json::array()}}})}}}};
}

TEST(StackSummaryRules, TopmostFileModulesInStackAndMissingSymbols) {
  RuleContext ctx = WithRaw(json::object());
  ctx.processed = StackOf(
      json::array(
          {json{{"module", "libc.so.6"}},
           json{{"module", "app"},
                {"file", "src/a.cc"},
                {"inlines", json::array({json{{"file", "src/inl.h"}}})}},
           json{{"module", "app"}, {"file", "src/b.cc"}}}),
      json::array({json{{"filename", "libc.so.6"},
                        {"debug_id", "ABC-123"},
                        {"missing_symbols", true},
                        {"code_id", "c0de"},
                        {"version", "2/36"}},
                   json{{"filename", "app"},
                        {"debug_id", "DEF0"},
                        {"missing_symbols", false}}}));
  Apply("topmost_filenames", ctx);
  Apply("modules_in_stack", ctx);
  Apply("missing_symbols", ctx);
  EXPECT_EQ(ctx.processed["topmost_filenames"], "src/inl.h");  // inlines first
  EXPECT_EQ(ctx.processed["modules_in_stack"], "app/DEF0;libc.so.6/ABC123");
  EXPECT_EQ(ctx.processed["missing_symbols"], "libc.so.6/2\\/36/ABC-123/c0de");
}

TEST(ReportTypeRule, HangWhenAWatchdogFrameOrIpcErrorIsPresent) {
  RuleContext crash = WithRaw(json::object());
  crash.processed = StackOf(json::array(), json::array());
  Apply("report_type", crash);
  EXPECT_EQ(crash.processed["report_type"], "crash");
  RuleContext ipc = WithRaw(json::object());
  ipc.processed = {{"ipc_channel_error", "ShutDownKill"}};
  Apply("report_type", ipc);
  EXPECT_EQ(ipc.processed["report_type"], "hang");
  RuleContext watchdog = WithRaw(json::object());
  watchdog.processed = StackOf(json::array(), json::array());
  watchdog.processed["json_dump"]["threads"][0]["frames"] =
      json::array({json{{"function", "mozilla::RunWatchdog(void*)"}}});
  Apply("report_type", watchdog);
  EXPECT_EQ(watchdog.processed["report_type"], "hang");
}

TEST(CrashingThreadInfoRule, AdjustsNullPageAddressesOnly) {
  RuleContext ctx = WithRaw(json::object());
  ctx.processed = {{"json_dump",
                    {{"crash_info",
                      {{"type", "EXCEPTION_ACCESS_VIOLATION_READ"},
                       {"address", "0x00000008"},
                       {"crashing_thread", 2}}}}}};
  Apply("crashing_thread_info", ctx);
  EXPECT_EQ(ctx.processed["address"], "0x00000000");
  EXPECT_EQ(ctx.processed["crashing_thread"], 2);
  RuleContext far = WithRaw(json::object());
  far.processed = {{"json_dump",
                    {{"crash_info",
                      {{"type", "SIGSEGV /SEGV_MAPERR"},
                       {"address", "0x0000000000402000"},
                       {"crashing_thread", 0}}}}}};
  Apply("crashing_thread_info", far);
  EXPECT_EQ(far.processed["address"], "0x0000000000402000");
  RuleContext abort = WithRaw(json::object());
  abort.processed = {{"json_dump",
                      {{"crash_info",
                        {{"type", "SIGABRT"},
                         {"address", "0x0000000000000007"},
                         {"crashing_thread", nullptr}}}}}};
  Apply("crashing_thread_info", abort);
  EXPECT_EQ(abort.processed["address"],
            "0x0000000000000007");  // not an access: no adjustment
  EXPECT_EQ(abort.notes.at(0), "mdsw did not identify the crashing thread");
}

TEST(JavaStackTraceRule, DropsTheMessageAndCausedBySections) {
  RuleContext ctx = WithRaw(
      json{{"JavaStackTrace",
            "java.lang.IllegalStateException: user typed secret@example.org\n"
            "\tat org.example.Foo.bar(Foo.java:12)\n"
            "\tat org.example.Main.run(Main.java:3)\n"
            "Caused by: java.io.IOException: disk\n"
            "\tat java.io.File.open(File.java:1)\n"}});
  Apply("java_stack_trace", ctx);
  EXPECT_EQ(ctx.processed["java_stack_trace"],
            "java.lang.IllegalStateException\n\tat "
            "org.example.Foo.bar(Foo.java:12)\n\tat "
            "org.example.Main.run(Main.java:3)");
  EXPECT_TRUE(ctx.processed["java_stack_trace_raw"].get<std::string>().find(
                  "secret") != std::string::npos);
  RuleContext bad = WithRaw(json{{"JavaStackTrace", "nothing useful"}});
  Apply("java_stack_trace", bad);
  EXPECT_EQ(bad.processed["java_stack_trace"], "malformed");
  EXPECT_EQ(bad.notes.at(0), "JavaStackTrace: malformed JavaStackTrace");
}

}  // namespace
}  // namespace crashbox::processor
