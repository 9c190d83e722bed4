// SPDX-License-Identifier: MPL-2.0
// SynthStack: stack memory for SynthDump::AddThread, laid out word by word
// from the stack base (little-endian, 4- or 8-byte words), so unwinder tests
// read like the stack they describe. Test-only; never linked into crashbox.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace crashbox::testing {

class SynthStack {
 public:
  // `word_size` is 4 (x86, arm) or 8 (amd64, arm64).
  explicit SynthStack(int word_size) : word_size_(word_size) {}

  // Appends one word.
  SynthStack& Word(uint64_t value) {
    for (int i = 0; i < word_size_; ++i)
      bytes_.push_back(static_cast<char>(value >> (8 * i)));
    return *this;
  }
  // Appends `count` zero words.
  SynthStack& Zeros(size_t count) {
    bytes_.append(count * word_size_, '\0');
    return *this;
  }
  // Overwrites the word at `index` (growing the stack with zeros).
  SynthStack& At(size_t index, uint64_t value) {
    if (bytes_.size() < (index + 1) * word_size_)
      bytes_.resize((index + 1) * word_size_, '\0');
    for (int i = 0; i < word_size_; ++i)
      bytes_[index * word_size_ + i] = static_cast<char>(value >> (8 * i));
    return *this;
  }
  // The address of word `index` when the stack starts at `base`.
  uint64_t Address(uint64_t base, size_t index) const {
    return base + index * word_size_;
  }
  size_t words() const { return bytes_.size() / word_size_; }
  const std::string& bytes() const { return bytes_; }

 private:
  int word_size_;
  std::string bytes_;
};

}  // namespace crashbox::testing
