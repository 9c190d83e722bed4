// SPDX-License-Identifier: MPL-2.0
#include "app/run/submit.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "app/base/strings.h"

namespace crashbox::run {

int Submit(const SubmitCommand& command) {
  std::vector<std::string> paths;
  for (const std::string& p : command.paths) {
    if (p != "-") paths.push_back(p);
  }
  if (command.paths.empty() ||
      std::find(command.paths.begin(), command.paths.end(), "-") !=
          command.paths.end()) {
    std::string line;
    while (std::getline(std::cin, line)) {
      std::string_view t = base::Trim(line);
      if (!t.empty()) paths.emplace_back(t);
    }
  }
  std::vector<submitter::CrashPayload> payloads;
  int failures = 0;
  for (const std::string& p : paths) {
    auto loaded = submitter::LoadPayloads(p);
    if (!loaded.ok()) {
      std::fprintf(stderr, "crashbox submit: %s\n",
                   loaded.status().message().c_str());
      ++failures;
      continue;
    }
    for (auto& payload : loaded.value()) payloads.push_back(std::move(payload));
  }
  for (const std::string& kv : command.annotations) {
    size_t eq = kv.find('=');
    for (auto& payload : payloads)
      payload.annotations[kv.substr(0, eq)] =
          eq == std::string::npos ? "" : kv.substr(eq + 1);
  }
  if (payloads.empty()) {
    std::fprintf(stderr, "crashbox submit: nothing to submit\n");
    return 2;
  }

  std::atomic<size_t> next{0};
  std::atomic<int> failed{failures};
  std::mutex out_mu;
  auto worker = [&] {
    submitter::Submitter sub(command.options);
    for (size_t i = next++; i < payloads.size(); i = next++) {
      Result<std::string> id = Status::Unavailable("not tried");
      for (int attempt = 0; attempt <= command.retries; ++attempt) {
        id = sub.Submit(payloads[i]);
        if (id.ok() || id.status().code() != Status::Code::kUnavailable) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(500 << attempt));
      }
      std::lock_guard<std::mutex> lock(out_mu);
      if (id.ok()) {
        std::printf("%s\n", id.value().c_str());
        std::fflush(stdout);
      } else {
        std::fprintf(stderr, "crashbox submit: %s: %s\n",
                     payloads[i].source.c_str(), id.status().message().c_str());
        ++failed;
      }
    }
  };
  std::vector<std::thread> threads;
  int jobs = std::max(
      1, std::min<int>(command.jobs, static_cast<int>(payloads.size())));
  for (int t = 0; t < jobs; ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  return failed > 0 ? 1 : 0;
}

}  // namespace crashbox::run
