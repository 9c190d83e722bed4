// SPDX-License-Identifier: MPL-2.0
// The HTTP server facing the internet with no proxy in front: slow and silent
// clients, too many connections from one address, ambiguous framing and
// forwarding headers, each against the real binary.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "app/wire/multipart_writer.h"
#include "tests/e2e/server_process.h"
#include "tests/testing/temp_dir.h"

namespace crashbox {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using testing::BodyOf;
using testing::RawHttp;
using testing::StatusOf;

// A blocking TCP connection from `source` (any 127.x address) to the server.
int Connect(int port, const std::string& source = "127.0.0.1") {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in src{};
  src.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &src.sin_addr);
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof(src)) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof(dst)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads until the server closes the connection or `timeout` passes; returns
// what arrived and sets *closed.
std::string ReadUntilClosed(int fd, std::chrono::milliseconds timeout,
                            bool* closed) {
  std::string got;
  *closed = false;
  auto end = Clock::now() + timeout;
  while (Clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    int left =
        static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                             end - Clock::now())
                             .count());
    if (poll(&p, 1, std::max(left, 1)) <= 0) continue;
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) {
      *closed = true;
      break;
    }
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

std::string SubmitRequest() {
  wire::MultipartWriter w("BOUNDARY");
  w.AddText("ProductName", "Normal");
  w.AddText("Version", "1.0");
  w.AddFile("upload_file_minidump", "x.dmp", std::string(2048, 'M'));
  std::string body = w.Finish();
  return "POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: "
         "multipart/form-data; boundary=BOUNDARY\r\n"
         "Content-Length: " +
         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

double Seconds(Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

void RaiseFileLimit() {
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);
}

// ---- framing (RFC 9112 §6.3) ----

class FramingE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    server_ = new testing::ServerProcess((*dir_ / "var").string(),
                                         {"--processor-workers", "-1"});
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  // Sends `request` and expects `status` and the connection closed soon after.
  void ExpectRefusedAndClosed(const std::string& request, int status) {
    ASSERT_TRUE(server_->started());
    int fd = Connect(server_->port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(SendAll(fd, request));
    bool closed = false;
    std::string resp = ReadUntilClosed(fd, 5s, &closed);
    close(fd);
    EXPECT_EQ(StatusOf(resp), status) << resp;
    EXPECT_TRUE(closed)
        << "the connection stayed open after an ambiguous request";
    EXPECT_NE(resp.find("Connection: close"), std::string::npos) << resp;
  }
  static testing::TempDir* dir_;
  static testing::ServerProcess* server_;
};
testing::TempDir* FramingE2E::dir_ = nullptr;
testing::ServerProcess* FramingE2E::server_ = nullptr;

TEST_F(FramingE2E, ChunkedWithContentLengthIsRefused) {
  ExpectRefusedAndClosed(
      "POST /submit HTTP/1.1\r\nHost: x\r\nContent-Length: "
      "5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      400);
}

TEST_F(FramingE2E, ConflictingContentLengthsAreRefused) {
  ExpectRefusedAndClosed(
      "POST /submit HTTP/1.1\r\nHost: x\r\nContent-Length: "
      "3\r\nContent-Length: 5\r\n\r\nabcde",
      400);
}

TEST_F(FramingE2E, RepeatedContentLengthIsRefused) {
  ExpectRefusedAndClosed(
      "POST /submit HTTP/1.1\r\nHost: x\r\nContent-Length: "
      "3\r\nContent-Length: 3\r\n\r\nabc",
      400);
}

TEST_F(FramingE2E, SignedContentLengthIsRefused) {
  ExpectRefusedAndClosed(
      "POST /submit HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc", 400);
}

TEST_F(FramingE2E, UnknownTransferCodingIsRefused) {
  ExpectRefusedAndClosed(
      "POST /submit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, "
      "chunked\r\n\r\n0\r\n\r\n",
      501);
}

TEST_F(FramingE2E, OversizedHeadersAreRefused) {
  ExpectRefusedAndClosed("GET /__lbheartbeat__ HTTP/1.1\r\nHost: x\r\nX-Big: " +
                             std::string(20000, 'a') + "\r\n\r\n",
                         431);
}

TEST_F(FramingE2E, PipelinedRequestsAreAnsweredInOrder) {
  ASSERT_TRUE(server_->started());
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(SendAll(
      fd,
      "GET /__lbheartbeat__ HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /__version__ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  bool closed = false;
  std::string resp = ReadUntilClosed(fd, 5s, &closed);
  close(fd);
  EXPECT_TRUE(closed);
  size_t first = resp.find("HTTP/1.1 200");
  size_t second = resp.find("HTTP/1.1 200", first + 1);
  EXPECT_NE(first, std::string::npos) << resp;
  EXPECT_NE(second, std::string::npos) << resp;
  EXPECT_NE(resp.find("\"version\""), std::string::npos) << resp;
}

TEST_F(FramingE2E, ExpectContinueGetsAnInterimAnswer) {
  ASSERT_TRUE(server_->started());
  int fd = Connect(server_->port());
  ASSERT_GE(fd, 0);
  std::string req = SubmitRequest();
  size_t split = req.find("\r\n\r\n") + 2;
  ASSERT_TRUE(
      SendAll(fd, req.substr(0, split) + "Expect: 100-continue\r\n\r\n"));
  char buf[64] = {};
  ssize_t n = recv(fd, buf, sizeof(buf) - 1, 0);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, static_cast<size_t>(n)),
            "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(SendAll(fd, req.substr(split + 2)));
  bool closed = false;
  std::string resp = ReadUntilClosed(fd, 5s, &closed);
  close(fd);
  EXPECT_EQ(StatusOf(resp), 200) << resp;
  EXPECT_EQ(BodyOf(resp).rfind("CrashID=bp-", 0), 0u) << resp;
}

// ---- slow and silent clients ----

class SlowClientE2E : public ::testing::Test {
 protected:
  void SetUp() override { RaiseFileLimit(); }
};

// One client per stalling behaviour, each closed within its deadline.
TEST_F(SlowClientE2E, EachStallIsClosedWithinItsDeadline) {
  testing::TempDir dir;
  testing::ServerProcess server(
      (dir / "var").string(),
      {"--processor-workers", "-1", "--header-timeout-ms", "1500",
       "--keep-alive-timeout-ms", "1500", "--min-rate-grace-seconds", "2",
       "--min-rate-bytes", "1KiB", "--body-deadline-seconds", "300"});
  ASSERT_TRUE(server.started());
  struct Case {
    std::string name, first_bytes, trickle;
    double deadline_s;  // when the server must have closed it (with slack)
    int status;         // answer expected before the close (0: none)
  };
  std::vector<Case> cases = {
      {"silent", "", "", 1.5 + 1.0, 0},
      {"slow headers", "POST /submit HTTP/1.1\r\nHo", "x", 1.5 + 1.0, 408},
      {"slow body",
       "POST /submit HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n",
       "b", 2.0 + 1.0, 408},
      {"idle keep-alive", "GET /__lbheartbeat__ HTTP/1.1\r\nHost: x\r\n\r\n",
       "", 1.5 + 1.0, 200},
  };
  for (const Case& c : cases) {
    int fd = Connect(server.port());
    ASSERT_GE(fd, 0) << c.name;
    auto start = Clock::now();
    ASSERT_TRUE(SendAll(fd, c.first_bytes));
    std::string got;
    bool closed = false;
    while (!closed && Clock::now() - start < 10s) {
      got += ReadUntilClosed(fd, 200ms, &closed);
      if (!closed && !c.trickle.empty()) SendAll(fd, c.trickle);
    }
    double took = Seconds(Clock::now() - start);
    close(fd);
    EXPECT_TRUE(closed) << c.name << " still open after 10 s";
    EXPECT_LE(took, c.deadline_s) << c.name;
    EXPECT_EQ(StatusOf(got), c.status) << c.name << ": " << got;
  }
}

// A body that keeps trickling above the minimum rate still ends at the
// whole-body deadline, even though every read makes progress.
TEST_F(SlowClientE2E, BodyDeadlineHoldsInsideReads) {
  testing::TempDir dir;
  testing::ServerProcess server(
      (dir / "var").string(),
      {"--processor-workers", "-1", "--min-rate-bytes", "0",
       "--body-deadline-seconds", "2", "--request-timeout-ms", "1000"});
  ASSERT_TRUE(server.started());
  int fd = Connect(server.port());
  ASSERT_GE(fd, 0);
  auto start = Clock::now();
  ASSERT_TRUE(SendAll(
      fd,
      "POST /submit HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"));
  bool closed = false;
  std::string got;
  while (!closed && Clock::now() - start < 10s) {
    got += ReadUntilClosed(fd, 300ms, &closed);
    if (!closed) SendAll(fd, "b");
  }
  close(fd);
  EXPECT_TRUE(closed);
  EXPECT_LE(Seconds(Clock::now() - start), 3.5);
  EXPECT_EQ(StatusOf(got), 408) << got;
}

// The attack: 1,000 connections from ten addresses, stalling in the
// headers, in the body, kept alive idle, or silent. Throughout, a normal
// client's /submit and /__lbheartbeat__ are answered within a second, and
// every attacking connection is closed within the deadlines.
TEST_F(SlowClientE2E, ThousandStallingConnectionsDoNotStopTheServer) {
  testing::TempDir dir;
  // Default limits: what a server on a public address runs with.
  testing::ServerProcess server((dir / "var").string(),
                                {"--processor-workers", "-1"});
  ASSERT_TRUE(server.started());
  const int kAddresses = 10, kPerAddress = 100;
  struct Attacker {
    int fd = -1;
    int kind = 0;  // 0 silent, 1 slow headers, 2 slow body, 3 idle keep-alive
    bool closed = false;
    double closed_at = 0;
  };
  std::vector<Attacker> attackers;
  auto start = Clock::now();
  int refused_at_connect = 0;
  for (int a = 0; a < kAddresses; ++a) {
    std::string source = "127.0.0." + std::to_string(2 + a);
    for (int i = 0; i < kPerAddress; ++i) {
      Attacker at;
      at.fd = Connect(server.port(), source);
      if (at.fd < 0) {
        ++refused_at_connect;
        continue;
      }
      at.kind = i % 4;
      const char* first[] = {
          "", "POST /submit HTTP/1.1\r\nHo",
          "POST /submit HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n",
          "GET /__lbheartbeat__ HTTP/1.1\r\nHost: x\r\n\r\n"};
      SendAll(at.fd, first[at.kind]);
      fcntl(at.fd, F_SETFL, O_NONBLOCK);
      attackers.push_back(at);
    }
  }
  ASSERT_EQ(refused_at_connect, 0)
      << "the kernel refused connections; the server should accept and answer";

  // The normal client, from its own address, all along.
  std::atomic<bool> done{false};
  std::vector<double> heartbeat_s, submit_s;
  std::vector<int> statuses;
  std::thread normal([&] {
    while (!done) {
      auto t0 = Clock::now();
      std::string hb = RawHttp(server.port(),
                               "GET /__lbheartbeat__ HTTP/1.1\r\nHost: "
                               "x\r\nConnection: close\r\n\r\n",
                               5s);
      heartbeat_s.push_back(Seconds(Clock::now() - t0));
      statuses.push_back(StatusOf(hb));
      t0 = Clock::now();
      std::string sub = RawHttp(server.port(), SubmitRequest(), 5s);
      submit_s.push_back(Seconds(Clock::now() - t0));
      statuses.push_back(StatusOf(sub));
      std::this_thread::sleep_for(100ms);
    }
  });

  // Trickle a byte to the slow ones every 500 ms; watch for closes.
  int open = static_cast<int>(attackers.size());
  auto last_trickle = Clock::now();
  while (open > 0 && Clock::now() - start < 25s) {
    std::vector<pollfd> fds;
    std::vector<size_t> idx;
    for (size_t i = 0; i < attackers.size(); ++i) {
      if (attackers[i].closed) continue;
      fds.push_back({attackers[i].fd, POLLIN, 0});
      idx.push_back(i);
    }
    poll(fds.data(), fds.size(), 100);
    for (size_t k = 0; k < fds.size(); ++k) {
      if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Attacker& at = attackers[idx[k]];
      char buf[4096];
      ssize_t n;
      while ((n = recv(at.fd, buf, sizeof(buf), 0)) > 0) {
      }
      if (n == 0 || (n < 0 && errno != EAGAIN)) {
        at.closed = true;
        at.closed_at = Seconds(Clock::now() - start);
        close(at.fd);
        --open;
      }
    }
    if (Clock::now() - last_trickle > 500ms) {
      last_trickle = Clock::now();
      for (Attacker& at : attackers) {
        if (!at.closed && (at.kind == 1 || at.kind == 2))
          send(at.fd, "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      }
    }
  }
  done = true;
  normal.join();
  for (Attacker& at : attackers) {
    if (!at.closed) close(at.fd);
  }

  EXPECT_EQ(open, 0) << "attacking connections still open after 25 s";
  double latest = 0;
  for (const Attacker& at : attackers) latest = std::max(latest, at.closed_at);
  // Every default deadline is 10 s (headers, keep-alive idle, the body's
  // grace before the minimum rate), plus the sweep's 0.25 s and the time to
  // open all 1,000. Refused ones closed at once.
  EXPECT_LE(latest, 10.0 + 0.25 + 2.0) << "latest close";
  ASSERT_FALSE(heartbeat_s.empty());
  for (double s : heartbeat_s)
    EXPECT_LT(s, 1.0) << "a heartbeat took " << s << " s";
  for (double s : submit_s) EXPECT_LT(s, 1.0) << "a submit took " << s << " s";
  for (int st : statuses) EXPECT_EQ(st, 200);

  // The per-address cap (64) refused the rest, and /metrics counts it.
  std::string metrics =
      RawHttp(server.port(),
              "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(metrics.find("reason=\"per_address\"} " +
                         std::to_string(kAddresses * (kPerAddress - 64))),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("reason=\"header_timeout\""), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("reason=\"body_timeout\""), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("reason=\"idle_timeout\""), std::string::npos)
      << metrics;
}

// Out of descriptors, the server neither spins on its listener nor stops
// serving once descriptors are free again.
TEST_F(SlowClientE2E, OutOfDescriptorsDoesNotSpin) {
  // Children inherit the limit; ctest runs this test in a process of its own.
  rlimit rl{64, 64};
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
  testing::TempDir dir;
  testing::ServerProcess server((dir / "var").string(),
                                {"--processor-workers", "-1"});
  ASSERT_TRUE(server.started());
  std::vector<int> fds;
  // More than the server's 64 descriptors hold, fewer than this process's.
  for (int i = 0; i < 56; ++i) {
    int fd = Connect(server.port());
    if (fd >= 0) fds.push_back(fd);
  }
  auto ticks = [&] {
    std::ifstream stat("/proc/" + std::to_string(server.pid()) + "/stat");
    std::string field;
    long total = 0;
    for (int i = 1; i <= 15 && stat >> field; ++i) {
      if (i == 14 || i == 15) total += std::stol(field);
    }
    return total;
  };
  long before = ticks();
  std::this_thread::sleep_for(1s);
  long used = ticks() - before;
  EXPECT_LT(used, 30) << "the server burned " << used
                      << " ticks in 1 s with its descriptors exhausted";
  for (int fd : fds) close(fd);
  std::this_thread::sleep_for(500ms);
  std::string hb = RawHttp(
      server.port(),
      "GET /__lbheartbeat__ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(StatusOf(hb), 200) << hb;
}

// Health checks have workers of their own: with the only ordinary worker
// converting a large symbol upload, /__lbheartbeat__ is still answered at once.
TEST_F(SlowClientE2E, HealthChecksAnswerWhileWorkersAreBusy) {
  testing::TempDir dir;
  testing::ServerProcess server(
      (dir / "var").string(),
      {"--processor-workers", "-1", "--http-threads", "1"});
  ASSERT_TRUE(server.started());
  std::string sym =
      "MODULE Linux x86_64 0123456789ABCDEF0123456789ABCDEF0 big.so\n";
  char line[96];
  for (uint64_t i = 0; sym.size() < (80u << 20); ++i) {
    std::snprintf(line, sizeof(line),
                  "FUNC %llx 10 0 function_number_%llu_with_a_long_name\n%llx "
                  "10 %llu 1\n",
                  static_cast<unsigned long long>(i * 16),
                  static_cast<unsigned long long>(i),
                  static_cast<unsigned long long>(i * 16),
                  static_cast<unsigned long long>(i % 100 + 1));
    sym += line;
  }
  std::atomic<bool> sent{false};
  std::atomic<double> upload_done_at{0};
  auto start = Clock::now();
  std::string upload_answer;
  std::thread upload([&] {
    int fd = Connect(server.port());
    SendAll(fd, "POST /upload/ HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                    std::to_string(sym.size()) +
                    "\r\nConnection: close\r\n\r\n");
    SendAll(fd, sym);
    sent = true;
    bool closed = false;
    upload_answer = ReadUntilClosed(fd, 120s, &closed);
    upload_done_at = Seconds(Clock::now() - start);
    close(fd);
  });
  while (!sent) std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(50ms);  // the worker has the request now
  auto t0 = Clock::now();
  std::string hb = RawHttp(
      server.port(),
      "GET /__lbheartbeat__ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  double answered_at = Seconds(Clock::now() - start);
  double took = Seconds(Clock::now() - t0);
  upload.join();
  EXPECT_EQ(StatusOf(hb), 200) << hb;
  EXPECT_EQ(StatusOf(upload_answer), 201) << upload_answer.substr(0, 300);
  if (upload_done_at < answered_at)
    GTEST_SKIP()
        << "the upload finished before the heartbeat; nothing was busy";
  EXPECT_LT(took, 0.5) << "heartbeat waited for the busy worker";
}

// ---- who counts as local ----

// Loopback clients are special in one place: while no user exists, only
// they get the page that creates the first admin.
TEST(ProxyE2E, ForwardingHeadersAreNotLoopback) {
  testing::TempDir dir;
  testing::ServerProcess server((dir / "var").string(),
                                {"--processor-workers", "-1", "--auth", "on"});
  ASSERT_TRUE(server.started());
  auto get = [&](const std::string& headers) {
    return StatusOf(
        RawHttp(server.port(), "GET /setup HTTP/1.1\r\nHost: x\r\n" + headers +
                                   "Connection: close\r\n\r\n"));
  };
  EXPECT_EQ(get(""), 200);  // loopback: offered the first-run page
  EXPECT_EQ(get("X-Forwarded-For: 203.0.113.7\r\n"), 403);
  EXPECT_EQ(get("X-Real-IP: 203.0.113.7\r\n"), 403);
  EXPECT_EQ(get("Forwarded: for=203.0.113.7\r\n"), 403);
  EXPECT_EQ(get("X-Forwarded-For: 127.0.0.1\r\n"),
            403);  // no trusted proxy vouches for it
  std::string upload =
      "POST /upload/ HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: "
      "203.0.113.7\r\nContent-Length: 3\r\n"
      "Connection: close\r\n\r\nabc";
  EXPECT_EQ(StatusOf(RawHttp(server.port(), upload)), 403);
}

TEST(ProxyE2E, TrustedProxyNamesTheClient) {
  testing::TempDir dir;
  testing::ServerProcess server(
      (dir / "var").string(),
      {"--processor-workers", "-1", "--trusted-proxies", "127.0.0.1",
       "--max-connections-per-address", "2", "--auth", "on"});
  ASSERT_TRUE(server.started());
  auto get = [&](const std::string& headers) {
    return StatusOf(
        RawHttp(server.port(), "GET /setup HTTP/1.1\r\nHost: x\r\n" + headers +
                                   "Connection: close\r\n\r\n"));
  };
  EXPECT_EQ(get("X-Forwarded-For: 203.0.113.7\r\n"), 403);
  EXPECT_EQ(get("X-Forwarded-For: 203.0.113.7, 127.0.0.1\r\n"),
            200);  // the proxy's own entry is last
  // The proxy's connections are not capped per address: it pools clients.
  std::vector<int> fds;
  for (int i = 0; i < 5; ++i) fds.push_back(Connect(server.port()));
  EXPECT_EQ(get(""), 200);
  for (int fd : fds) close(fd);
}

TEST(ProxyE2E, PerAddressCapRefusesTheExcessOnly) {
  testing::TempDir dir;
  testing::ServerProcess server(
      (dir / "var").string(),
      {"--processor-workers", "-1", "--max-connections-per-address", "4"});
  ASSERT_TRUE(server.started());
  std::vector<int> fds;
  for (int i = 0; i < 4; ++i)
    fds.push_back(Connect(server.port(), "127.0.0.20"));
  int extra = Connect(server.port(), "127.0.0.20");
  ASSERT_GE(extra, 0);
  bool closed = false;
  std::string resp = ReadUntilClosed(extra, 3s, &closed);
  close(extra);
  EXPECT_TRUE(closed);
  EXPECT_EQ(StatusOf(resp), 503) << resp;
  EXPECT_NE(resp.find("Retry-After:"), std::string::npos) << resp;
  // Another address is served as usual.
  int other = Connect(server.port(), "127.0.0.21");
  ASSERT_TRUE(SendAll(
      other,
      "GET /__lbheartbeat__ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  resp = ReadUntilClosed(other, 3s, &closed);
  close(other);
  EXPECT_EQ(StatusOf(resp), 200) << resp;
  // Closing one frees a slot.
  close(fds.back());
  fds.pop_back();
  std::this_thread::sleep_for(300ms);
  int again = Connect(server.port(), "127.0.0.20");
  ASSERT_TRUE(SendAll(
      again,
      "GET /__lbheartbeat__ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  resp = ReadUntilClosed(again, 3s, &closed);
  close(again);
  EXPECT_EQ(StatusOf(resp), 200) << resp;
  for (int fd : fds) close(fd);
}

}  // namespace
}  // namespace crashbox
