// SPDX-License-Identifier: MPL-2.0
// MemoryBudget: a process-wide cap on bytes held for requests in flight.
// The HTTP server charges each request body it buffers, the collector charges
// what it decodes and parses from it, both against one budget, so that no mix
// of requests can make the process hold more than its limit for them.
// Charges are taken before the memory is allocated and given back when it is
// freed; a charge that would pass the limit fails and the caller refuses the
// request (503 + Retry-After), instead of risking the process.
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

namespace crashbox::base {

class MemoryBudget {
 public:
  explicit MemoryBudget(uint64_t limit) : limit_(limit) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  // Takes `n` bytes unless that would pass the limit. Thread-safe.
  bool TryCharge(uint64_t n) {
    uint64_t used = used_.load(std::memory_order_relaxed);
    do {
      if (n > limit_ || used > limit_ - n) return false;
    } while (!used_.compare_exchange_weak(used, used + n,
                                          std::memory_order_relaxed));
    return true;
  }
  void Release(uint64_t n) { used_.fetch_sub(n, std::memory_order_relaxed); }

  uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  uint64_t limit() const { return limit_; }

 private:
  const uint64_t limit_;
  std::atomic<uint64_t> used_{0};
};

// A charge that is given back when it goes out of scope; grows in steps.
class BudgetCharge {
 public:
  explicit BudgetCharge(MemoryBudget* budget = nullptr) : budget_(budget) {}
  BudgetCharge(BudgetCharge&& o) noexcept
      : budget_(o.budget_), held_(std::exchange(o.held_, 0)) {}
  BudgetCharge& operator=(BudgetCharge&& o) noexcept {
    if (this != &o) {
      Reset();
      budget_ = o.budget_;
      held_ = std::exchange(o.held_, 0);
    }
    return *this;
  }
  ~BudgetCharge() { Reset(); }

  // Makes the charge at least `total` bytes; false (and unchanged) when the
  // budget cannot give that much. Without a budget every charge succeeds.
  bool Grow(uint64_t total) {
    if (total <= held_) return true;
    if (budget_ != nullptr && !budget_->TryCharge(total - held_)) return false;
    held_ = total;
    return true;
  }
  // Gives back all but `total` bytes.
  void Shrink(uint64_t total) {
    if (total >= held_) return;
    if (budget_ != nullptr) budget_->Release(held_ - total);
    held_ = total;
  }
  void Reset() {
    if (budget_ != nullptr && held_ > 0) budget_->Release(held_);
    held_ = 0;
  }
  uint64_t held() const { return held_; }

 private:
  MemoryBudget* budget_;
  uint64_t held_ = 0;
};

}  // namespace crashbox::base
