// SPDX-License-Identifier: MPL-2.0
// Conformance with Socorro when loaded with Socorro's own lists
// (../shared/reference/socorro-siglists next to the source tree). Each
// expected signature was derived by hand from SOCORRO.md §3 (the list
// membership of every frame was checked against the list files); the
// derivation is in the comment above each case.
#include <cstdlib>

#include <gtest/gtest.h>

#include "app/signature/signature.h"

namespace crashbox::signature {
namespace {

std::filesystem::path SocorroListsDir() {
  const char* src = std::getenv("CB_SOURCE_DIR");
  std::filesystem::path base = src ? src : ".";
  return base / ".." / "shared" / "reference" / "socorro-siglists";
}

class SocorroLists : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::path dir = SocorroListsDir();
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      GTEST_SKIP()
          << "Socorro's lists not found at " << dir
          << " (set CB_SOURCE_DIR to a checkout next to shared/reference)";
    }
    Result<std::shared_ptr<const Siglists>> lists = LoadSiglists(dir);
    ASSERT_TRUE(lists.ok()) << lists.status().ToString();
    lists_ = *lists;
  }
  std::string Sign(const nlohmann::json& crash) const {
    return SignatureGenerator(lists_, SignatureOptions{/*mozilla_rules=*/true})
        .Generate(crash)
        .signature;
  }
  std::shared_ptr<const Siglists> lists_;
};

nlohmann::json Stack(std::initializer_list<nlohmann::json> frames,
                     nlohmann::json extra = {}) {
  nlohmann::json crash = {{"crashing_thread", 0},
                          {"threads", {{{"frames", frames}}}}};
  if (extra.is_object()) crash.update(extra);
  return crash;
}

TEST_F(SocorroLists, EveryLineCompilesWithRe2) {
  for (const std::string& note : lists_->load_notes) ADD_FAILURE() << note;
  EXPECT_EQ(lists_->sentinels.size(), 20u);
  EXPECT_EQ(lists_->irrelevant.patterns().size(), 306u);
  EXPECT_EQ(lists_->prefix.patterns().size(), 265u);
  EXPECT_EQ(lists_->line_numbers.patterns().size(), 1u);
}

// __pthread_kill_implementation, __GI_raise, __GI_abort: irrelevant.
// nsFoo::Bar: neither list → appended, stop.
TEST_F(SocorroLists, LinuxAbortSkipsGlibc) {
  EXPECT_EQ(
      Sign(Stack({{{"function", "__pthread_kill_implementation"},
                   {"module", "libc.so.6"}},
                  {{"function", "__GI_raise"}, {"module", "libc.so.6"}},
                  {{"function", "__GI_abort"}, {"module", "libc.so.6"}},
                  {{"function", "nsFoo::Bar(int)"}, {"module", "libxul.so"}},
                  {{"function", "main"}, {"module", "firefox"}}})),
      "nsFoo::Bar");
}

// Windows: modules lower-cased; kernelbase.dll prefix (.*\.dll), repeat
// collapsed; RaiseException irrelevant; xul.dll prefix, repeat collapsed;
// Foo::Bar (const qualifier and arguments dropped) stops.
TEST_F(SocorroLists, WindowsUnsymbolizedModulesCollapse) {
  EXPECT_EQ(Sign(Stack(
                {{{"module", "KERNELBASE.dll"}, {"module_offset", "0x10"}},
                 {{"module", "KERNELBASE.dll"}, {"module_offset", "0x20"}},
                 {{"function", "RaiseException"}, {"module", "KERNELBASE.dll"}},
                 {{"module", "xul.dll"}, {"module_offset", "0x30"}},
                 {{"module", "xul.dll"}, {"module_offset", "0x40"}},
                 {{"function", "Foo::Bar(int) const"}, {"module", "xul.dll"}}},
                {{"os", "Windows NT"}})),
            "kernelbase.dll | xul.dll | Foo::Bar");
}

// Sentinel core::panicking::panic_fmt (index 1) cuts rust_panic_with_hook;
// panic_fmt itself is irrelevant (core::panicking::); expect_failed (Rust: hash
// removed) is a prefix; app::parse stops.
TEST_F(SocorroLists, RustPanicStartsAtSentinel) {
  const char* core = "/rustc/abc/library/core/src/option.rs";
  EXPECT_EQ(
      Sign(Stack(
          {{{"function", "std::panicking::rust_panic_with_hook"},
            {"file", core}},
           {{"function", "core::panicking::panic_fmt"}, {"file", core}},
           {{"function", "core::option::expect_failed::h0123456789abcdef"},
            {"file", core}},
           {{"function", "app::parse::hfedcba9876543210"},
            {"file", "/src/app/parse.rs"}},
           {{"function", "main"}}})),
      "core::option::expect_failed | app::parse");
}

