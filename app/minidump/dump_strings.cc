// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/dump_strings.h"

#include <cstring>

#include <fmt/format.h>

#include "app/minidump/format.h"

namespace crashbox::minidump {

Result<std::string> Utf16ToUtf8(ByteView utf16le, bool stop_at_nul) {
  size_t n = utf16le.size() / 2;
  auto unit = [&](size_t i) {
    return static_cast<uint16_t>(utf16le[2 * i] | (utf16le[2 * i + 1] << 8));
  };
  if (stop_at_nul) {
    size_t len = 0;
    while (len < n && unit(len) != 0) ++len;
    n = len;
  }
  std::string out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    uint16_t w = unit(i);
    uint32_t c;
    // Breakpad only recognises 0xdc00-0xdcff as low surrogates; mirror it so
    // names come out byte-identical.
    if (w >= 0xdc00 && w <= 0xdcff) {
      return Status::Corrupt(
          fmt::format("utf-16: low surrogate 0x{:x} without high", w));
    } else if (w >= 0xd800 && w <= 0xdbff) {
      if (++i == n)
        return Status::Corrupt("utf-16: high surrogate at end of string");
      uint16_t low = unit(i);
      if (low < 0xdc00 || low > 0xdcff) {
        return Status::Corrupt(
            fmt::format("utf-16: high surrogate 0x{:x} without low", w));
      }
      c = (static_cast<uint32_t>(w - 0xd7c0) << 10) | (low & 0x3ff);
    } else {
      c = w;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xc0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xe0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (c & 0x3f));
    } else {
      out += static_cast<char>(0xf0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3f));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3f));
      out += static_cast<char>(0x80 | (c & 0x3f));
    }
  }
  return out;
}

Result<std::string> ReadUtf16String(ByteView file, uint64_t rva) {
  CB_ASSIGN_OR_RETURN(ByteView len_bytes,
                      SubView(file, rva, 4, "string length"));
  ByteReader r(len_bytes);
  uint32_t bytes = r.ReadU32("string length").value();
  if (bytes % 2 != 0) {
    return Status::Corrupt(
        fmt::format("string at 0x{:x}: odd length {}", rva, bytes));
  }
  if (bytes / 2 > kMaxStringUnits) {
    return Status::Corrupt(fmt::format("string at 0x{:x}: {} units exceed {}",
                                       rva, bytes / 2, kMaxStringUnits));
  }
  CB_ASSIGN_OR_RETURN(ByteView data,
                      SubView(file, rva + 4, bytes, "string data"));
  return Utf16ToUtf8(data, /*stop_at_nul=*/false);
}

Result<std::string> ReadUtf8String(ByteView file, uint64_t rva) {
  CB_ASSIGN_OR_RETURN(ByteView len_bytes,
                      SubView(file, rva, 4, "utf-8 string length"));
  ByteReader r(len_bytes);
  uint32_t bytes = r.ReadU32("utf-8 string length").value();
  if (bytes > kMaxStringUnits) {
    return Status::Corrupt(
        fmt::format("utf-8 string at 0x{:x}: {} bytes exceed {}", rva, bytes,
                    kMaxStringUnits));
  }
  CB_ASSIGN_OR_RETURN(ByteView data,
                      SubView(file, rva + 4, bytes, "utf-8 string data"));
  return std::string(AsChars(data));
}

namespace {
struct Guid {
  uint32_t data1;
  uint16_t data2, data3;
  uint8_t data4[8];
};
Guid LoadGuid(ByteView g) {
  CB_CHECK(g.size() >= 16);
  Guid out;
  std::memcpy(&out.data1, g.data(), 4);
  std::memcpy(&out.data2, g.data() + 4, 2);
  std::memcpy(&out.data3, g.data() + 6, 2);
  std::memcpy(out.data4, g.data() + 8, 8);
  return out;
}
}  // namespace

std::string FormatDebugId(ByteView guid16, uint32_t age) {
  Guid g = LoadGuid(guid16);
  return fmt::format(
      "{:08X}{:04X}{:04X}{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}{:x}",
      g.data1, g.data2, g.data3, g.data4[0], g.data4[1], g.data4[2], g.data4[3],
      g.data4[4], g.data4[5], g.data4[6], g.data4[7], age);
}

std::string FormatGuid(ByteView guid16) {
  Guid g = LoadGuid(guid16);
  return fmt::format(
      "{:08x}-{:04x}-{:04x}-{:02x}{:02x}-{:02x}{:02x}{:02x}{:02x}{:02x}{:02x}",
      g.data1, g.data2, g.data3, g.data4[0], g.data4[1], g.data4[2], g.data4[3],
      g.data4[4], g.data4[5], g.data4[6], g.data4[7]);
}

std::string HexLower(ByteView bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

}  // namespace crashbox::minidump
