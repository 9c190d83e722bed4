// SPDX-License-Identifier: MPL-2.0
#include "app/config/config.h"

#include <gtest/gtest.h>

#include "tests/testing/temp_dir.h"

namespace crashbox::config {
namespace {

std::string SourceOf(const Config& c, const std::string& key) {
  for (const auto& e : c.effective) {
    if (e.key == key) return e.source;
  }
  return "";
}

TEST(LoadConfig, DefaultsWhenNothingIsGiven) {
  testing::TempDir dir;
  LoadInputs in;
  in.working_dir = dir.path().string();
  Result<Config> c = LoadConfig(in);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->data_dir, "./var");
  EXPECT_EQ(c->http.listen, "127.0.0.1:8888");
  EXPECT_EQ(c->collector.max_body_bytes, 25u << 20);
  EXPECT_EQ(c->store.path, "./var/store");
  EXPECT_EQ(SourceOf(*c, "CRASHBOX_LISTEN"), "default");
}

TEST(LoadConfig, LaterSourcesWin) {
  testing::TempDir dir;
  testing::WriteFileOrDie(
      dir / "crashbox.env",
      "# team "
      "settings\nCRASHBOX_LISTEN=0.0.0.0:9000\nCRASHBOX_DATA_DIR=/srv/a\n"
      "CRASHBOX_MAX_PARTS=10\nCRASHBOX_LOG_LEVEL=debug\n");
  testing::WriteFileOrDie(
      dir / "my.env",
      "CRASHBOX_DATA_DIR=\"/home/me/var\"\nCRASHBOX_MAX_PARTS=20\n");
  LoadInputs in;
  in.working_dir = dir.path().string();
  in.env = {{"CRASHBOX_MAX_PARTS", "30"}, {"CRASHBOX_LOG_LEVEL", "warning"}};
  in.flags = {{"CRASHBOX_LOG_LEVEL", "error"}};
  Result<Config> c = LoadConfig(in);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->http.listen, "0.0.0.0:9000");
  EXPECT_EQ(SourceOf(*c, "CRASHBOX_LISTEN"), "crashbox.env:2");
  EXPECT_EQ(c->data_dir, "/home/me/var");
  EXPECT_EQ(SourceOf(*c, "CRASHBOX_DATA_DIR"), "my.env:1");
  EXPECT_EQ(c->collector.max_parts, 30u);
  EXPECT_EQ(SourceOf(*c, "CRASHBOX_MAX_PARTS"), "env");
  EXPECT_EQ(c->log_level, "error");
  EXPECT_EQ(SourceOf(*c, "CRASHBOX_LOG_LEVEL"), "flag");
}

TEST(LoadConfig, ExplicitConfigFileReplacesCrashboxEnv) {
  testing::TempDir dir;
  testing::WriteFileOrDie(dir / "crashbox.env", "CRASHBOX_MAX_PARTS=10\n");
  testing::WriteFileOrDie(dir / "other.env", "CRASHBOX_MAX_PARTS=11\n");
  LoadInputs in;
  in.working_dir = dir.path().string();
  in.config_file = (dir / "other.env").string();
  EXPECT_EQ(LoadConfig(in)->collector.max_parts, 11u);
  in.config_file = (dir / "missing.env").string();
  EXPECT_EQ(LoadConfig(in).status().code(), Status::Code::kInvalidArgument);
}

TEST(LoadConfig, ErrorsNameTheKeyAndTheSource) {
  testing::TempDir dir;
  LoadInputs in;
  in.working_dir = dir.path().string();
  in.env = {{"CRASHBOX_MAX_BODY_BYTES", "lots"}};
  Result<Config> c = LoadConfig(in);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("CRASHBOX_MAX_BODY_BYTES"),
            std::string::npos);
  EXPECT_NE(c.status().message().find("from env"), std::string::npos)
      << c.status().message();

  testing::WriteFileOrDie(dir / "crashbox.env", "CRASHBOX_TYPO=1\n");
  in.env.clear();
  c = LoadConfig(in);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find(
                "crashbox.env:1: unknown setting CRASHBOX_TYPO"),
            std::string::npos);
}

TEST(LoadConfig, ThrottleRulesArePresetsOrValidatedFiles) {
  testing::TempDir dir;
  LoadInputs in;
  in.working_dir = dir.path().string();
  in.flags = {{"CRASHBOX_THROTTLE_RULES", "mozilla"}};
  EXPECT_TRUE(LoadConfig(in).ok());
  in.flags = {{"CRASHBOX_THROTTLE_RULES", "nonsense"}};
  EXPECT_FALSE(LoadConfig(in).ok());
  testing::WriteFileOrDie(
      dir / "rules.json",
      R"({"rules": [{"name": "x", "result": "sometimes"}]})");
  in.flags = {{"CRASHBOX_THROTTLE_RULES", (dir / "rules.json").string()}};
  Result<Config> c = LoadConfig(in);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("throttle rule 'x'"), std::string::npos)
      << c.status().message();
}

TEST(LoadConfig, SecretsAreMasked) {
  testing::TempDir dir;
  LoadInputs in;
  in.working_dir = dir.path().string();
  in.flags = {{"CRASHBOX_STAGE_SUBMITTER_TOKEN", "hunter2"}};
  Result<Config> c = LoadConfig(in);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->collector.stage_submitter_token, "hunter2");
  EXPECT_EQ(FormatEffective(*c).find("hunter2"), std::string::npos);
}

}  // namespace
}  // namespace crashbox::config
