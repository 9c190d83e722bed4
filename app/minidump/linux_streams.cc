// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/linux_streams.h"

#include <charconv>

#include "app/base/strings.h"

namespace crashbox::minidump {
namespace {

std::string_view StripQuotes(std::string_view v) {
  v = base::Trim(v);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
    v = v.substr(1, v.size() - 2);
  return v;
}

bool ParseHex(std::string_view s, uint64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, 16);
  return ec == std::errc() && p == s.data() + s.size();
}

// Splits off the next space-delimited field.
std::string_view NextField(std::string_view& line) {
  size_t start = line.find_first_not_of(' ');
  if (start == std::string_view::npos) {
    line = {};
    return {};
  }
  line.remove_prefix(start);
  size_t end = line.find(' ');
  std::string_view field = line.substr(0, end);
  line = end == std::string_view::npos ? std::string_view() : line.substr(end);
  return field;
}

}  // namespace

std::string ParseLinuxText(ByteView stream) {
  return std::string(AsChars(stream));
}

std::vector<std::pair<std::string, std::string>> ParseLinuxKeyValues(
    ByteView stream, char sep) {
  std::vector<std::pair<std::string, std::string>> out;
  for (std::string_view line : base::Split(AsChars(stream), '\n')) {
    size_t at = line.find(sep);
    if (at == std::string_view::npos) continue;
    std::string_view key = base::Trim(line.substr(0, at));
    if (key.empty()) continue;
    out.emplace_back(std::string(key),
                     std::string(StripQuotes(line.substr(at + 1))));
  }
  return out;
}

std::vector<std::string> ParseLinuxNulSeparated(ByteView stream) {
  std::vector<std::string> out;
  std::string_view text = AsChars(stream);
  if (!text.empty() && text.back() == '\0') text.remove_suffix(1);
  if (text.empty()) return out;
  for (std::string_view part : base::Split(text, '\0')) out.emplace_back(part);
  return out;
}

std::vector<std::pair<uint64_t, uint64_t>> ParseLinuxAuxv(ByteView stream,
                                                          bool is_64bit) {
  std::vector<std::pair<uint64_t, uint64_t>> out;
  ByteReader r(stream);
  size_t word = is_64bit ? 8 : 4;
  while (r.remaining() >= 2 * word) {
    uint64_t type = is_64bit ? r.ReadU64("auxv type").value()
                             : r.ReadU32("auxv type").value();
    uint64_t value = is_64bit ? r.ReadU64("auxv value").value()
                              : r.ReadU32("auxv value").value();
    out.emplace_back(type, value);
  }
  return out;
}

std::vector<LinuxMapping> ParseLinuxMaps(ByteView stream) {
  std::vector<LinuxMapping> out;
  for (std::string_view line : base::Split(AsChars(stream), '\n')) {
    std::string_view rest = line;
    std::string_view range = NextField(rest);
    std::string_view perms = NextField(rest);
    std::string_view offset = NextField(rest);
    std::string_view device = NextField(rest);
    std::string_view inode = NextField(rest);
    size_t dash = range.find('-');
    LinuxMapping m;
    if (dash == std::string_view::npos ||
        !ParseHex(range.substr(0, dash), &m.start) ||
        !ParseHex(range.substr(dash + 1), &m.end) ||
        !ParseHex(offset, &m.offset) || perms.size() != 4) {
      continue;
    }
    m.permissions = std::string(perms);
    m.device = std::string(device);
    m.inode = base::ParseUint(inode).value_or(0);
    m.path = std::string(base::Trim(rest));
    out.push_back(std::move(m));
  }
  return out;
}

Result<LinuxDsoDebug> ParseLinuxDsoDebug(ByteView stream) {
  ByteReader r(stream);
  LinuxDsoDebug d;
  CB_ASSIGN_OR_RETURN(d.version, r.ReadU32("version"));
  CB_ASSIGN_OR_RETURN(d.map_rva, r.ReadU32("map rva"));
  CB_ASSIGN_OR_RETURN(d.dso_count, r.ReadU32("dso count"));
  d.raw.assign(stream.begin(), stream.end());
  return d;
}

}  // namespace crashbox::minidump
