// SPDX-License-Identifier: MPL-2.0
// Injectable wall clock, so time-dependent rules (crash id dates, BuildID age)
// are testable. Implementations are thread-safe.
#pragma once

#include <atomic>
#include <chrono>

namespace crashbox::base {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::system_clock::time_point Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::now();
  }
};

// A clock that only moves when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(std::chrono::system_clock::time_point t)
      : t_(t.time_since_epoch().count()) {}
  std::chrono::system_clock::time_point Now() const override {
    return std::chrono::system_clock::time_point(
        std::chrono::system_clock::duration(t_.load()));
  }
  void Set(std::chrono::system_clock::time_point t) {
    t_ = t.time_since_epoch().count();
  }

 private:
  std::atomic<std::chrono::system_clock::rep> t_;
};

}  // namespace crashbox::base
