// SPDX-License-Identifier: MPL-2.0
#include "app/processor/processor.h"

#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "app/base/sha256.h"
#include "app/minidump/minidump.h"
#include "app/processor/rule.h"
#include "app/symbols/suppliers/map_supplier.h"
#include "store/lmdb/crash_store.h"
#include "tests/testing/synth/synth_dump.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::processor {
namespace {

using nlohmann::json;
using testing::SynthContext;
using testing::SynthCpu;
using testing::SynthDump;

constexpr char kId[] = "de1bb258-cbbf-4589-a673-34f800261124";
constexpr uint64_t kAppBase = 0x400000;
constexpr uint64_t kStack = 0x7000;

// Linux amd64 dump: "app" crashes in Widget::Paint called from main, SIGSEGV at
// 0x10.
std::string MakeDump() {
  SynthDump dump(SynthCpu::kAmd64, /*platform=*/0x8201);
  dump.AddModule({.name = "/usr/bin/app",
                  .base = kAppBase,
                  .size = 0x10000,
                  .cv_record = SynthDump::Elf(std::string(16, '\x11'))});
  SynthContext ctx{SynthCpu::kAmd64,
                   {{"rip", kAppBase + 0x1010}, {"rsp", kStack}, {"rbp", 0}},
                   {}};
  dump.AddThread(1, ctx, kStack,
                 SynthDump::Words64({kAppBase + 0x2010, 0, 0, 0}));
  dump.SetException(1, /*SIGSEGV*/ 11, /*SEGV_MAPERR*/ 1, 0x10, {}, ctx);
  return dump.Build();
}

constexpr char kSym[] =
    "MODULE Linux x86_64 11111111111111111111111111111111 app\n"
    "FILE 0 src/widget.cc\n"
    "FUNC 1000 100 0 Widget::Paint(Canvas&)\n"
    "1000 100 42 0\n"
    "FUNC 2000 100 0 main\n"
    "2000 100 7 0\n"
    "STACK CFI INIT 1000 100 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n"
    "STACK CFI INIT 2000 100 .cfa: $rsp 8 + .ra: .cfa -8 + ^\n";

class ProcessorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::lmdb::EnvOptions opts;
    opts.path = (dir_ / "store").string();
    env_ = std::move(store::lmdb::Env::Open(opts)).value();
    store_ = std::make_unique<store::lmdb::LmdbCrashStore>(*env_);
    auto dump = minidump::Minidump::Open(MakeDump());
    const minidump::Module& app = dump.value()->modules()->modules()[0];
    ASSERT_TRUE(symbols_.AddText({app.debug_file, app.debug_id}, kSym).ok());
    signatures_ = std::make_unique<SignatureRunner>(
        std::make_shared<signature::SignatureGenerator>(
            signature::DefaultSiglists()));
    options_.inflight_dir = dir_ / "inflight";
    options_.workers = 2;
  }
  std::unique_ptr<Processor> MakeProcessor() {
    return std::make_unique<Processor>(options_, *store_, &symbols_,
                                       signatures_.get(), clock_, metrics_);
  }
  void PutCrash(json annotations, const store::QueueName* queue = nullptr,
                const std::string& id = kId) {
    std::string dump = MakeDump();
    annotations["uuid"] = id;
    annotations["submitted_timestamp"] = "2026-11-24T10:00:00.000000+00:00";
    annotations["metadata"] = {
        {"dump_checksums",
         {{"upload_file_minidump", base::Sha256Hex(AsBytes(dump))}}}};
    ASSERT_TRUE(
        store_
            ->PutRaw({id, annotations.dump(), {{"upload_file_minidump", dump}}},
                     queue)
            .ok());
  }
  json Standard() {
    return json{{"ProductName", "App"},        {"Version", "2.5.1"},
                {"CrashTime", "1795000100"},   {"StartupTime", "1795000000"},
                {"InstallTime", "1794000000"}, {"ReleaseChannel", "beta"}};
  }

  testing::TempDir dir_;
  std::unique_ptr<store::lmdb::Env> env_;
  std::unique_ptr<store::lmdb::LmdbCrashStore> store_;
  symbols::MapSymbolSupplier symbols_;
  std::unique_ptr<SignatureRunner> signatures_;
  base::FakeClock clock_{
      std::chrono::system_clock::time_point(std::chrono::seconds(1795000200))};
  base::MetricsRegistry metrics_;
  ProcessorOptions options_;
};

