// SPDX-License-Identifier: MPL-2.0
// slow_clients: what stalling clients do to everyone else. Opens N
// connections from several loopback addresses (127.0.0.2 and up) that stall
// in one of four ways, then, for the whole run, sends a normal client's
// /__lbheartbeat__ every 200 ms and reports its latency, and when the server
// closed the stalling connections.
//
//   slow_clients --port 8888 --connections 1000 --addresses 10 --seconds 30
//   --kind mixed
//
// Kinds: silent (connects, says nothing), headers (a header byte every
// 500 ms), body (full headers, then a body byte every 500 ms), idle (one
// request, then kept alive idle), mixed (the four in turn).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

namespace {

using Clock = std::chrono::steady_clock;

int Connect(int port, const std::string& source) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in src{};
  src.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &src.sin_addr);
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&src), sizeof(src)) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof(dst)) != 0) {
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

// One heartbeat on a fresh connection; seconds until the whole answer, or -1.
double Heartbeat(int port, double timeout_s) {
  auto t0 = Clock::now();
  int fd = Connect(port, "127.0.0.1");
  if (fd < 0) return -1;
  std::string req =
      "GET /__lbheartbeat__ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  if (send(fd, req.data(), req.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(req.size())) {
    close(fd);
    return -1;
  }
  std::string got;
  while (std::chrono::duration<double>(Clock::now() - t0).count() < timeout_s) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char buf[1024];
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  if (got.rfind("HTTP/1.1 200", 0) != 0) return -1;
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Stalling clients against a server; a normal client's heartbeat latency "
      "meanwhile"};
  int port = 8888, connections = 1000, addresses = 10, seconds = 30;
  std::string kind = "mixed";
  app.add_option("--port", port, "server port on 127.0.0.1")->required();
  app.add_option("--connections", connections, "stalling connections");
  app.add_option("--addresses", addresses, "source addresses 127.0.0.2 and up");
  app.add_option("--seconds", seconds, "length of the run");
  app.add_option("--kind", kind, "silent|headers|body|idle|mixed");
  CLI11_PARSE(app, argc, argv);

  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  rl.rlim_cur = rl.rlim_max;
  setrlimit(RLIMIT_NOFILE, &rl);

  const char* first[] = {"", "POST /submit HTTP/1.1\r\nHo",
                         "POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: "
                         "multipart/form-data; boundary=B\r\n"
                         "Content-Length: 1000000\r\n\r\n",
                         "GET /__lbheartbeat__ HTTP/1.1\r\nHost: x\r\n\r\n"};
  auto kind_of = [&](int i) {
    if (kind == "silent") return 0;
    if (kind == "headers") return 1;
    if (kind == "body") return 2;
    if (kind == "idle") return 3;
    return i % 4;
  };
  struct Conn {
    int fd;
    int kind;
    double closed_at = -1;
  };
  std::vector<Conn> conns;
  auto start = Clock::now();
  auto since = [&] {
    return std::chrono::duration<double>(Clock::now() - start).count();
  };
  std::atomic<bool> done{false};
  std::vector<double> beats;
  int failed_beats = 0;
  std::thread normal([&] {
    while (!done) {
      double s = Heartbeat(port, 30);
      if (s < 0) {
        ++failed_beats;
      } else {
        beats.push_back(s);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  for (int i = 0; i < connections; ++i) {
    int fd = Connect(
        port, "127.0.0." + std::to_string(2 + i % std::max(addresses, 1)));
    if (fd < 0) continue;
    int k = kind_of(i);
    std::string_view f = first[k];
    if (!f.empty()) (void)!send(fd, f.data(), f.size(), MSG_NOSIGNAL);
    fcntl(fd, F_SETFL, O_NONBLOCK);
    conns.push_back({fd, k});
  }
  double opened_in = since();
  auto last_trickle = Clock::now();
  while (since() < seconds) {
    std::vector<pollfd> fds;
    std::vector<size_t> idx;
    for (size_t i = 0; i < conns.size(); ++i) {
      if (conns[i].closed_at >= 0) continue;
      fds.push_back({conns[i].fd, POLLIN, 0});
      idx.push_back(i);
    }
    poll(fds.data(), fds.size(), 100);
    for (size_t k = 0; k < fds.size(); ++k) {
      if (!(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buf[4096];
      ssize_t n;
      while ((n = recv(conns[idx[k]].fd, buf, sizeof(buf), 0)) > 0) {
      }
      if (n == 0 || (n < 0 && errno != EAGAIN)) {
        conns[idx[k]].closed_at = since();
        close(conns[idx[k]].fd);
      }
    }
    if (Clock::now() - last_trickle > std::chrono::milliseconds(500)) {
      last_trickle = Clock::now();
      for (Conn& c : conns) {
        if (c.closed_at < 0 && (c.kind == 1 || c.kind == 2))
          (void)!send(c.fd, "x", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      }
    }
  }
  done = true;
  normal.join();
  int open = 0;
  double last_close = 0;
  for (Conn& c : conns) {
    if (c.closed_at < 0) {
      ++open;
      close(c.fd);
    } else {
      last_close = std::max(last_close, c.closed_at);
    }
  }
  std::sort(beats.begin(), beats.end());
  auto pct = [&](double p) {
    return beats.empty()
               ? -1
               : beats[std::min(beats.size() - 1, size_t(p * beats.size()))];
  };
  std::printf(
      "slow_clients kind=%s connections=%zu (opened in %.1f s) : heartbeat p50 "
      "%.1f ms, p99 %.1f ms, max %.1f ms, "
      "%zu answered, %d failed; server closed %zu of them (last at %.1f s), %d "
      "still open after %d s\n",
      kind.c_str(), conns.size(), opened_in, pct(0.5) * 1e3, pct(0.99) * 1e3,
      beats.empty() ? -1 : beats.back() * 1e3, beats.size(), failed_beats,
      conns.size() - open, last_close, open, seconds);
  return 0;
}
