// SPDX-License-Identifier: MPL-2.0
// The wiring the composition roots share (common.h) and the names they
// choose, tested without starting a server.
#include <unistd.h>

#include <gtest/gtest.h>

#include "app/config/config.h"
#include "app/run/common.h"
#include "app/run/stackwalk.h"
#include "tests/testing/temp_dir.h"

namespace crashbox::run {
namespace {

config::Config ConfigFor(const std::string& data_dir,
                         std::map<std::string, std::string> flags = {}) {
  config::LoadInputs in;
  flags["CRASHBOX_DATA_DIR"] = data_dir;
  in.flags = std::move(flags);
  in.working_dir = data_dir;  // no crashbox.env or my.env there
  Result<config::Config> c = config::LoadConfig(in);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? c.value() : config::Config{};
}

TEST(RunCommon, OneProcessLocksADataDirectory) {
  testing::TempDir dir;
  std::string data = (dir / "var").string();
  Result<int> first = LockDataDir(data);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // flock() conflicts between two opens of the file, in one process too.
  Result<int> second = LockDataDir(data);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(second.status().message().find(data), std::string::npos);
  ::close(first.value());
  Result<int> again = LockDataDir(data);
  ASSERT_TRUE(again.ok()) << "the lock goes with its descriptor";
  ::close(again.value());
}

TEST(RunCommon, ReadOnlyStoreNeedsAnExistingOneAndSeesItsWrites) {
  testing::TempDir dir;
  config::Config config = ConfigFor((dir / "var").string());
  Result<OpenStore> missing = OpenCrashStore(config, /*read_only=*/true);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);

  {
    Result<OpenStore> writer = OpenCrashStore(config, /*read_only=*/false);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE(writer->crashes != nullptr);
  }
  Result<OpenStore> reader = OpenCrashStore(config, /*read_only=*/true);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_FALSE(reader->crashes->GetRawCrash("no-such-crash").ok());
}

TEST(RunCommon, SignatureRunnerFromSettings) {
  testing::TempDir dir;
  EXPECT_TRUE(MakeSignatureRunner(ConfigFor(dir.path().string())).ok());
  config::Config bad = ConfigFor(dir.path().string());
  bad.siglists_dir = (dir / "no-such-lists").string();
  Result<std::shared_ptr<const processor::SignatureRunner>> r =
      MakeSignatureRunner(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().ToString().find("CRASHBOX_SIGLISTS"), std::string::npos)
      << r.status().ToString();
}

TEST(RunCommon, LocalUrlReachesAWildcardListenAddressOnLoopback) {
  testing::TempDir dir;
  auto url = [&](const std::string& listen) {
    return LocalUrl(
        ConfigFor(dir.path().string(), {{"CRASHBOX_LISTEN", listen}}));
  };
  EXPECT_EQ(url("127.0.0.1:8888"), "http://127.0.0.1:8888");
  EXPECT_EQ(url("0.0.0.0:9000"), "http://127.0.0.1:9000");
  EXPECT_EQ(url(":9001"), "http://127.0.0.1:9001");
  EXPECT_EQ(url("127.0.0.2:80"), "http://127.0.0.2:80");
  EXPECT_EQ(url("[::]:9002"), "http://[::1]:9002");
  EXPECT_EQ(url("[::1]:9003"), "http://[::1]:9003");
}

TEST(RunStackwalk, OutputNamesFollowTheFormat) {
  EXPECT_EQ(StackwalkOutputName("dir/a.dmp", "json"), "a.json");
  EXPECT_EQ(StackwalkOutputName("dir/a.dmp", "breakpad"), "a.txt");
  EXPECT_EQ(StackwalkOutputName("dir/a.dmp", "breakpad-m"), "a.m.txt");
  // Only .dmp is dropped: two dumps a.bin and a.dmp never share an output.
  EXPECT_EQ(StackwalkOutputName("a.bin", "json"), "a.bin.json");
}

}  // namespace
}  // namespace crashbox::run
