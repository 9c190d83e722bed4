// SPDX-License-Identifier: MPL-2.0
// Breakpad's Linux streams (0x47670003-0x4767000A): copies of /proc files
// and the dynamic linker's state at crash time. All parsers are lenient
// text/array readers; only a truncated binary layout is kCorrupt.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "app/base/byte_reader.h"
#include "app/base/status.h"

namespace crashbox::minidump {

// /proc/cpuinfo, /proc/self/status, /etc/lsb-release, /proc/self/maps:
// the raw text (NULs preserved).
std::string ParseLinuxText(ByteView stream);

// "key: value" (status) or "KEY=VALUE" (lsb-release) lines; surrounding
// whitespace and quotes around values are removed, other lines skipped.
std::vector<std::pair<std::string, std::string>> ParseLinuxKeyValues(
    ByteView stream, char sep);

// /proc/self/cmdline and /proc/self/environ: NUL-separated strings; a
// trailing NUL does not produce an empty last entry.
std::vector<std::string> ParseLinuxNulSeparated(ByteView stream);

// /proc/self/auxv: (type, value) pairs of pointer size (8 bytes for 64-bit
// CPUs, 4 otherwise). A trailing partial pair is ignored.
std::vector<std::pair<uint64_t, uint64_t>> ParseLinuxAuxv(ByteView stream,
                                                          bool is_64bit);

struct LinuxMapping {
  uint64_t start = 0;
  uint64_t end = 0;
  std::string permissions;  // "r-xp"
  uint64_t offset = 0;
  std::string device;  // "08:01"
  uint64_t inode = 0;
  std::string path;  // may be empty or "[stack]"
};
// /proc/self/maps lines; malformed lines are skipped.
std::vector<LinuxMapping> ParseLinuxMaps(ByteView stream);

// MDRawDebug header (DSO debug stream): r_debug version, the RVA of the link
// map array, its entry count and the dynamic section address.
struct LinuxDsoDebug {
  uint32_t version = 0;
  uint32_t map_rva = 0;
  uint32_t dso_count = 0;
  std::vector<uint8_t> raw;  // the whole stream, for layouts we do not decode
};
Result<LinuxDsoDebug> ParseLinuxDsoDebug(ByteView stream);

}  // namespace crashbox::minidump
