// SPDX-License-Identifier: MPL-2.0
// ByteView and ByteReader: bounds-checked little-endian reads over untrusted
// bytes. Every read checks the remaining length; a short read returns
// kCorrupt naming what was being read and leaves the cursor unchanged.
// ByteReader does not own the bytes: they must outlive it.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "app/base/status.h"

namespace crashbox {

using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Returns the sub-range [offset, offset+size) of `bytes`, or kCorrupt when it
// does not fit. Overflow-safe for any 64-bit offset and size.
Result<ByteView> SubView(ByteView bytes, uint64_t offset, uint64_t size,
                         std::string_view what);

class ByteReader {
 public:
  explicit ByteReader(ByteView bytes, size_t offset = 0)
      : bytes_(bytes), offset_(offset) {}

  size_t offset() const { return offset_; }
  size_t size() const { return bytes_.size(); }
  size_t remaining() const {
    return offset_ <= bytes_.size() ? bytes_.size() - offset_ : 0;
  }
  ByteView bytes() const { return bytes_; }
  void Seek(size_t offset) { offset_ = offset; }

  // Reads a little-endian unsigned or signed integer of type T.
  template <typename T>
  Result<T> Read(std::string_view what) {
    static_assert(std::is_integral_v<T>);
    if (remaining() < sizeof(T)) return ShortRead(what, sizeof(T));
    T v = 0;
    std::memcpy(&v, bytes_.data() + offset_,
                sizeof(T));  // hosts are little-endian
    offset_ += sizeof(T);
    return v;
  }
  Result<uint8_t> ReadU8(std::string_view what) { return Read<uint8_t>(what); }
  Result<uint16_t> ReadU16(std::string_view what) {
    return Read<uint16_t>(what);
  }
  Result<uint32_t> ReadU32(std::string_view what) {
    return Read<uint32_t>(what);
  }
  Result<uint64_t> ReadU64(std::string_view what) {
    return Read<uint64_t>(what);
  }

  // Returns a view of the next `n` bytes and advances past them.
  Result<ByteView> ReadBytes(size_t n, std::string_view what);
  // Advances `n` bytes; kCorrupt when fewer remain.
  Status Skip(size_t n, std::string_view what);

 private:
  Status ShortRead(std::string_view what, size_t wanted) const;

  ByteView bytes_;
  size_t offset_;
};

static_assert(std::endian::native == std::endian::little,
              "crashbox assumes a little-endian host");

}  // namespace crashbox
