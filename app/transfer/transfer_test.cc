// SPDX-License-Identifier: MPL-2.0
#include <sys/stat.h>

#include <map>
#include <random>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/transfer/exporter.h"
#include "app/transfer/importer.h"
#include "store/lmdb/crash_store.h"
#include "store/lmdb/env.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::transfer {
namespace {

using testing::ReadFileOrDie;
using testing::WriteFileOrDie;

constexpr char kA[] = "aaaaaaaa-cbbf-4589-a673-34f800161017";
constexpr char kB[] = "bbbbbbbb-cbbf-4589-a673-34f800161018";
constexpr char kC[] = "cccccccc-cbbf-4589-a673-34f800161019";

// A real LMDB store in its own directory.
struct Store {
  explicit Store(const fs::path& dir) {
    store::lmdb::EnvOptions o;
    o.path = dir.string();
    o.sync = false;
    o.initial_map_bytes = 64ull << 20;
    env = std::move(store::lmdb::Env::Open(o)).value();
    crashes = std::make_unique<store::lmdb::LmdbCrashStore>(*env);
  }
  void AddProcessed(const std::string& id, const std::string& json) {
    store::QueueEntry e;
    e.crash_id = id;
    ASSERT_TRUE(crashes->Complete(e, json).ok());
  }
  std::unique_ptr<store::lmdb::Env> env;
  std::unique_ptr<store::lmdb::LmdbCrashStore> crashes;
};

struct Problems {
  std::map<std::string, std::string> by_where;
  auto Sink() {
    return
        [this](const std::string& w, const std::string& m) { by_where[w] = m; };
  }
};

class TransferTest : public ::testing::Test {
 protected:
  // A: raw + two dumps + processed; B: raw + one dump, not processed.
  void Fill(Store& s) {
    ASSERT_TRUE(s.crashes
                    ->PutRaw({kA,
                              R"({"ProductName": "Firefox", "n": NaN})",
                              {{"upload_file_minidump", "MDMP\x01\x02"},
                               {"memory_report", "mem"}}},
                             nullptr)
                    .ok());
    s.AddProcessed(kA, std::string(R"({"uuid": ")") + kA +
                           R"(", "signature": "sig | a"})");
    ASSERT_TRUE(s.crashes
                    ->PutRaw({kB,
                              R"({"ProductName": "Thunderbird"})",
                              {{"upload_file_minidump", "MDMP-b"}}},
                             nullptr)
                    .ok());
  }
  ImportOptions Options(Problems& p) {
    ImportOptions o;
    o.on_problem = p.Sink();
    o.batch_crashes = 2;  // several batches in small tests
    return o;
  }
  testing::TempDir tmp_;
};

TEST_F(TransferTest, ExportWritesSocorroLayoutAndImportReadsItBack) {
  Store source(tmp_ / "a");
  Fill(source);
  Problems p;
  ExportStats stats;
  ExportOptions eo;
  eo.on_problem = p.Sink();
  ASSERT_TRUE(ExportCrashes(*source.crashes, tmp_ / "out", eo, &stats).ok());
  EXPECT_TRUE(p.by_where.empty());
  EXPECT_EQ(stats.exported, 2u);
  EXPECT_EQ(stats.files_written, 8u);
  fs::path out = tmp_ / "out";
  EXPECT_EQ(ReadFileOrDie(out / "v1/raw_crash/20161017" / kA),
            R"({"ProductName": "Firefox", "n": NaN})");
  EXPECT_EQ(ReadFileOrDie(out / "v1/dump_names" / kA),
            R"(["memory_report", "upload_file_minidump"])");
  EXPECT_EQ(ReadFileOrDie(out / "v1/dump" / kA), "MDMP\x01\x02");
  EXPECT_EQ(ReadFileOrDie(out / "v1/memory_report" / kA), "mem");
  EXPECT_TRUE(fs::exists(out / "v1/processed_crash" / kA));
  EXPECT_FALSE(fs::exists(out / "v1/processed_crash" / kB));

  Store dest(tmp_ / "b");
  Importer importer(*dest.crashes, Options(p));
  ASSERT_TRUE(importer.ImportDirectory(out).ok());
  EXPECT_TRUE(p.by_where.empty()) << p.by_where.begin()->second;
  EXPECT_EQ(importer.stats().imported, 2u);
  EXPECT_EQ(importer.stats().queued, 1u);
  for (const char* id : {kA, kB}) {
    EXPECT_EQ(dest.crashes->GetRawCrash(id).value(),
              source.crashes->GetRawCrash(id).value());
    EXPECT_EQ(dest.crashes->GetDumpNames(id).value(),
              source.crashes->GetDumpNames(id).value());
    std::vector<std::string> names = source.crashes->GetDumpNames(id).value();
    for (const std::string& n : names)
      EXPECT_EQ(dest.crashes->GetDump(id, n).value(),
                source.crashes->GetDump(id, n).value());
  }
  EXPECT_EQ(dest.crashes->GetProcessed(kA).value(),
            source.crashes->GetProcessed(kA).value());
  EXPECT_FALSE(dest.crashes->GetProcessed(kB).ok());
  // Only the raw-only crash waits for processing.
  auto entry = dest.crashes->LeaseNext();
  ASSERT_TRUE(entry.ok() && entry.value());
  EXPECT_EQ(entry.value()->crash_id, kB);
  EXPECT_EQ(dest.crashes->GetQueueDepths()->total(), 1u);

  // Again (named by its v1/ directory this time): everything is present,
  // nothing is written or queued.
  Importer again(*dest.crashes, Options(p));
  ASSERT_TRUE(again.ImportDirectory(out / "v1").ok());
  EXPECT_EQ(again.stats().imported, 0u);
  EXPECT_EQ(again.stats().present, 2u);
  EXPECT_EQ(dest.crashes->GetQueueDepths()->total(), 1u);
}