TEST_F(ProcessorTest, ProducesSocorroFields) {
  PutCrash(Standard());
  Result<json> r = MakeProcessor()->Process(kId, "default");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const json& p = r.value();
  EXPECT_EQ(p["uuid"], kId);
  EXPECT_EQ(p["product"], "App");
  EXPECT_EQ(p["version"], "2.5.1");
  EXPECT_EQ(p["major_version"], 2);
  EXPECT_EQ(p["release_channel"], "beta");
  EXPECT_EQ(p["process_type"], "parent");
  EXPECT_EQ(p["uptime"], 100);
  EXPECT_EQ(p["install_age"], 1000100);
  EXPECT_EQ(p["crash_time"], 1795000100);
  EXPECT_EQ(p["os_name"], "Linux");
  EXPECT_EQ(p["cpu_arch"], "amd64");
  EXPECT_EQ(p["reason"], "SIGSEGV /SEGV_MAPERR");
  EXPECT_EQ(p["address"], "0x0000000000000000");  // 0x10 is in the null page
  EXPECT_EQ(p["crashing_thread"], 0);
  EXPECT_EQ(p["signature"], "Widget::Paint");
  EXPECT_EQ(p["topmost_filenames"], "src/widget.cc");
  EXPECT_EQ(p["modules_in_stack"],
            "app/11111111111111111111111111111111"
            "0");
  EXPECT_EQ(p["report_type"], "crash");
  EXPECT_EQ(p["thread_count"], 1);
  EXPECT_EQ(p["mdsw_status_string"], "OK");
  EXPECT_TRUE(p["success"].get<bool>());
  EXPECT_EQ(p["json_dump"]["crashing_thread"]["frames"][1]["function"], "main");
  EXPECT_EQ(p["minidump_sha256_hash"].get<std::string>().size(), 64u);
  EXPECT_TRUE(p["processor_notes"].get<std::string>().starts_with(
      ">>> Start processing: "));
  EXPECT_EQ(p["processor_history"], json::array());
}

TEST_F(ProcessorTest, MissingSymbolsAreListedAndNoted) {
  PutCrash(Standard());
  symbols::MapSymbolSupplier empty;
  Processor processor(options_, *store_, &empty, signatures_.get(), clock_,
                      metrics_);
  json p = processor.Process(kId, "default").value();
  EXPECT_EQ(p["missing_symbols"],
            "app/None/111111111111111111111111111111110/"
            "11111111111111111111111111111111");
  EXPECT_EQ(p["signature"],
            "app");  // bare module, no offset, as Socorro since 2024
}