// OOMSignature with 128 bytes ≤ 256 KiB → the stack is dropped.
TEST_F(SocorroLists, SmallOomDropsStack) {
  EXPECT_EQ(Sign(Stack({{{"function", "moz_xmalloc"}},
                        {{"function", "nsFoo::Grow()"}}},
                       {{"oom_allocation_size", 128}})),
            "OOM | small");
}

// @0x5e39bf21 (offset only) irrelevant; js_Interpret is in the line-number
// list → "js_Interpret:42", not a prefix → stop.
TEST_F(SocorroLists, LineNumberListAppendsLine) {
  EXPECT_EQ(Sign(Stack({{{"offset", "0x000000005e39bf21"}},
                        {{"function", "js_Interpret"},
                         {"file", "/js/src/jsinterp.cpp"},
                         {"line", 42}},
                        {{"function", "js::RunScript"}}})),
            "js_Interpret:42");
}

// Sentinel _sigtramp cuts libsystem_kernel.dylib; _sigtramp is irrelevant;
// CrashHere stops.
TEST_F(SocorroLists, SigtrampSentinel) {
  EXPECT_EQ(Sign(Stack({{{"module", "libsystem_kernel.dylib"}},
                        {{"function", "_sigtramp"},
                         {"module", "libsystem_platform.dylib"}},
                        {{"function", "CrashHere()"}, {"module", "XUL"}}})),
            "CrashHere");
}

// InvalidArrayIndex_CRASH and nsTArray_Impl<T>::ElementAt are prefixes; the
// element type collapses to <T>; SetAttr stops.
TEST_F(SocorroLists, TemplatesCollapseInPrefixChain) {
  EXPECT_EQ(
      Sign(Stack({{{"function",
                    "InvalidArrayIndex_CRASH(unsigned long, unsigned long)"}},
                  {{"function",
                    "nsTArray_Impl<RefPtr<Foo>, "
                    "nsTArrayInfallibleAllocator>::ElementAt(unsigned long)"}},
                  {{"function",
                    "mozilla::dom::Element::SetAttr(int, nsAtom*, nsAString "
                    "const&, bool)"}}})),
      "InvalidArrayIndex_CRASH | nsTArray_Impl<T>::ElementAt | "
      "mozilla::dom::Element::SetAttr");
}

// No function: libfoo.so (module, no offset) is in neither list → stop.
TEST_F(SocorroLists, ModuleOnlyFrameHasNoOffset) {
  EXPECT_EQ(Sign(Stack({{{"module", "libfoo.so"}, {"module_offset", "0x1234"}},
                        {{"file", "/a/b/c/source"}, {"line", 23}}})),
            "libfoo.so");
}

// RunWatchdog in the crashing thread → re-sign thread 0:
// NtWaitForAlertByThreadId and nsThread::ProcessNextEvent irrelevant,
// nsAppShell::Run stops → "shutdownhang | nsAppShell::Run".
TEST_F(SocorroLists, ShutdownHangUsesThreadZero) {
  nlohmann::json crash = {
      {"crashing_thread", 1},
      {"threads",
       {{{"frames",
          {{{"function", "NtWaitForAlertByThreadId"}},
           {{"function", "nsThread::ProcessNextEvent(bool, bool*)"}},
           {{"function", "nsAppShell::Run()"}}}}},
        {{"frames",
          {{{"function",
             "mozilla::(anonymous namespace)::RunWatchdog(void*)"}}}}}}}};
  EXPECT_EQ(Sign(crash), "shutdownhang | nsAppShell::Run");
}

// Composition (SOCORRO.md §3.2): abort wraps OOM, IPC message name appends.
TEST_F(SocorroLists, AbortOomAndIpcNameCompose) {
  EXPECT_EQ(Sign(Stack(
                {{{"function", "mozilla::dom::Foo::Bar()"}}},
                {{"abort_message", "###!!! ABORT: out of memory: file x.cpp:1"},
                 {"oom_allocation_size", 1048576},
                 {"ipc_message_name", "PContent::Msg_Foo"}})),
            "Abort | out of memory | OOM | large | mozilla::dom::Foo::Bar | "
            "IPC_Message_Name=PContent::Msg_Foo");
}

}  // namespace
}  // namespace crashbox::signature