TEST_F(TransferTest, ExportNeverOverwritesAndCompletesAnInterruptedRun) {
  Store source(tmp_ / "a");
  Fill(source);
  fs::path out = tmp_ / "out";
  WriteFileOrDie(out / "v1/dump" / kB, "MDMP-b");          // same bytes
  WriteFileOrDie(out / "v1/memory_report" / kA, "other");  // different
  Problems p;
  ExportOptions eo;
  eo.on_problem = p.Sink();
  ExportStats stats;
  ASSERT_TRUE(ExportCrashes(*source.crashes, out, eo, &stats).ok());
  EXPECT_EQ(stats.exported, 1u);
  EXPECT_EQ(stats.failed, 1u);
  EXPECT_EQ(stats.files_same, 1u);
  fs::path clash = out / "v1/memory_report" / kA;
  ASSERT_EQ(p.by_where.count(clash.string()), 1u);
  EXPECT_EQ(p.by_where[clash.string()],
            "exists with different contents; not overwritten");
  EXPECT_EQ(ReadFileOrDie(clash), "other");
  // No temporary file is left behind.
  for (const auto& e : fs::recursive_directory_iterator(out))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos);
}

TEST_F(TransferTest, ExportSinceADateTakesLaterSubmissionsOnly) {
  Store source(tmp_ / "a");
  Fill(source);
  source.AddProcessed(kC, R"({"uuid": "x"})");  // processed alone, 2016-10-19
  ExportOptions eo;
  eo.since_date = ParseSinceDate("2016-10-18");
  ASSERT_EQ(eo.since_date, "20161018");
  ExportStats stats;
  ASSERT_TRUE(ExportCrashes(*source.crashes, tmp_ / "out", eo, &stats).ok());
  EXPECT_EQ(stats.exported, 2u);
  EXPECT_FALSE(fs::exists(tmp_ / "out/v1/raw_crash/20161017" / kA));
  EXPECT_TRUE(fs::exists(tmp_ / "out/v1/raw_crash/20161018" / kB));
  EXPECT_TRUE(fs::exists(tmp_ / "out/v1/processed_crash" / kC));
}

TEST(ParseSinceDate, AcceptsTwoFormsAndRejectsOthers) {
  EXPECT_EQ(ParseSinceDate("20261205"), "20261205");
  EXPECT_EQ(ParseSinceDate("2026-12-05"), "20261205");
  EXPECT_EQ(ParseSinceDate("2026-13-05"), "");
  EXPECT_EQ(ParseSinceDate("yesterday"), "");
  EXPECT_EQ(ParseSinceDate("2026/12/05"), "");
}

