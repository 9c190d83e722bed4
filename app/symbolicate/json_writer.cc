// SPDX-License-Identifier: MPL-2.0
#include "app/symbolicate/json_writer.h"

#include "app/base/strings.h"

#include <algorithm>
#include <array>

namespace crashbox::symbolicate::internal {
namespace {

// Bytes copied as they are: printable ASCII and DEL, but '"' and '\'.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
  return t;
}();

// Whether none of the eight bytes of `w` is special: below 0x20, '"', '\',
// or non-ASCII (each test sets a byte's high bit only if a byte matches; a
// borrow may flag a later byte too, but only after a real match).
bool WordIsPlain(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101;
  constexpr uint64_t kHighs = 0x8080808080808080;
  const uint64_t quote = w ^ (kOnes * '"');
  const uint64_t slash = w ^ (kOnes * '\\');
  const uint64_t special = w | ((w - kOnes * 0x20) & ~w) |
                           ((quote - kOnes) & ~quote) |
                           ((slash - kOnes) & ~slash);
  return (special & kHighs) == 0;
}

}  // namespace

JsonWriter::JsonWriter(std::string* out) : out_(*out) {
  const size_t used = out_.size();
  out_.resize(std::max(out_.capacity(), used + 64));
  p_ = out_.data() + used;
  end_ = out_.data() + out_.size();
}

void JsonWriter::Grow(size_t n) {
  const auto used = static_cast<size_t>(p_ - out_.data());
  out_.resize(std::max(out_.size() * 2, used + n));
  p_ = out_.data() + used;
  end_ = out_.data() + out_.size();
}

void JsonWriter::AppendEscaped(std::string_view s) {
  const auto* src = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  char* p = p_;  // a local: stores through it cannot alias this->p_
  size_t i = 0;
  while (i < n) {
    // Eight plain bytes at a time: the common case (symbol names are ASCII).
    if (n - i >= 8) {
      uint64_t w;
      std::memcpy(&w, src + i, 8);
      if (WordIsPlain(w)) {
        std::memcpy(p, &w, 8);
        p += 8;
        i += 8;
        continue;
      }
    } else if (n >= 8) {
      // The tail, as the last eight bytes: those before i that it repeats
      // were plain too, so they were copied one for one and end at p.
      uint64_t w;
      std::memcpy(&w, src + n - 8, 8);
      if (WordIsPlain(w)) {
        std::memcpy(p - (i - (n - 8)), &w, 8);
        p += n - i;
        break;
      }
    }
    const uint8_t c = src[i];
    if (kPlain[c]) {
      *p++ = static_cast<char>(c);
      ++i;
      continue;
    }
    if (c >= 0x80) {
      size_t bad = 0;
      const size_t len = base::WellFormedUtf8Length(src + i, n - i, &bad);
      if (len != 0) {
        std::memcpy(p, src + i, len);
        p += len;
        i += len;
      } else {
        std::memcpy(p, "\xEF\xBF\xBD", 3);
        p += 3;
        i += bad;
      }
      continue;
    }
    *p++ = '\\';
    switch (c) {
      case '"':
      case '\\':
        *p++ = static_cast<char>(c);
        break;
      case '\b':
        *p++ = 'b';
        break;
      case '\t':
        *p++ = 't';
        break;
      case '\n':
        *p++ = 'n';
        break;
      case '\f':
        *p++ = 'f';
        break;
      case '\r':
        *p++ = 'r';
        break;
      default: {
        constexpr char kHex[] = "0123456789abcdef";
        const char u[] = {'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        std::memcpy(p, u, sizeof(u));
        p += sizeof(u);
      }
    }
    ++i;
  }
  p_ = p;
}

void JsonWriter::Key(std::string_view name) {
  Ensure(1 + 3 + name.size() * kMaxEscapedBytesPerByte);
  Comma();
  *p_++ = '"';
  AppendEscaped(name);
  *p_++ = '"';
  *p_++ = ':';
  comma_ = false;
}

void JsonWriter::String(std::string_view s) {
  Ensure(1 + 2 + s.size() * kMaxEscapedBytesPerByte);
  Comma();
  *p_++ = '"';
  AppendEscaped(s);
  *p_++ = '"';
}

void JsonWriter::String(std::initializer_list<std::string_view> pieces) {
  size_t bytes = 0;
  for (std::string_view piece : pieces) bytes += piece.size();
  Ensure(1 + 2 + bytes * kMaxEscapedBytesPerByte);
  Comma();
  *p_++ = '"';
  for (std::string_view piece : pieces) AppendEscaped(piece);
  *p_++ = '"';
}

}  // namespace crashbox::symbolicate::internal
