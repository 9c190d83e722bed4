// SPDX-License-Identifier: MPL-2.0
// Test helpers that drive the real `crashbox` binary: start `serve` on a free
// loopback port, read the URL it prints, kill it (gently or with SIGKILL),
// and talk raw HTTP to it for malformed-request tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace crashbox::testing {

// Path of the crashbox binary under test (from CB_BINARY_DIR).
std::string CrashboxBinary();

class ServerProcess {
 public:
  // Starts `crashbox serve --listen 127.0.0.1:0 --data-dir DATA_DIR ARGS...`
  // (with `--auth off` unless ARGS set --auth or --auth-*) and waits for its
  // URL line (fails the test after 10 s). With `stderr_path`, the server's log
  // goes to that file (appended).
  ServerProcess(const std::string& data_dir,
                const std::vector<std::string>& args = {},
                const std::string& stderr_path = "");
  ~ServerProcess();  // SIGTERM then wait

  const std::string& url() const { return url_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool started() const { return !url_.empty(); }
  void Kill9();
  // Sends SIGTERM and returns the exit status (or -1).
  int Stop();

 private:
  pid_t pid_ = -1;
  std::string url_;
  int port_ = 0;
};

// Runs crashbox with arguments; returns exit code, stdout and stderr.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandResult RunCrashbox(const std::vector<std::string>& args,
                          const std::string& stdin_text = "");

// Sends `request` bytes on a fresh connection to 127.0.0.1:port and returns
// everything the server sends back until it closes or `timeout` passes;
// `from` binds the client end to that loopback address (127.0.0.2, ...).
std::string RawHttp(
    int port, const std::string& request,
    std::chrono::milliseconds timeout = std::chrono::seconds(10),
    const std::string& from = "");
// Status code of a raw HTTP response ("HTTP/1.1 400 ..."), or 0.
int StatusOf(const std::string& response);
// Body of a raw HTTP response.
std::string BodyOf(const std::string& response);

}  // namespace crashbox::testing
