// SPDX-License-Identifier: MPL-2.0
// The special rules of the pipeline (SOCORRO.md §3.2, §3.7), one behaviour
// each, run through SignatureGenerator so their order is tested too.
#include <gtest/gtest.h>

#include "app/signature/rules/rules.h"
#include "app/signature/signature.h"
#include "app/signature/test_lists.h"

namespace crashbox::signature {
namespace {

// The stack signature is "sig" for every crash built by WithStack().
nlohmann::json WithStack(nlohmann::json extra = nlohmann::json::object()) {
  nlohmann::json crash = {{"crashing_thread", 0},
                          {"threads", {{{"frames", {{{"function", "sig"}}}}}}}};
  crash.update(extra);
  return crash;
}

std::string Sign(const nlohmann::json& crash, bool mozilla = true) {
  SignatureGenerator gen(MakeTestLists({}, {}, {}), SignatureOptions{mozilla});
  return gen.Generate(crash).signature;
}

TEST(StackwalkerErrorSignatureRule, AppendsStatusToEmptySignature) {
  EXPECT_EQ(Sign({{"mdsw_status_string", "EmptyMinidump"}}),
            "EMPTY: no frame data available; EmptyMinidump");
  EXPECT_EQ(Sign(WithStack({{"mdsw_status_string", "EmptyMinidump"}})), "sig");
}

TEST(BadHardware, PrefixesDeviceDataErrors) {
  EXPECT_EQ(Sign(WithStack(
                {{"reason",
                  "EXCEPTION_IN_PAGE_ERROR_READ / STATUS_DEVICE_DATA_ERROR"}})),
            "bad hardware | sig");
}

TEST(OOMSignature, SmallAllocationDropsStack) {
  EXPECT_EQ(Sign(WithStack({{"oom_allocation_size", 262144}})), "OOM | small");
}

TEST(OOMSignature, LargeAllocationKeepsStack) {
  EXPECT_EQ(Sign(WithStack({{"oom_allocation_size", 262145}})),
            "OOM | large | sig");
  EXPECT_EQ(Sign(WithStack({{"oom_allocation_size", "1048576"}})),
            "OOM | large | sig");
}

TEST(OOMSignature, UnknownSizeWhenTriggeredByOtherEvidence) {
  EXPECT_EQ(Sign(WithStack({{"reason", "STATUS_NO_MEMORY"}})),
            "OOM | unknown | sig");
  nlohmann::json crash = WithStack();
  crash["threads"][0]["last_error_value"] = "ERROR_COMMITMENT_LIMIT";
  EXPECT_EQ(Sign(crash), "OOM | unknown | sig");
  nlohmann::json rust = {
      {"threads", {{{"frames", {{{"function", "alloc::oom::oom"}}}}}}}};
  EXPECT_EQ(Sign(rust), "OOM | unknown | alloc::oom::oom");
}

TEST(OOMSignature, JsLargeAllocationReportIsLarge) {
  EXPECT_EQ(Sign(WithStack({{"js_large_allocation_failure", "Reporting"},
                            {"oom_allocation_size", 10}})),
            "OOM | large | sig");
}

TEST(AbortSignature, KeepsMessageWithoutFileAndLine) {
  EXPECT_EQ(
      Sign(WithStack({{"abort_message",
                       "[5392] ###!!! ABORT: Bad thing: file foo.cpp:12"}})),
      "Abort | Bad thing | sig");
}

TEST(AbortSignature, BareFileAbortOnlyMarks) {
  EXPECT_EQ(Sign(WithStack(
                {{"abort_message", "###!!! ABORT: file foo.cpp, line 12"}})),
            "Abort | sig");
}

TEST(AbortSignature, TruncatesLongMessagesAndDropsUnprintables) {
  std::string msg = std::string(100, 'x') + "\x01";
  EXPECT_EQ(Sign(WithStack({{"abort_message", msg}})),
            "Abort | " + std::string(77, 'x') + "... | sig");
}

TEST(AbortSignature, DropsLocalizedFontMessage) {
  EXPECT_EQ(rules::CleanAbortMessage(
                "unable to find a usable font (Schrift nicht gefunden)"),
            "unable to find a usable font");
}

TEST(AbortSignature, ComposesWithOom) {
  EXPECT_EQ(Sign(WithStack({{"abort_message", "boom"},
                            {"oom_allocation_size", 1 << 20},
                            {"ipc_message_name", "PFoo::Msg"}})),
            "Abort | boom | OOM | large | sig | IPC_Message_Name=PFoo::Msg");
}

TEST(SignatureShutdownTimeout, ReplacesWithPhaseAndSortedConditions) {
  nlohmann::json crash = WithStack(
      {{"async_shutdown_timeout",
        R"({"phase":"profile-before-change","conditions":[{"name":"B"},{"name":"A"},"C"]})"},
       {"oom_allocation_size", 1 << 20}});
  EXPECT_EQ(Sign(crash),
            "AsyncShutdownTimeout | profile-before-change | A,B,C");
}

TEST(SignatureShutdownTimeout, NoConditionsAndBadJson) {
  EXPECT_EQ(Sign(WithStack({{"async_shutdown_timeout",
                             R"({"phase":"x","conditions":null})"}})),
            "AsyncShutdownTimeout | x | (none)");
  EXPECT_EQ(Sign(WithStack({{"async_shutdown_timeout", R"({"phase":7})"}})),
            "AsyncShutdownTimeout | (unknown) | (none)");
  EXPECT_EQ(Sign(WithStack({{"async_shutdown_timeout", "{nope"}})),
            "AsyncShutdownTimeout | UNKNOWN");
  EXPECT_EQ(Sign(WithStack({{"async_shutdown_timeout",
                             R"({"phase":"p","conditions":[{}]})"}})),
            "AsyncShutdownTimeout | p | UNKNOWN");
}

TEST(SignatureShutdownTimeout, OffWithoutMozillaRules) {
  EXPECT_EQ(
      Sign(WithStack({{"async_shutdown_timeout", R"({"phase":"x"})"}}), false),
      "sig");
}

TEST(SignatureRunWatchDog, ResignsFromThreadZero) {
  nlohmann::json crash = {
      {"crashing_thread", 1},
      {"threads",
       {{{"frames", {{{"function", "main_stuck"}}}}},
        {{"frames",
          {{{"function",
             "mozilla::(anonymous namespace)::RunWatchdog(void*)"}}}}}}}};
  EXPECT_EQ(Sign(crash), "shutdownhang | main_stuck");
  EXPECT_EQ(Sign(crash, false), "mozilla::(anonymous namespace)::RunWatchdog");
}

TEST(SignatureIPCChannelError, StompsWithProcessTypeAndFirst100Chars) {
  std::string err = std::string(120, 'e');
  EXPECT_EQ(Sign(WithStack({{"ipc_channel_error", err}})),
            "IPCError-content | " + std::string(100, 'e'));
  EXPECT_EQ(Sign(WithStack(
                {{"ipc_channel_error", "ShutDownKill"},
                 {"additional_minidumps", {"upload_file_minidump_browser"}}})),
            "IPCError-browser | ShutDownKill");
}

TEST(StackOverflowSignature, PrefixesStackOverflow) {
  EXPECT_EQ(Sign(WithStack({{"reason", "EXCEPTION_STACK_OVERFLOW"}})),
            "stackoverflow | sig");
}

TEST(HungProcess, PrefixesHangValue) {
  EXPECT_EQ(Sign(WithStack({{"hang", "1"}})), "hang: 1 | sig");
}

TEST(SigPrintableCharsOnly, DropsControlAndNonAsciiCharacters) {
  nlohmann::json crash = {
      {"threads", {{{"frames", {{{"function", "f\xc3\xa9\x07g"}}}}}}}};
  EXPECT_EQ(Sign(crash), "fg");
}

TEST(SigFixWhitespace, CollapsesRuns) {
  // Frames never carry space runs (the tokenizer splits them); abort messages
  // do.
  EXPECT_EQ(Sign(WithStack({{"abort_message", "x   y"}})), "Abort | x y | sig");
}

TEST(SigTruncate, CutsTo255WithEllipsis) {
  std::string longname(300, 'f');
  nlohmann::json crash = {
      {"threads", {{{"frames", {{{"function", longname}}}}}}}};
  SignatureGenerator gen(MakeTestLists({}, {}, {}));
  SignatureResult r = gen.Generate(crash);
  EXPECT_EQ(r.signature.size(), kSignatureMaxLength);
  EXPECT_EQ(r.signature, std::string(252, 'f') + "...");
  EXPECT_EQ(r.notes.back(),
            "SigTruncate: SigTrunc: signature truncated due to length");
}

}  // namespace
}  // namespace crashbox::signature
