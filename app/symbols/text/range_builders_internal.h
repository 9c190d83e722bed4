// SPDX-License-Identifier: MPL-2.0
// Internal to app/symbols/text: the two insertion rules Breakpad's maps apply
// while a .sym file loads, reproduced at conversion time so the blob needs no
// rules at lookup time.
//  - ExclusiveRangeBuilder = RangeMap (kExclusive): a range overlapping any
//    stored range is rejected, so the first one in file order wins (FUNC,
//    line records, STACK CFI INIT).
//  - ContainedTreeBuilder = ContainedRangeMap: ranges must nest; a range that
//    partially overlaps a stored one is rejected; an identical range is
//    rejected, or (allow_equal, used for INLINE) nests inside the earlier one.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace crashbox::symbols::internal {

template <typename T>
class ExclusiveRangeBuilder {
 public:
  struct Entry {
    uint64_t base;
    uint64_t high;  // inclusive
    T payload;
  };

  void reserve(size_t n) { sorted_.reserve(n); }

  // False (and nothing stored) for size 0, overflow, or any overlap.
  bool Insert(uint64_t base, uint64_t size, const T& payload) {
    uint64_t high = base + (size - 1);
    if (size == 0 || high < base) return false;
    if (!map_) {
      // Fast path: symbol files list most ranges in ascending order.
      if (sorted_.empty() || base > sorted_.back().high) {
        sorted_.push_back({base, high, payload});
        return true;
      }
      map_ = std::make_unique<std::map<uint64_t, Entry>>();
      for (const Entry& e : sorted_) map_->emplace_hint(map_->end(), e.high, e);
      sorted_.clear();
    }
    auto it = map_->lower_bound(base);  // first range ending at or after base
    if (it != map_->end() && it->second.base <= high) return false;
    map_->emplace_hint(it, high, Entry{base, high, payload});
    return true;
  }

  // Entries sorted by base; leaves the builder empty.
  std::vector<Entry> Take() {
    std::vector<Entry> out;
    if (map_) {
      out.reserve(map_->size());
      for (auto& [high, e] : *map_) out.push_back(e);
      map_.reset();
    } else {
      out.swap(sorted_);
    }
    sorted_.clear();
    return out;
  }
  bool empty() const { return map_ ? map_->empty() : sorted_.empty(); }

 private:
  std::vector<Entry> sorted_;
  std::unique_ptr<std::map<uint64_t, Entry>> map_;
};

// ExclusiveRangeBuilder's outcome for ranges whose individual answers are
// only needed at the end (STACK CFI INIT): ranges are kept in file order and
// checked once. When no two overlap, every insert would have succeeded and
// the result is just them sorted; otherwise they are replayed in file order
// through ExclusiveRangeBuilder. (Out-of-order but disjoint ranges are
// common, and sent ExclusiveRangeBuilder to its std::map.)
template <typename T>
class DeferredRangeBuilder {
 public:
  using Entry = typename ExclusiveRangeBuilder<T>::Entry;

  // False (nothing stored) for size 0 or overflow, like ExclusiveRangeBuilder.
  bool Add(uint64_t base, uint64_t size, const T& payload) {
    uint64_t high = base + (size - 1);
    if (size == 0 || high < base) return false;
    if (!entries_.empty() && base <= entries_.back().high) ascending_ = false;
    entries_.push_back({base, high, payload});
    return true;
  }
  void reserve(size_t n) { entries_.reserve(n); }

  // Entries sorted by base as ExclusiveRangeBuilder would keep them; adds the
  // ones it would have rejected to *dropped. Leaves the builder empty.
  std::vector<Entry> Take(uint64_t* dropped) {
    std::vector<Entry> in_file_order;
    in_file_order.swap(entries_);
    bool ascending = std::exchange(ascending_, true);
    if (ascending) return in_file_order;
    std::vector<Entry> sorted = in_file_order;
    std::sort(sorted.begin(), sorted.end(),
              [](const Entry& a, const Entry& b) { return a.base < b.base; });
    bool overlap = false;
    for (size_t i = 1; i < sorted.size() && !overlap; ++i)
      overlap = sorted[i].base <= sorted[i - 1].high;
    if (!overlap) return sorted;
    ExclusiveRangeBuilder<T> replay;
    for (const Entry& e : in_file_order) {
      if (!replay.Insert(e.base, e.high - e.base + 1, e.payload)) ++*dropped;
    }
    return replay.Take();
  }

 private:
  std::vector<Entry> entries_;  // in file order
  bool ascending_ = true;  // each entry starts above the previous one's end
};

template <typename T>
class ContainedTreeBuilder {
 public:
  explicit ContainedTreeBuilder(bool allow_equal) : allow_equal_(allow_equal) {
    Clear();
  }

  void Clear() {
    nodes_.clear();
    nodes_.push_back(Node{});  // the root: holds the top-level ranges
  }
  size_t size() const { return nodes_.size() - 1; }

  bool Insert(uint64_t base, uint64_t size, const T& payload) {
    uint64_t high = base + size - 1;
    if (size == 0 || high < base) return false;
    uint32_t cur = 0;
    for (;;) {
      std::vector<uint32_t>& ch = nodes_[cur].children;
      auto by_high = [this](uint32_t n, uint64_t v) {
        return nodes_[n].high < v;
      };
      auto ib = std::lower_bound(ch.begin(), ch.end(), base, by_high);
      auto ih = std::lower_bound(ib, ch.end(), high, by_high);
      if (ib == ih && ib != ch.end() && base >= nodes_[*ib].base) {
        // Entirely within an existing child: store it there.
        const Node& child = nodes_[*ib];
        if (!allow_equal_ && child.base == base && child.high == high)
          return false;
        cur = *ib;
        continue;
      }
      bool contains_high = ih != ch.end() && high >= nodes_[*ih].base;
      if ((ib != ch.end() && base > nodes_[*ib].base) ||
          (contains_high && high < nodes_[*ih].high)) {
        return false;  // partial overlap
      }
      if (contains_high) ++ih;
      Node node{base, high, payload, std::vector<uint32_t>(ib, ih)};
      size_t pos = static_cast<size_t>(ib - ch.begin());
      ch.erase(ib, ih);
      uint32_t index = static_cast<uint32_t>(nodes_.size());
      ch.insert(ch.begin() + static_cast<std::ptrdiff_t>(pos), index);
      nodes_.push_back(std::move(node));  // may move `ch`: not used after this
      return true;
    }
  }

  // Calls emit(base, size, parent, payload) in pre-order; `parent` is the
  // pre-order index of the parent (kNoParent-style ~0u for top level).
  template <typename F>
  void Flatten(F&& emit) const {
    struct Item {
      uint32_t node;
      uint32_t parent_out;
    };
    std::vector<Item> stack;
    const auto& top = nodes_[0].children;
    for (auto it = top.rbegin(); it != top.rend(); ++it)
      stack.push_back({*it, ~0u});
    uint32_t out_index = 0;
    while (!stack.empty()) {
      Item item = stack.back();
      stack.pop_back();
      const Node& n = nodes_[item.node];
      emit(n.base, n.high - n.base + 1, item.parent_out, n.payload);
      uint32_t me = out_index++;
      for (auto it = n.children.rbegin(); it != n.children.rend(); ++it)
        stack.push_back({*it, me});
    }
  }

 private:
  struct Node {
    uint64_t base = 0;
    uint64_t high = 0;
    T payload{};
    std::vector<uint32_t> children;  // sorted by high
  };
  bool allow_equal_;
  std::vector<Node> nodes_;
};

}  // namespace crashbox::symbols::internal
