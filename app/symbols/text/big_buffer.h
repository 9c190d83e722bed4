// SPDX-License-Identifier: MPL-2.0
// Fresh memory for the large buffers of a .sym conversion: the text (read by
// the directory supplier), the parser's line array and the blob.
//
// Filling fresh memory costs about as much as parsing into it: every 4 KiB
// page is a fault, a clear and a cgroup charge. A BigBuffer is an anonymous
// mapping aligned to 2 MiB and advised for transparent huge pages, so the
// kernel can back it with one page per 2 MiB (where THP is enabled or set to
// "madvise"; elsewhere it behaves as plain mmap). Capacity is address space
// only: untouched pages cost nothing, so callers may reserve an upper bound.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <utility>

namespace crashbox::symbols {

class BigBuffer {
 public:
  static constexpr size_t kHugePage = size_t{2} << 20;

  BigBuffer() = default;
  // Throws std::bad_alloc when the mapping fails (as std::string would).
  explicit BigBuffer(size_t capacity) {
    if (capacity == 0) return;
    size_t page = 4096;
    size_t size = (capacity + page - 1) & ~(page - 1);
    if (size < kHugePage / 2) {
      Map(size, 0);
      return;
    }
    size = (size + kHugePage - 1) & ~(kHugePage - 1);
    Map(size, kHugePage);
  }
  ~BigBuffer() { Release(); }
  BigBuffer(BigBuffer&& o) noexcept
      : data_(std::exchange(o.data_, nullptr)),
        capacity_(std::exchange(o.capacity_, 0)) {}
  BigBuffer& operator=(BigBuffer&& o) noexcept {
    if (this != &o) {
      Release();
      data_ = std::exchange(o.data_, nullptr);
      capacity_ = std::exchange(o.capacity_, 0);
    }
    return *this;
  }
  BigBuffer(const BigBuffer&) = delete;
  BigBuffer& operator=(const BigBuffer&) = delete;

  char* data() const { return data_; }
  size_t capacity() const { return capacity_; }
  // Returns the address space past `keep` bytes (rounded up to a huge page)
  // to the system.
  void Shrink(size_t keep) {
    size_t from = (keep + kHugePage - 1) & ~(kHugePage - 1);
    if (from < capacity_) {
      ::munmap(data_ + from, capacity_ - from);
      capacity_ = from;
    }
  }

 private:
  void Map(size_t size, size_t align) {
    size_t span = size + align;
    void* p = ::mmap(nullptr, span, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    auto base = reinterpret_cast<uintptr_t>(p);
    uintptr_t start =
        align ? (base + align - 1) & ~(uintptr_t{align} - 1) : base;
    if (start > base) ::munmap(p, start - base);
    if (size_t tail = base + span - (start + size); tail > 0) {
      ::munmap(reinterpret_cast<void*>(start + size), tail);
    }
    data_ = reinterpret_cast<char*>(start);
    capacity_ = size;
    if (align)
      ::madvise(data_, size,
                MADV_HUGEPAGE);  // advice only: failure is harmless
  }
  void Release() {
    if (data_) ::munmap(data_, capacity_);
    data_ = nullptr;
    capacity_ = 0;
  }

  char* data_ = nullptr;
  size_t capacity_ = 0;
};

// An array of trivially copyable T in a BigBuffer, sized by the caller from
// an upper bound (it grows by copying if that was wrong). `head` spare bytes
// precede the records in the same mapping: the blob writer builds the blob
// around a line array there instead of copying it.
template <typename T>
class BigArray {
 public:
  BigArray() = default;
  BigArray(size_t capacity, size_t head, size_t tail)
      : buf_(head + capacity * sizeof(T) + tail),
        head_(head),
        capacity_(capacity) {}
  void push_back(const T& v) {
    if (size_ == capacity_) Grow();
    std::memcpy(data() + size_, &v, sizeof(T));
    if (++size_ > high_water_) high_water_ = size_;
  }
  void resize(size_t n) {  // shrink only
    if (n < size_) size_ = n;
  }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T* data() const { return reinterpret_cast<T*>(buf_.data() + head_); }
  T& operator[](size_t i) const { return data()[i]; }
  T& back() const { return data()[size_ - 1]; }
  T* begin() const { return data(); }
  T* end() const { return data() + size_; }

  // Spare bytes before the records (0 after a regrowth) and the mapping.
  size_t head() const { return head_; }
  BigBuffer& buffer() { return buf_; }
  // Zeroes whatever records were written past size() and later dropped.
  void ClearDropped() {
    if (high_water_ > size_)
      std::memset(data() + size_, 0, (high_water_ - size_) * sizeof(T));
    high_water_ = size_;
  }

 private:
  void Grow() {
    size_t cap = capacity_ ? capacity_ * 2 : 1024;
    BigBuffer next(cap * sizeof(T));
    if (size_) std::memcpy(next.data(), data(), size_ * sizeof(T));
    buf_ = std::move(next);
    head_ = 0;
    capacity_ = cap;
    high_water_ = size_;
  }
  BigBuffer buf_;
  size_t head_ = 0;
  size_t capacity_ = 0;
  size_t size_ = 0;
  size_t high_water_ = 0;
};

}  // namespace crashbox::symbols
