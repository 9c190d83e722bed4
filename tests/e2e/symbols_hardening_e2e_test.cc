// SPDX-License-Identifier: MPL-2.0
// End to end, the symbol server as an attacker sees it (issue 9, points 5
// and 7): downloads stream (memory stays below the text's size), a cap on
// concurrent downloads answers 503 + Retry-After, symbol directories serve
// only regular files inside them, names with control characters are refused
// at upload, and a zip member's declared size is never allocated up front.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/httpclient/http_client.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/zip_builder.h"

namespace crashbox {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::RawHttp;
using testing::ServerProcess;
using testing::StatusOf;
using testing::TempDir;

constexpr char kId[] = "0123ABCD0123ABCD0123ABCD0123ABCD0";

// A .sym of about `bytes` bytes (line records, CRLF line ends in places and
// a few bytes >= 0x80, so that byte-for-byte comparisons mean something).
std::string BigSym(const std::string& debug_file, size_t bytes) {
  std::string s = "MODULE Linux x86_64 " + std::string(kId) + " " + debug_file +
                  "\r\nFILE 0 caf\xc3\xa9.cc\n";
  uint64_t addr = 0x1000;
  for (int f = 0; s.size() < bytes; ++f) {
    s += "FUNC " + std::to_string(addr) + " 100 0 function_" +
         std::to_string(f) + "\n";
    for (int k = 0; k < 16; ++k)
      s += std::to_string(addr + k * 16) + " 10 " + std::to_string(f + k) +
           " 0\n";
    addr += 0x100;
  }
  return s;
}

uint64_t VmHwmKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmHWM:")) return std::stoull(line.substr(6));
  }
  return 0;
}

std::string Header(const httpclient::HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  }
  return "";
}

class SymbolsHardeningE2E : public ::testing::Test {
 protected:
  void Start(std::vector<std::string> args = {}) {
    server_.reset();
    args.insert(args.end(), {"--processor-workers", "-1", "--symbols-path",
                             root_.string()});
    server_ = std::make_unique<ServerProcess>((dir_ / "data").string(), args);
    ASSERT_TRUE(server_->started());
  }
  std::string Url(const std::string& debug_file) const {
    return server_->url() + "/" + debug_file + "/" + kId + "/" + debug_file +
           ".sym";
  }
  int Get(const std::string& debug_file,
          std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    return StatusOf(RawHttp(server_->port(),
                            "GET /" + debug_file + "/" + kId + "/" +
                                debug_file +
                                ".sym HTTP/1.1\r\nHost: x\r\n"
                                "Connection: close\r\n\r\n",
                            timeout));
  }
  fs::path Place(const std::string& debug_file) {
    fs::create_directories(root_ / debug_file / kId);
    return root_ / debug_file / kId / (debug_file + ".sym");
  }
  TempDir dir_;
  fs::path root_ = dir_ / "symbols";
  std::unique_ptr<ServerProcess> server_;
  httpclient::HttpClient http_;
};

TEST_F(SymbolsHardeningE2E, SymlinkOutOfTheTreeIsNotServed) {
  testing::WriteFileOrDie(dir_ / "secret.txt", "MODULE secret\n");
  fs::create_symlink(dir_ / "secret.txt", Place("out.so"));
  testing::WriteFileOrDie(Place("in.so"), "MODULE in\n");
  fs::create_symlink(Place("in.so"),
                     Place("alias.so"));  // inside: still served
  Start();
  EXPECT_EQ(Get("out.so"), 404);
  EXPECT_EQ(Get("in.so"), 200);
  EXPECT_EQ(Get("alias.so"), 200);
}

TEST_F(SymbolsHardeningE2E, SymlinkToDevZeroIsNotServed) {
  fs::create_symlink("/dev/zero", Place("zero.so"));
  Start();
  EXPECT_EQ(Get("zero.so", std::chrono::seconds(5)), 404);
}