TEST_F(ProcessorTest, AnnotationConversionsAndRuleFailuresBecomeNotes) {
  json a = Standard();
  a["SafeMode"] = "maybe";          // boolean field with a non-boolean value
  a["AvailablePageFile"] = "lots";  // integer field
  a["CrashTime"] = "soon";
  PutCrash(a);
  json p = MakeProcessor()->Process(kId, "default").value();
  std::string notes = p["processor_notes"];
  EXPECT_NE(notes.find("SafeMode has non-boolean value maybe"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("AvailablePageFile has a non-int value"),
            std::string::npos);
  EXPECT_NE(notes.find("non-integer value of \"CrashTime\""),
            std::string::npos);
  EXPECT_FALSE(p.contains("safe_mode"));
}

TEST_F(ProcessorTest, RegenerateSignatureKeepsHistory) {
  PutCrash(Standard());
  auto processor = MakeProcessor();
  json first = processor->Process(kId, "default").value();
  store::QueueEntry entry;
  entry.crash_id = kId;
  ASSERT_TRUE(store_->Complete(entry, first.dump()).ok());
  json again = processor->Process(kId, "regenerate_signature").value();
  EXPECT_EQ(again["signature"], first["signature"]);
  ASSERT_EQ(again["processor_history"].size(), 1u);
  EXPECT_EQ(again["processor_history"][0], first["processor_notes"]);
  EXPECT_EQ(again["json_dump"], first["json_dump"]);  // the walk was not redone
}

TEST_F(ProcessorTest, WorkersDrainTheQueueAndStoreResults) {
  store::QueueName normal = store::QueueName::kNormal;
  PutCrash(Standard(), &normal, kId);
  PutCrash(Standard(), &normal, "00000000-0000-4000-8000-000000261124");
  auto processor = MakeProcessor();
  processor->Start();
  for (int i = 0; i < 200 && processor->processed_count() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  processor->Stop();
  EXPECT_EQ(processor->processed_count(), 2u);
  EXPECT_EQ(store_->GetQueueDepths().value().total(), 0u);
  json p = json::parse(store_->GetProcessed(kId).value());
  EXPECT_EQ(p["signature"], "Widget::Paint");
  EXPECT_TRUE(std::filesystem::is_empty(options_.inflight_dir));
}

TEST_F(ProcessorTest, ACrashThatKilledTheProcessTwiceIsSkipped) {
  store::QueueName normal = store::QueueName::kNormal;
  PutCrash(Standard(), &normal);
  std::filesystem::create_directories(options_.inflight_dir);
  std::ofstream(options_.inflight_dir / kId) << "2\n";
  auto processor = MakeProcessor();
  processor->Start();
  for (int i = 0; i < 200 && processor->processed_count() < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  processor->Stop();
  json p = json::parse(store_->GetProcessed(kId).value());
  EXPECT_FALSE(p["success"].get<bool>());
  EXPECT_NE(p["processor_notes"].get<std::string>().find("crash skipped"),
            std::string::npos);
}

TEST_F(ProcessorTest, ARawCrashOverTheLimitIsKeptNotParsedAndNoted) {
  json a = Standard();
  a["Padding"] = json::array();
  for (int i = 0; i < 3000; ++i) a["Padding"].push_back(0);  // ~6 KB of text
  store::QueueName normal = store::QueueName::kNormal;
  PutCrash(a, &normal);
  options_.max_raw_crash_bytes = 4096;
  auto processor = MakeProcessor();
  json direct = processor->Process(kId, "default").value();
  EXPECT_FALSE(direct["success"].get<bool>());
  EXPECT_FALSE(direct.contains("json_dump"));  // nothing was walked or parsed
  processor->Start();
  for (int i = 0; i < 200 && processor->processed_count() < 1; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  processor->Stop();
  EXPECT_EQ(store_->GetQueueDepths().value().total(),
            0u);                               // completed: not retried
  EXPECT_TRUE(store_->GetRawCrash(kId).ok());  // kept
  json p = json::parse(store_->GetProcessed(kId).value());
  EXPECT_FALSE(p["success"].get<bool>());
  EXPECT_EQ(p["uuid"], kId);
  std::string notes = p["processor_notes"];
  EXPECT_NE(notes.find("over the processor's limit of 4096 bytes"),
            std::string::npos)
      << notes;
  EXPECT_NE(notes.find("CRASHBOX_PROCESSOR_MAX_RAW_CRASH_BYTES"),
            std::string::npos)
      << notes;
  // Under the limit the same crash processes normally.
  options_.max_raw_crash_bytes = 1 << 20;
  EXPECT_TRUE(
      MakeProcessor()->Process(kId, "default").value()["success"].get<bool>());
}

TEST(TruncateStacksRule, KeepsFirst250AndLast249Frames) {
  RuleContext ctx;
  ctx.ruleset = "default";
  json frames = json::array();
  for (int i = 0; i < 1200; ++i) frames.push_back(json{{"frame", i}});
  ctx.processed["json_dump"] = {
      {"threads", json::array({json{{"frames", frames}}})}};
  for (const Rule& r : StackwalkRules()) {
    if (std::string(r.name) == "truncate_stacks") r.apply(ctx);
  }
  const json& kept = ctx.processed["json_dump"]["threads"][0]["frames"];
  ASSERT_EQ(kept.size(), 500u);
  EXPECT_EQ(kept[249]["frame"], 249);
  EXPECT_EQ(kept[250]["truncated"]["msg"], "700 frames truncated");
  EXPECT_EQ(kept[251]["frame"], 951);
  EXPECT_EQ(
      ctx.notes.at(0),
      "TruncateStacksRule: truncated json_dump.threads[0].frames: 1200 > 500");
}

}  // namespace
}  // namespace crashbox::processor