TEST_F(TransferTest, BadFilesAreReportedByPathAndTheRestIsImported) {
  fs::path in = tmp_ / "in";
  auto raw = [&](const std::string& id, const std::string& json) {
    WriteFileOrDie(in / "v1/raw_crash" / CrashDate(id) / id, json);
  };
  raw(kA, R"({"ProductName": "Firefox"})");  // good, with one dump
  WriteFileOrDie(in / "v1/dump_names" / kA, R"(["upload_file_minidump"])");
  WriteFileOrDie(in / "v1/dump" / kA, "MDMP");
  raw(kB, R"({"ProductName": )");  // invalid JSON
  const std::string bad_names = "dddddddd-cbbf-4589-a673-34f800161017";
  raw(bad_names, "{}");  // a dump name that climbs out of the tree
  WriteFileOrDie(in / "v1/dump_names" / bad_names, R"(["../../etc/passwd"])");
  const std::string missing = "eeeeeeee-cbbf-4589-a673-34f800161017";
  raw(missing, "{}");  // names a dump that is not there
  WriteFileOrDie(in / "v1/dump_names" / missing, R"(["memory_report"])");
  const std::string big = "ffffffff-cbbf-4589-a673-34f800161017";
  raw(big, "{}");  // a dump over the limit
  WriteFileOrDie(in / "v1/dump_names" / big, R"(["upload_file_minidump"])");
  WriteFileOrDie(in / "v1/dump" / big, std::string(2000, 'x'));
  WriteFileOrDie(in / "v1/raw_crash/20161017/not-an-id", "{}");
  const std::string deep = "12345678-cbbf-4589-a673-34f800161017";
  raw(deep, std::string(100000, '[') + std::string(100000, ']'));
  const std::string fifo = "abcdef12-cbbf-4589-a673-34f800161017";
  ASSERT_EQ(::mkfifo((in / "v1/raw_crash/20161017" / fifo).c_str(), 0600), 0);
  const std::string wrong_date = "abcdef34-cbbf-4589-a673-34f800161017";
  WriteFileOrDie(in / "v1/raw_crash/20161018" / wrong_date, "{}");
  // A processed crash alone, good, and one that names another crash.
  WriteFileOrDie(in / "v1/processed_crash" / kC,
                 std::string(R"({"uuid": ")") + kC + R"("})");
  const std::string other = "0000aaaa-cbbf-4589-a673-34f800161019";
  WriteFileOrDie(in / "v1/processed_crash" / other,
                 std::string(R"({"uuid": ")") + kC + R"("})");

  Store dest(tmp_ / "s");
  Problems p;
  ImportOptions o = Options(p);
  o.limits.max_dump_bytes = 1000;
  Importer importer(*dest.crashes, o);
  ASSERT_TRUE(importer.ImportDirectory(in).ok());
  EXPECT_EQ(importer.stats().imported, 2u);  // kA and kC
  EXPECT_EQ(importer.stats().queued, 1u);
  EXPECT_EQ(importer.stats().failed, 9u);
  auto why = [&](const fs::path& path) {
    auto it = p.by_where.find(path.string());
    return it == p.by_where.end() ? std::string("(not reported)") : it->second;
  };
  fs::path rc = in / "v1/raw_crash";
  EXPECT_EQ(why(rc / "20161018" / kB).rfind("invalid JSON", 0), 0u);
  EXPECT_NE(why(in / "v1/dump_names" / bad_names).find("not storable"),
            std::string::npos);
  EXPECT_EQ(why(in / "v1/memory_report" / missing), "no such file");
  EXPECT_NE(why(in / "v1/dump" / big).find("exceeds the limit of 1000"),
            std::string::npos);
  EXPECT_EQ(why(rc / "20161017/not-an-id"), "not a crash id");
  EXPECT_EQ(why(rc / "20161017" / deep).rfind("invalid JSON", 0), 0u);
  EXPECT_EQ(why(rc / "20161017" / fifo), "not a regular file");
  EXPECT_NE(why(rc / "20161018" / wrong_date).find("date is 20161017"),
            std::string::npos);
  EXPECT_NE(why(in / "v1/processed_crash" / other).find("names crash"),
            std::string::npos);
  EXPECT_EQ(dest.crashes->GetDump(kA, "upload_file_minidump").value(), "MDMP");
  EXPECT_TRUE(dest.crashes->GetProcessed(kC).ok());
  EXPECT_FALSE(dest.crashes->GetRawCrash(kB).ok());
}

TEST_F(TransferTest, ImportOfANonLayoutDirectoryIsAnError) {
  Store dest(tmp_ / "s");
  Problems p;
  Importer importer(*dest.crashes, Options(p));
  Status s = importer.ImportDirectory(tmp_ / "nothing");
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
}

TEST_F(TransferTest, JsonLinesStoreProcessedCrashesAsIs) {
  std::string a = std::string(R"({"uuid": ")") + kA +
                  R"(", "signature": "x", "big": 123456789012345678901})";
  std::string b = std::string(R"({"crash_id":")") + kB + R"("})";
  std::string input = a + "\n\n" + b + "\r\n" + "{not json\n" +
                      R"({"uuid": "nope"})" + "\n" + R"({"x": 1})" + "\n" +
                      std::string(300, ' ') + "\n" + a + "\n";
  Store dest(tmp_ / "s");
  Problems p;
  ImportOptions o = Options(p);
  o.limits.max_processed_json_bytes = 200;
  Importer importer(*dest.crashes, o);
  std::istringstream in(input);
  ASSERT_TRUE(importer.ImportJsonLines(in, "<stdin>").ok());
  EXPECT_EQ(importer.stats().imported, 2u);
  EXPECT_EQ(importer.stats().present, 1u);  // the repeated line
  EXPECT_EQ(importer.stats().failed, 4u);
  EXPECT_EQ(importer.stats().queued, 0u);
  EXPECT_EQ(p.by_where["<stdin>:4"].rfind("invalid JSON", 0), 0u);
  EXPECT_EQ(p.by_where["<stdin>:5"], "'nope' is not a crash id");
  EXPECT_EQ(p.by_where["<stdin>:6"], "no `uuid` or `crash_id` string");
  EXPECT_NE(p.by_where["<stdin>:7"].find("longer than"), std::string::npos);
  EXPECT_EQ(dest.crashes->GetProcessed(kA).value(), a);  // byte for byte
  EXPECT_EQ(dest.crashes->GetProcessed(kB).value(), b);
  EXPECT_EQ(dest.crashes->GetQueueDepths()->total(), 0u);
}

// Lines read in 1 MiB chunks: lines that straddle chunk boundaries, an
// over-long line spanning chunks, and a last line without a newline all come
// out whole (or flagged), through several batches in flight.
TEST_F(TransferTest, JsonLinesAcrossReadChunksAndBatchesInFlight) {
  std::string input;
  std::vector<std::string> lines;
  for (int i = 0; i < 3000; ++i) {
    std::string id = fmt::format("{:08x}-0000-4000-8000-000000161017", i);
    // About 1 KiB a line, an odd size so lines cross chunk boundaries.
    lines.push_back(fmt::format(R"({{"uuid": "{}", "pad": "{}"}})", id,
                                std::string(1000 + i % 37, 'x')));
    input += lines.back() + "\n";
    if (i == 1500) input += std::string(3 << 20, 'y') + "\n";  // too long
  }
  input.pop_back();  // the last line ends without a newline
  Store dest(tmp_ / "s");
  Problems p;
  ImportOptions o = Options(p);
  o.batch_crashes = 64;
  o.inflight = 3;
  o.limits.max_processed_json_bytes = 1 << 20;
  Importer importer(*dest.crashes, o);
  std::istringstream in(input);
  ASSERT_TRUE(importer.ImportJsonLines(in, "<stdin>").ok());
  EXPECT_EQ(importer.stats().imported, 3000u);
  EXPECT_EQ(importer.stats().failed, 1u);
  EXPECT_NE(p.by_where["<stdin>:1502"].find("longer than"), std::string::npos);
  for (int i : {0, 1234, 1501, 2999}) {
    std::string id = fmt::format("{:08x}-0000-4000-8000-000000161017", i);
    EXPECT_EQ(dest.crashes->GetProcessed(id).value(), lines[i]);
  }
}

TEST_F(TransferTest, AFullStoreStopsTheImportAndCountsTheBatchFailed) {
  fs::path in = tmp_ / "in";
  std::mt19937 rng(7);
  for (int i = 0; i < 12; ++i) {
    std::string id = fmt::format("{:08x}-0000-4000-8000-000000161017", i);
    WriteFileOrDie(in / "v1/raw_crash/20161017" / id, "{}");
    WriteFileOrDie(in / "v1/dump_names" / id, R"(["upload_file_minidump"])");
    std::string noise(1 << 20, '\0');
    for (char& c : noise) c = static_cast<char>(rng());  // incompressible
    WriteFileOrDie(in / "v1/dump" / id, noise);
  }
  store::lmdb::EnvOptions o;
  o.path = (tmp_ / "s").string();
  o.sync = false;
  o.initial_map_bytes = 1 << 20;
  o.max_map_bytes = 4 << 20;
  auto env = std::move(store::lmdb::Env::Open(o)).value();
  store::lmdb::LmdbCrashStore crashes(*env);
  Problems p;
  Importer importer(crashes, Options(p));
  Status s = importer.ImportDirectory(in);
  EXPECT_EQ(s.code(), Status::Code::kUnavailable) << s.ToString();
  const ImportStats& st = importer.stats();
  EXPECT_GT(st.failed, 0u);
  EXPECT_LT(st.imported + st.failed, 12u + 1);
  EXPECT_EQ(crashes.GetQueueDepths()->normal, st.queued);
  EXPECT_EQ(st.imported, st.queued);
}

}  // namespace
}  // namespace crashbox::transfer
