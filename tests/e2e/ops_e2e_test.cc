// SPDX-License-Identifier: MPL-2.0
// Operations against the real binary: Dockerflow endpoints, metrics, a full
// store, the data-directory lock, configuration errors and help texts.
#include <cstdlib>
#include <filesystem>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/wire/multipart_writer.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/temp_dir.h"

namespace crashbox {
namespace {

using nlohmann::json;
using testing::BodyOf;
using testing::RawHttp;
using testing::StatusOf;

std::string Get(int port, const std::string& path) {
  return RawHttp(port, "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
}

std::string SubmitRequest(size_t dump_bytes) {
  wire::MultipartWriter w("B");
  w.AddText("ProductName", "Ops");
  std::string dump(dump_bytes, '\0');
  uint32_t x = 12345;
  for (char& c : dump)
    c = static_cast<char>((x = x * 1103515245 + 12345) >>
                          16);  // incompressible
  w.AddFile("upload_file_minidump", "x.dmp", dump);
  std::string body = w.Finish();
  return "POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: "
         "multipart/form-data; boundary=B\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(OpsE2E, DockerflowEndpointsAndMetrics) {
  testing::TempDir dir;
  // A collector-only node, so the crash stays queued for the queue checks.
  testing::ServerProcess server((dir / "var").string(),
                                {"--processor-workers", "-1"});
  ASSERT_TRUE(server.started());
  ASSERT_EQ(StatusOf(RawHttp(server.port(), SubmitRequest(1000))), 200);

  std::string hb = Get(server.port(), "/__heartbeat__");
  ASSERT_EQ(StatusOf(hb), 200) << hb;
  json h = json::parse(BodyOf(hb));
  EXPECT_EQ(h["errors"], json::array());
  EXPECT_EQ(h["info"]["queue"]["normal"], 1);

  std::string lb = Get(server.port(), "/__lbheartbeat__");
  EXPECT_EQ(StatusOf(lb), 200);
  EXPECT_EQ(BodyOf(lb), "");

  json v = json::parse(BodyOf(Get(server.port(), "/__version__")));
  EXPECT_TRUE(v.contains("version"));
  EXPECT_TRUE(v.contains("commit"));

  std::string m = BodyOf(Get(server.port(), "/metrics"));
  EXPECT_NE(
      m.find("crashbox_collector_breakpad_resource_incoming_crash_total 1"),
      std::string::npos)
      << m;
  EXPECT_NE(m.find("crashbox_collector_crashmover_save_crash_count_total 1"),
            std::string::npos);
  EXPECT_NE(m.find("crashbox_collector_breakpad_resource_on_post_time_count 1"),
            std::string::npos);
  EXPECT_NE(m.find("crashbox_queue_normal_depth 1"), std::string::npos);
  EXPECT_NE(m.find("crashbox_collector_health_heartbeat_count_total 1"),
            std::string::npos);
}

TEST(OpsE2E, FullStoreAnswers503WithRetryAfterAndLosesNothing) {
  testing::TempDir dir;
  testing::ServerProcess server(
      (dir / "var").string(),
      {"--store-initial-map-bytes", "1MiB", "--store-max-bytes", "4MiB"});
  ASSERT_TRUE(server.started());
  std::vector<std::string> ids;
  std::string resp;
  for (int i = 0; i < 40; ++i) {
    resp = RawHttp(server.port(), SubmitRequest(300000));
    if (StatusOf(resp) != 200) break;
    ids.push_back(BodyOf(resp).substr(11, 36));
  }
  ASSERT_EQ(StatusOf(resp), 503) << resp.substr(0, 300);
  EXPECT_NE(resp.find("Retry-After: "), std::string::npos);
  ASSERT_FALSE(ids.empty());
  std::string hb = Get(server.port(), "/__heartbeat__");
  EXPECT_EQ(StatusOf(hb), 503) << hb;
  EXPECT_NE(BodyOf(hb).find("store full"), std::string::npos) << hb;
  for (const std::string& id : ids) {
    EXPECT_EQ(StatusOf(Get(server.port(),
                           "/api/RawCrash/?crash_id=" + id + "&format=raw")),
              200)
        << id;
  }
}

// A real full disk: a small tmpfs (needs root to mount; skipped otherwise).
TEST(OpsE2E, FullDiskAnswers503AndKeepsWhatWasAcknowledged) {
  testing::TempDir dir;
  std::string mnt = (dir / "disk").string();
  std::filesystem::create_directories(mnt);
  if (std::system(("mount -t tmpfs -o size=6m tmpfs " + mnt + " 2>/dev/null")
                      .c_str()) != 0) {
    GTEST_SKIP()
        << "cannot mount a tmpfs here (not root?): real full-disk test skipped";
  }
  std::vector<std::string> ids;
  std::string resp;
  {
    testing::ServerProcess server(mnt + "/var",
                                  {"--store-initial-map-bytes", "64MiB"});
    ASSERT_TRUE(server.started());
    for (int i = 0; i < 60; ++i) {
      resp = RawHttp(server.port(), SubmitRequest(300000));
      if (StatusOf(resp) != 200) break;
      ids.push_back(BodyOf(resp).substr(11, 36));
    }
    EXPECT_EQ(StatusOf(resp), 503) << resp.substr(0, 300);
    EXPECT_NE(resp.find("Retry-After: "), std::string::npos);
    EXPECT_EQ(StatusOf(Get(server.port(), "/__heartbeat__")), 503);
    for (const std::string& id : ids) {
      EXPECT_EQ(StatusOf(Get(server.port(),
                             "/api/RawCrash/?crash_id=" + id + "&format=raw")),
                200)
          << id;
    }
  }
  // After a restart on the same full disk, every acknowledged crash is still
  // there.
  {
    testing::ServerProcess server(mnt + "/var",
                                  {"--store-initial-map-bytes", "64MiB"});
    ASSERT_TRUE(server.started());
    for (const std::string& id : ids) {
      EXPECT_EQ(StatusOf(Get(server.port(), "/api/RawCrash/?crash_id=" + id)),
                200)
          << id;
    }
  }
  EXPECT_GT(ids.size(), 3u);
  EXPECT_EQ(std::system(("umount " + mnt).c_str()), 0);
}

TEST(OpsE2E, SecondServerOnTheSameDataDirRefusesToStart) {
  testing::TempDir dir;
  testing::ServerProcess first((dir / "var").string());
  ASSERT_TRUE(first.started());
  testing::CommandResult second =
      testing::RunCrashbox({"serve", "--listen", "127.0.0.1:0", "--data-dir",
                            (dir / "var").string()});
  EXPECT_EQ(second.exit_code, 3);
  EXPECT_NE(second.err.find("another crashbox is already using"),
            std::string::npos)
      << second.err;
}

TEST(OpsE2E, SigtermStopsCleanly) {
  testing::TempDir dir;
  testing::ServerProcess server((dir / "var").string());
  ASSERT_TRUE(server.started());
  EXPECT_EQ(server.Stop(), 0);
}

TEST(OpsE2E, ConfigErrorsExitTwoWithTheKey) {
  testing::CommandResult r =
      testing::RunCrashbox({"serve", "--max-body-bytes", "huge"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("CRASHBOX_MAX_BODY_BYTES"), std::string::npos) << r.err;
  r = testing::RunCrashbox({"serve", "--no-such-flag"});
  EXPECT_EQ(r.exit_code, 2);
  r = testing::RunCrashbox({"config", "--listen", "127.0.0.1:9999"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("CRASHBOX_LISTEN=127.0.0.1:9999  (flag)"),
            std::string::npos)
      << r.out;
}

TEST(OpsE2E, EverySubcommandHasHelp) {
  for (const char* sub : {"serve", "config", "submit", "version"}) {
    testing::CommandResult r = testing::RunCrashbox({sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << sub << ": " << r.out;
  }
  testing::CommandResult top = testing::RunCrashbox({"--help"});
  EXPECT_NE(top.out.find("submit"), std::string::npos);
}

}  // namespace
}  // namespace crashbox
