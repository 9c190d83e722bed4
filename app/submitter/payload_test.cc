// SPDX-License-Identifier: MPL-2.0
#include "app/submitter/payload.h"

#include <gtest/gtest.h>

#include "app/submitter/submitter.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::submitter {
namespace {

using testing::WriteFileOrDie;

TEST(LoadPayloads, DumpWithJsonBesideIt) {
  testing::TempDir dir;
  WriteFileOrDie(dir / "a.dmp", "MDMP");
  WriteFileOrDie(dir / "a.json", R"({"ProductName": "X"})");
  auto p = LoadPayloads((dir / "a.dmp").string());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].annotations["ProductName"], "X");
  EXPECT_EQ((*p)[0].dumps.at(0).first, "upload_file_minidump");
  EXPECT_EQ((*p)[0].dumps.at(0).second, "MDMP");
  auto q = LoadPayloads((dir / "a.json").string());
  ASSERT_TRUE(q.ok());
  EXPECT_EQ((*q)[0].dumps.at(0).second, "MDMP");
}

TEST(LoadPayloads, CorpusLayoutFindsMetaDirectory) {
  testing::TempDir dir;
  WriteFileOrDie(dir / "dumps" / "x.dmp", "MDMP");
  WriteFileOrDie(dir / "meta" / "x.json", R"({"ProductName": "Y"})");
  auto p = LoadPayloads((dir / "dumps").string());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].annotations["ProductName"], "Y");
}

TEST(LoadPayloads, SocorroBucketLayoutDropsCollectorFields) {
  testing::TempDir dir;
  const std::string id = "de1bb258-cbbf-4589-a673-34f800161017";
  WriteFileOrDie(
      dir / "v1" / "raw_crash" / "20161017" / id,
      R"({"ProductName": "Z", "uuid": "x", "metadata": {}, "version": 2})");
  WriteFileOrDie(dir / "v1" / "dump_names" / id,
                 R"(["upload_file_minidump", "memory_report"])");
  WriteFileOrDie(dir / "v1" / "dump" / id, "MDMP");
  WriteFileOrDie(dir / "v1" / "memory_report" / id, "MEM");
  auto p = LoadPayloads(dir.path().string());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->size(), 1u);
  const CrashPayload& c = (*p)[0];
  EXPECT_EQ(c.annotations, nlohmann::json({{"ProductName", "Z"}}));
  ASSERT_EQ(c.dumps.size(), 2u);
  EXPECT_EQ(c.dumps[0].second, "MDMP");
  EXPECT_EQ(c.dumps[1].second, "MEM");
}

TEST(LoadPayloads, AntennaFilesystemLayout) {
  testing::TempDir dir;
  const std::string id = "de1bb258-cbbf-4589-a673-34f800161017";
  WriteFileOrDie(dir / "20161017" / "raw_crash" / (id + ".json"),
                 R"({"ProductName": "A"})");
  WriteFileOrDie(dir / "20161017" / "dump_names" / (id + ".json"),
                 R"(["upload_file_minidump"])");
  WriteFileOrDie(dir / "20161017" / "upload_file_minidump" / id, "MDMP");
  auto p = LoadPayloads(dir.path().string());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ((*p)[0].dumps.at(0).second, "MDMP");
}

TEST(LoadPayloads, BadInputsHaveClearErrors) {
  testing::TempDir dir;
  EXPECT_EQ(LoadPayloads((dir / "missing.dmp").string()).status().code(),
            Status::Code::kNotFound);
  WriteFileOrDie(dir / "b.dmp", "MDMP");
  WriteFileOrDie(dir / "b.json", "[not an object]");
  EXPECT_EQ(LoadPayloads((dir / "b.dmp").string()).status().code(),
            Status::Code::kCorrupt);
  testing::TempDir empty;
  EXPECT_EQ(LoadPayloads(empty.path().string()).status().code(),
            Status::Code::kInvalidArgument);
  LoadLimits small;
  small.max_file_bytes = 2;
  EXPECT_EQ(LoadPayloads((dir / "b.dmp").string(), small).status().code(),
            Status::Code::kLimitExceeded);
}

TEST(SubmitUrl, AddsSubmitPathOnlyToBaseUrls) {
  EXPECT_EQ(SubmitUrl("http://h:8888"), "http://h:8888/submit");
  EXPECT_EQ(SubmitUrl("http://h:8888/"), "http://h:8888/submit");
  EXPECT_EQ(SubmitUrl("http://h:8888/submit?prod=x"),
            "http://h:8888/submit?prod=x");
}

}  // namespace
}  // namespace crashbox::submitter
