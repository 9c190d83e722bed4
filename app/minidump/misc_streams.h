// SPDX-License-Identifier: MPL-2.0
// Small fixed-layout streams: misc info (type 15) and Breakpad info
// (0x47670001).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "app/base/byte_reader.h"
#include "app/base/status.h"

namespace crashbox::minidump {

// MINIDUMP_MISC_INFO, versions 1-5 (24, 44, 232, 832, 1364 bytes). Larger
// streams are accepted and their unknown tail ignored; any other size, or a
// size_of_info that disagrees with the stream size, is kCorrupt (Breakpad).
// Each optional is set only when flags1 says the field is valid.
struct MiscInfo {
  uint32_t size_of_info = 0;
  uint32_t flags1 = 0;
  std::optional<uint32_t> process_id;           // flags1 & 0x1
  std::optional<uint32_t> process_create_time;  // flags1 & 0x2 (time_t)
  std::optional<uint32_t> process_user_time;    // seconds
  std::optional<uint32_t> process_kernel_time;
  std::optional<uint32_t> processor_max_mhz;  // v2, flags1 & 0x4
  std::optional<uint32_t> processor_current_mhz;
  std::optional<uint32_t> processor_mhz_limit;
  std::optional<uint32_t> process_integrity_level;  // v3, flags1 & 0x10
  std::optional<uint32_t> process_execute_flags;    // v3, flags1 & 0x20
  std::optional<uint32_t> protected_process;        // v3, flags1 & 0x80
  std::optional<uint32_t> time_zone_id;             // v3, flags1 & 0x40
  int32_t time_zone_bias = 0;  // minutes, when time_zone_id
  std::string time_zone_standard_name;
  std::string time_zone_daylight_name;
  std::string build_string;  // v4, flags1 & 0x100
  std::string dbg_bld_str;
  std::optional<uint32_t> process_cookie;  // v5, flags1 & 0x200
};

Result<MiscInfo> ParseMiscInfo(ByteView stream);

// MDRawBreakpadInfo: which thread wrote the dump and which one asked for it.
struct BreakpadInfo {
  std::optional<uint32_t> dump_thread_id;        // validity & 1
  std::optional<uint32_t> requesting_thread_id;  // validity & 2
};

// kCorrupt unless the stream is exactly 12 bytes.
Result<BreakpadInfo> ParseBreakpadInfo(ByteView stream);

}  // namespace crashbox::minidump
