// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/misc_streams.h"

#include <cstring>

#include <fmt/format.h>

#include "app/minidump/dump_strings.h"
#include "app/minidump/format.h"

namespace crashbox::minidump {
namespace {

constexpr uint32_t kMiscSizes[] = {24, 44, 232, 832, 1364};
constexpr uint32_t kMiscV5Size = 1364;

uint32_t U32At(ByteView b, size_t off) {
  uint32_t v;
  std::memcpy(&v, b.data() + off, 4);
  return v;
}

std::string Utf16Field(ByteView b, size_t off, size_t bytes) {
  Result<std::string> s =
      Utf16ToUtf8(b.subspan(off, bytes), /*stop_at_nul=*/true);
  return s.ok()
             ? *s
             : std::string();  // Breakpad leaves the string empty on bad UTF-16
}

}  // namespace

Result<MiscInfo> ParseMiscInfo(ByteView stream) {
  size_t size = stream.size();
  bool known = false;
  for (uint32_t s : kMiscSizes) known |= size == s;
  if (!known && size < kMiscV5Size) {
    return Status::Corrupt(
        fmt::format("stream of {} bytes is no known misc info size", size));
  }
  MiscInfo m;
  m.size_of_info = U32At(stream, 0);
  m.flags1 = U32At(stream, 4);
  if (m.size_of_info != size) {
    return Status::Corrupt(
        fmt::format("size_of_info {} != stream size {}", m.size_of_info, size));
  }
  auto field = [&](size_t off, uint32_t flag) -> std::optional<uint32_t> {
    if (!(m.flags1 & flag)) return std::nullopt;
    return U32At(stream, off);
  };
  m.process_id = field(8, 0x1);
  m.process_create_time = field(12, 0x2);
  m.process_user_time = field(16, 0x2);
  m.process_kernel_time = field(20, 0x2);
  if (size >= 44) {
    m.processor_max_mhz = field(24, 0x4);
    m.processor_current_mhz = field(28, 0x4);
    m.processor_mhz_limit = field(32, 0x4);
  }
  if (size >= 232) {
    m.process_integrity_level = field(44, 0x10);
    m.process_execute_flags = field(48, 0x20);
    m.protected_process = field(52, 0x80);
    m.time_zone_id = field(56, 0x40);
    if (m.time_zone_id) {
      m.time_zone_bias = static_cast<int32_t>(U32At(stream, 60));
      m.time_zone_standard_name = Utf16Field(stream, 64, 64);
      m.time_zone_daylight_name = Utf16Field(stream, 148, 64);
    }
  }
  if (size >= 832 && (m.flags1 & 0x100)) {
    m.build_string = Utf16Field(stream, 232, 520);
    m.dbg_bld_str = Utf16Field(stream, 752, 80);
  }
  if (size >= kMiscV5Size) m.process_cookie = field(1360, 0x200);
  return m;
}

Result<BreakpadInfo> ParseBreakpadInfo(ByteView stream) {
  if (stream.size() != kBreakpadInfoSize) {
    return Status::Corrupt(fmt::format("stream is {} bytes, want {}",
                                       stream.size(), kBreakpadInfoSize));
  }
  uint32_t validity = U32At(stream, 0);
  BreakpadInfo info;
  if (validity & 1) info.dump_thread_id = U32At(stream, 4);
  if (validity & 2) info.requesting_thread_id = U32At(stream, 8);
  return info;
}

}  // namespace crashbox::minidump