TEST_F(SymbolsHardeningE2E, DirectoryNamedSymIs404) {
  fs::create_directories(Place("dir.so"));
  Start();
  EXPECT_EQ(Get("dir.so"), 404);
  std::string head = RawHttp(
      server_->port(),
      "HEAD /dir.so/" + std::string(kId) +
          "/dir.so.sym HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(head), 404);
}

TEST_F(SymbolsHardeningE2E, FifoNeverBlocksAWorker) {
  fs::path fifo = Place("fifo.so");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  Start();
  auto start = std::chrono::steady_clock::now();
  int status = Get("fifo.so", std::chrono::seconds(5));
  auto took = std::chrono::steady_clock::now() - start;
  // Free a worker a broken server would have left blocked in open(), so that
  // it can stop.
  int w = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
  if (w >= 0) ::close(w);
  EXPECT_EQ(status, 404);
  EXPECT_LT(took, std::chrono::seconds(2));
}

TEST_F(SymbolsHardeningE2E, CarriageReturnInModuleNameIsRefusedAtUpload) {
  Start();
  std::string text =
      "MODULE windows x86_64 " + std::string(kId) +
      " evil\rX-Injected: 1\nINFO CODE_ID 5F1E2D3C4B evil.dll\nPUBLIC 10 0 f\n";
  auto r = http_.Post(server_->url() + "/upload/", text,
                      {"Content-Type: text/plain"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 400) << r->body;
  json report = json::parse(r->body);
  ASSERT_EQ(report["rejected"].size(), 1u) << r->body;
  EXPECT_NE(report["rejected"][0]["reason"].get<std::string>().find(
                "control character 0x0d"),
            std::string::npos)
      << r->body;
  std::string redirect =
      RawHttp(server_->port(),
              "GET /evil.dll/5F1E2D3C4B/evil.sym HTTP/1.1\r\nHost: x\r\n"
              "Connection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(redirect), 404);
  EXPECT_EQ(redirect.find("X-Injected"), std::string::npos);
}

TEST_F(SymbolsHardeningE2E, DownloadsStreamTheOriginalBytesInLittleMemory) {
  const size_t kSize = 48 << 20;
  std::string stored = BigSym("stored.so", kSize);
  std::string file = BigSym("file.so", kSize);
  testing::WriteFileOrDie(Place("file.so"), file);
  Start();
  auto up = http_.Post(server_->url() + "/upload/", stored,
                       {"Content-Type: text/plain"});
  ASSERT_TRUE(up.ok());
  ASSERT_EQ(up->status, 201) << up->body;
  Start();  // a fresh process: the upload's peak is not in VmHWM

  uint64_t idle = VmHwmKiB(server_->pid());
  std::vector<std::thread> threads;
  std::vector<std::string> bodies(6);
  std::vector<long> statuses(6);
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&, i] {
      httpclient::HttpClient client;
      auto got = client.Get(Url(i % 2 ? "file.so" : "stored.so"));
      statuses[i] = got.ok() ? got->status : -1;
      if (got.ok()) bodies[i] = std::move(got->body);
    });
  }
  for (std::thread& t : threads) t.join();
  uint64_t grown_kib = VmHwmKiB(server_->pid()) - idle;
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(statuses[i], 200) << i;
    EXPECT_TRUE(bodies[i] == (i % 2 ? file : stored))
        << i << ": downloaded bytes differ";
  }
  // Three downloads of each: holding any text whole would pass its size.
  EXPECT_LT(grown_kib * 1024, kSize) << "KiB grown: " << grown_kib;

  std::string raw_head = RawHttp(
      server_->port(),
      "HEAD /file.so/" + std::string(kId) +
          "/file.so.sym HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(raw_head), 200);
  EXPECT_NE(raw_head.find("Content-Length: " + std::to_string(file.size())),
            std::string::npos)
      << raw_head;
  EXPECT_TRUE(raw_head.ends_with("\r\n\r\n")) << "HEAD answered a body";
}

TEST_F(SymbolsHardeningE2E, DownloadsBeyondTheCapAnswer503WithRetryAfter) {
  testing::WriteFileOrDie(Place("big.so"), BigSym("big.so", 64 << 20));
  testing::WriteFileOrDie(Place("small.so"), BigSym("small.so", 100));
  Start({"--symbols-max-concurrent-downloads", "1"});
  // A client that asks for the big file and does not read: its download
  // stays open (the socket buffers fill) and holds the only slot.
  int slow = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(slow, 0);
  int small_buf = 4096;
  ::setsockopt(slow, SOL_SOCKET, SO_RCVBUF, &small_buf, sizeof(small_buf));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(slow, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)),
            0);
  std::string req = "GET /big.so/" + std::string(kId) +
                    "/big.so.sym HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(slow, req.data(), req.size(), 0),
            static_cast<ssize_t>(req.size()));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  auto busy = http_.Get(Url("small.so"));
  ASSERT_TRUE(busy.ok());
  EXPECT_EQ(busy->status, 503) << busy->body;
  EXPECT_FALSE(Header(*busy, "Retry-After").empty());
  // The slot comes back when the stalled download is abandoned.
  ::close(slow);
  long status = 0;
  for (int i = 0; i < 50 && status != 200; ++i) {
    auto again = http_.Get(Url("small.so"));
    status = again.ok() ? again->status : -1;
    if (status != 200)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(status, 200);
}

TEST_F(SymbolsHardeningE2E,
       ZipMemberDeclaringAHugeSizeIsRefusedWithoutAMemorySpike) {
  Start();
  std::string data(8 << 20, 'x');
  for (size_t i = 0; i < data.size(); i += 7)
    data[i] = static_cast<char>('a' + i % 26);
  std::string zip = testing::SetDeclaredSize(
      testing::ZipBuilder()
          .Add("big.so/" + std::string(kId) + "/big.so.sym", data, true)
          .Build(dir_.path()),
      0x60000000);  // 1.5 GiB, under the 200:1 ratio of its 8 MiB
  uint64_t idle = VmHwmKiB(server_->pid());
  auto r = http_.Post(server_->url() + "/upload/", zip,
                      {"Content-Type: application/zip"});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  uint64_t grown_kib = VmHwmKiB(server_->pid()) - idle;
  EXPECT_EQ(r->status, 400) << r->body;
  json report = json::parse(r->body);
  ASSERT_EQ(report["rejected"].size(), 1u) << r->body;
  EXPECT_TRUE(report["rejected"][0]["reason"].get<std::string>().starts_with(
      "corrupt_entry"))
      << r->body;
  EXPECT_LT(grown_kib, 256u * 1024) << "KiB grown";
}

}  // namespace
}  // namespace crashbox
