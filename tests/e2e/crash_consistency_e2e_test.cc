// SPDX-License-Identifier: MPL-2.0
// Crash consistency: clients submit continuously while the server is killed
// with SIGKILL several times. Every crash id a client received must be stored
// afterwards with its dump intact: the answer is only sent after the commit.
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/base/sha256.h"
#include "app/httpclient/http_client.h"
#include "app/submitter/submitter.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/temp_dir.h"

namespace crashbox {
namespace {

TEST(CrashConsistencyE2E, AcknowledgedCrashesSurviveKillNine) {
  testing::TempDir dir;
  const std::string data_dir = (dir / "var").string();
  auto server = std::make_unique<testing::ServerProcess>(data_dir);
  ASSERT_TRUE(server->started());

  std::mutex mu;
  std::string url = server->url();
  std::map<std::string, std::string> acknowledged;  // crash id → dump sha256
  std::atomic<bool> stop{false};
  std::atomic<int> refused{0};

  auto client = [&](int seed) {
    std::mt19937 rng(seed);
    while (!stop) {
      submitter::CrashPayload p;
      p.annotations = nlohmann::json{{"ProductName", "Kill9"},
                                     {"Seed", std::to_string(seed)}};
      std::string dump(20000 + rng() % 400000, '\0');
      for (char& c : dump) c = static_cast<char>(rng());
      std::string sha = base::Sha256Hex(AsBytes(dump));
      p.dumps.emplace_back("upload_file_minidump", std::move(dump));
      std::string target;
      {
        std::lock_guard<std::mutex> lock(mu);
        target = url;
      }
      submitter::Submitter sub({target, false, false, "", 5000});
      Result<std::string> id = sub.Submit(p);
      if (id.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        acknowledged[id.value()] = sha;
      } else {
        ++refused;  // the server was down: not acknowledged, so not promised
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
  };
  std::vector<std::thread> clients;
  for (int i = 0; i < 6; ++i) clients.emplace_back(client, i + 1);

  for (int round = 0; round < 4; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(700 + 300 * round));
    server->Kill9();
    server = std::make_unique<testing::ServerProcess>(data_dir);
    ASSERT_TRUE(server->started()) << "restart " << round;
    std::lock_guard<std::mutex> lock(mu);
    url = server->url();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  for (auto& t : clients) t.join();
  server->Kill9();

  server = std::make_unique<testing::ServerProcess>(data_dir);
  ASSERT_TRUE(server->started());
  ASSERT_GT(acknowledged.size(), 20u);
  httpclient::HttpClient http;
  size_t intact = 0;
  for (const auto& [id, sha] : acknowledged) {
    auto dump = http.Get(server->url() + "/api/RawCrash/?crash_id=" + id +
                         "&format=raw");
    ASSERT_TRUE(dump.ok());
    EXPECT_EQ(dump->status, 200) << id << " was acknowledged but is missing";
    if (dump->status == 200 && base::Sha256Hex(AsBytes(dump->body)) == sha)
      ++intact;
  }
  EXPECT_EQ(intact, acknowledged.size());
  std::printf(
      "crash consistency: %zu acknowledged crashes intact after 4 kill -9 (%d "
      "submissions refused while down)\n",
      acknowledged.size(), refused.load());
}

}  // namespace
}  // namespace crashbox
