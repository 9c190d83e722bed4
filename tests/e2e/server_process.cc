// SPDX-License-Identifier: MPL-2.0
#include "tests/e2e/server_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

namespace crashbox::testing {
namespace {

std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0)
    out.append(buf, static_cast<size_t>(n));
  return out;
}

}  // namespace

std::string CrashboxBinary();

namespace {
// In a forked child: replaces it with `crashbox ARGS...`.
[[noreturn]] void ExecCrashbox(const std::vector<std::string>& args) {
  // Die with the test: a test that crashes must not leave servers holding
  // ctest's pipes open until its timeout.
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  std::vector<std::string> argv = {CrashboxBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  execv(cargv[0], cargv.data());
  _exit(127);
}
}  // namespace

std::string CrashboxBinary() {
  if (const char* dir = std::getenv("CB_BINARY_DIR"))
    return std::string(dir) + "/crashbox";
  // Run by hand: the binary sits at the top of the build tree, above this test.
  std::error_code ec;
  std::filesystem::path here =
      std::filesystem::read_symlink("/proc/self/exe", ec);
  for (std::filesystem::path p = here.parent_path();
       !p.empty() && p != p.parent_path(); p = p.parent_path()) {
    if (std::filesystem::exists(p / "crashbox") &&
        !std::filesystem::is_directory(p / "crashbox")) {
      return (p / "crashbox").string();
    }
  }
  return "crashbox";
}

ServerProcess::ServerProcess(const std::string& data_dir,
                             const std::vector<std::string>& args,
                             const std::string& stderr_path) {
  int out[2];
  EXPECT_EQ(pipe(out), 0);
  pid_ = fork();
  if (pid_ == 0) {
    dup2(out[1], 1);
    if (!stderr_path.empty()) {
      int fd = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (fd >= 0) dup2(fd, 2);
    }
    close(out[0]);
    close(out[1]);
    std::vector<std::string> argv = {"serve",      "--listen", "127.0.0.1:0",
                                     "--data-dir", data_dir,   "--log-level",
                                     "warning"};
    // Tests of other features run without accounts (a loopback sandbox);
    // tests of access control say --auth on.
    bool auth_given = std::any_of(args.begin(), args.end(), [](auto& a) {
      return a.rfind("--auth", 0) == 0;
    });
    if (!auth_given) argv.insert(argv.end(), {"--auth", "off"});
    argv.insert(argv.end(), args.begin(), args.end());
    ExecCrashbox(argv);
  }
  close(out[1]);
  // Read the first line (the URL), with a deadline.
  std::string line;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (line.find('\n') == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char c[256];
      ssize_t n = read(out[0], c, sizeof(c));
      if (n <= 0) break;
      line.append(c, static_cast<size_t>(n));
    }
  }
  close(out[0]);
  if (line.find('\n') == std::string::npos) {
    ADD_FAILURE() << "crashbox serve did not print its URL";
    return;
  }
  url_ = line.substr(0, line.find('\n'));
  port_ = std::atoi(url_.substr(url_.rfind(':') + 1).c_str());
}

ServerProcess::~ServerProcess() {
  // SIGKILL: LMDB needs no goodbye, and tests need not wait for a graceful
  // stop.
  if (pid_ > 0) Kill9();
}

void ServerProcess::Kill9() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

int ServerProcess::Stop() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 300; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "crashbox did not stop within 6 s of SIGTERM";
  Kill9();
  return -1;
}

CommandResult RunCrashbox(const std::vector<std::string>& args,
                          const std::string& stdin_text) {
  int in[2], out[2], err[2];
  if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
    ExecCrashbox(args);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  std::thread writer([&] {
    (void)!write(in[1], stdin_text.data(), stdin_text.size());
    close(in[1]);
  });
  CommandResult r;
  std::thread err_reader([&] { r.err = ReadAll(err[0]); });
  r.out = ReadAll(out[0]);
  err_reader.join();
  writer.join();
  close(out[0]);
  close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string RawHttp(int port, const std::string& request,
                    std::chrono::milliseconds timeout,
                    const std::string& from) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (!from.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, from.c_str(), &local.sin_addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      close(fd);
      return "";
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n =
        send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char buf[65536];
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
    // Stop once a complete response with Content-Length has arrived.
    size_t head_end = out.find("\r\n\r\n");
    size_t cl = out.find("Content-Length: ");
    if (head_end != std::string::npos && cl != std::string::npos &&
        cl < head_end) {
      size_t len = std::strtoul(out.c_str() + cl + 16, nullptr, 10);
      if (out.size() >= head_end + 4 + len) break;
    }
  }
  close(fd);
  return out;
}

int StatusOf(const std::string& response) {
  if (response.size() < 12 || response.compare(0, 5, "HTTP/") != 0) return 0;
  return std::atoi(response.c_str() + 9);
}

std::string BodyOf(const std::string& response) {
  size_t p = response.find("\r\n\r\n");
  return p == std::string::npos ? "" : response.substr(p + 4);
}

}  // namespace crashbox::testing
