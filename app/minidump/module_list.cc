// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/module_list.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include <fmt/format.h>

#include "app/minidump/dump_strings.h"

namespace crashbox::minidump {
namespace {

constexpr uint32_t kVsFixedFileInfoSignature = 0xfeef04bd;
constexpr uint32_t kVsFixedFileInfoVersion = 0x00010000;
constexpr uint32_t kMiscRecordMinSize =
    12;  // data_type, length, unicode, reserved[3]

bool IsLinuxLike(std::optional<uint32_t> platform) {
  return platform && (*platform == kOsLinux || *platform == kOsAndroid);
}

std::string CodeIdForPlatform(std::optional<uint32_t> platform, uint32_t stamp,
                              uint32_t size, const Module* elf_module) {
  if (!platform) return "";
  switch (*platform) {
    case kOsWin32Nt:
    case kOsWin32Windows:
      return fmt::format("{:08X}{:x}", stamp, size);
    case kOsAndroid:
    case kOsFuchsia:
    case kOsLinux:
      if (elf_module && elf_module->cv_kind == CodeViewKind::kElf) {
        return HexLower(elf_module->build_id);
      }
      return "id";
    case kOsMacOsX:
    case kOsIos:
    case kOsSolaris:
    case kOsNacl:
    case kOsPs3:
      return "id";
    default:
      return "";
  }
}

// Reads the CodeView record into `m`. Failure means "record expected but
// unusable" (Breakpad's GetCVRecord returning NULL).
Status ReadCodeView(ByteView file, Module& m) {
  uint32_t size = m.cv_record.data_size;
  if (size > kMaxCodeViewBytes) {
    return Status::Corrupt(fmt::format("codeview record of {} bytes", size));
  }
  CB_ASSIGN_OR_RETURN(ByteView cv,
                      SubView(file, m.cv_record.rva, size, "codeview record"));
  ByteReader r(cv);
  uint32_t signature = size > 4 ? r.ReadU32("cv signature").value() : 0;
  auto c_string = [](ByteView bytes) {
    std::string_view s = AsChars(bytes);
    return std::string(s.substr(0, s.find('\0')));
  };
  if (signature == kCvPdb70) {
    if (size < 24 + 1) return Status::Corrupt("pdb70 record too small");
    if (cv[size - 1] != 0)
      return Status::Corrupt("pdb70 name is not NUL-terminated");
    uint32_t age;
    std::memcpy(&age, cv.data() + 20, 4);
    m.cv_kind = CodeViewKind::kPdb70;
    m.debug_id = FormatDebugId(cv.subspan(4, 16), age);
    m.debug_file = c_string(cv.subspan(24));
  } else if (signature == kCvPdb20) {
    if (size < 16 + 1) return Status::Corrupt("pdb20 record too small");
    if (cv[size - 1] != 0)
      return Status::Corrupt("pdb20 name is not NUL-terminated");
    uint32_t sig, age;
    std::memcpy(&sig, cv.data() + 8, 4);
    std::memcpy(&age, cv.data() + 12, 4);
    m.cv_kind = CodeViewKind::kPdb20;
    m.debug_id = fmt::format("{:08X}{:x}", sig, age);
    m.debug_file = c_string(cv.subspan(16));
  } else if (signature == kCvElf) {
    m.cv_kind = CodeViewKind::kElf;
    m.build_id.assign(cv.begin() + 4, cv.end());
    uint8_t guid[16] = {};
    std::copy_n(m.build_id.begin(), std::min<size_t>(16, m.build_id.size()),
                guid);
    m.debug_id = FormatDebugId(ByteView(guid, 16), 0);
    m.debug_file = m.code_file;
  } else {
    m.cv_kind = CodeViewKind::kOther;  // e.g. CV50: kept, yields no identity
  }
  return Status();
}

// The misc (IMAGE_DEBUG_MISC) record: a fallback debug file name.
Status ReadMiscRecord(ByteView file, Module& m, bool use_name) {
  uint32_t size = m.misc_record.data_size;
  if (size < kMiscRecordMinSize)
    return Status::Corrupt("misc record too small");
  if (size > kMaxCodeViewBytes) return Status::Corrupt("misc record too large");
  CB_ASSIGN_OR_RETURN(ByteView misc,
                      SubView(file, m.misc_record.rva, size, "misc record"));
  ByteReader r(misc);
  r.ReadU32("data type").value();
  uint32_t length = r.ReadU32("length").value();
  uint8_t unicode = r.ReadU8("unicode").value();
  if (length != size) return Status::Corrupt("misc record length mismatch");
  if (!use_name) return Status();
  ByteView data = misc.subspan(kMiscRecordMinSize);
  if (!unicode) {
    m.debug_file = std::string(AsChars(data));
  } else if (data.size() % 2 == 0) {
    if (Result<std::string> s = Utf16ToUtf8(data, false); s.ok())
      m.debug_file = *s;
  }
  return Status();
}

Result<Module> ReadModule(ByteView file, ByteReader& r,
                          std::optional<uint32_t> platform) {
  Module m;
  m.base_address = r.ReadU64("base").value();
  m.size = r.ReadU32("size").value();
  m.checksum = r.ReadU32("checksum").value();
  m.time_date_stamp = r.ReadU32("time stamp").value();
  uint32_t name_rva = r.ReadU32("name rva").value();
  uint32_t vs[13];
  for (uint32_t& v : vs) v = r.ReadU32("version info").value();
  m.cv_record.data_size = r.ReadU32("cv size").value();
  m.cv_record.rva = r.ReadU32("cv rva").value();
  m.misc_record.data_size = r.ReadU32("misc size").value();
  m.misc_record.rva = r.ReadU32("misc rva").value();
  (void)r.Skip(16, "reserved");
  if (m.size == 0 ||
      m.size > std::numeric_limits<uint64_t>::max() - m.base_address) {
    return Status::Corrupt(
        fmt::format("module range 0x{:x}+0x{:x}", m.base_address, m.size));
  }
  Result<std::string> name = ReadUtf16String(file, name_rva);
  if (!name.ok()) return name.status().WithContext("module name");
  m.code_file = std::move(name).value();
  if (vs[0] == kVsFixedFileInfoSignature && (vs[1] & kVsFixedFileInfoVersion)) {
    m.version = fmt::format("{}.{}.{}.{}", vs[2] >> 16, vs[2] & 0xffff,
                            vs[3] >> 16, vs[3] & 0xffff);
  }
  bool has_debug_info = true;
  if (m.cv_record.data_size != 0 && !ReadCodeView(file, m).ok())
    has_debug_info = false;
  if (has_debug_info && m.misc_record.data_size != 0 &&
      !ReadMiscRecord(file, m, /*use_name=*/m.debug_file.empty()).ok()) {
    has_debug_info = false;
  }
  if (!has_debug_info) {
    m.debug_file.clear();
    m.debug_id.clear();
  } else {
    m.code_id = CodeIdForPlatform(platform, m.time_date_stamp, m.size, &m);
  }
  return m;
}

}  // namespace

ModuleList::ModuleList(std::vector<Module> modules)
    : modules_(std::move(modules)) {
  by_base_.resize(modules_.size());
  for (size_t i = 0; i < by_base_.size(); ++i) by_base_[i] = i;
  std::stable_sort(by_base_.begin(), by_base_.end(), [&](size_t a, size_t b) {
    return modules_[a].base_address < modules_[b].base_address;
  });
}

std::vector<const Module*> ModuleList::ByAddress() const {
  std::vector<const Module*> out;
  out.reserve(by_base_.size());
  for (size_t i : by_base_) out.push_back(&modules_[i]);
  return out;
}

const Module* ModuleList::FindByAddress(uint64_t address) const {
  auto it = std::upper_bound(
      by_base_.begin(), by_base_.end(), address,
      [&](uint64_t a, size_t i) { return a < modules_[i].base_address; });
  // Overlaps are possible on Linux; prefer the nearest base that contains it.
  while (it != by_base_.begin()) {
    --it;
    if (modules_[*it].Contains(address)) return &modules_[*it];
  }
  return nullptr;
}

Result<ModuleList> ParseModuleList(ByteView file, ByteView stream,
                                   std::optional<uint32_t> platform_id) {
  ByteReader r(stream);
  CB_ASSIGN_OR_RETURN(uint32_t count, r.ReadU32("module count"));
  uint64_t want = 4 + uint64_t{count} * kModuleSize;
  if (stream.size() != want) {
    if (stream.size() != want + 4) {
      return Status::Corrupt(
          fmt::format("{} entries need {} bytes, stream has {}", count, want,
                      stream.size()));
    }
    CB_RETURN_IF_ERROR(r.Skip(4, "module list padding"));
  }
  if (count > kMaxModules) {
    return Status::Corrupt(
        fmt::format("{} modules exceed the limit of {}", count, kMaxModules));
  }
  std::vector<Module> modules;
  modules.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    Result<Module> m = ReadModule(file, r, platform_id);
    if (!m.ok())
      return m.status().WithContext(fmt::format("module {}/{}", i, count));
    modules.push_back(std::move(m).value());
  }
  // Drop exact duplicates (crbug.com/838322) and reject overlaps where
  // Breakpad's exclusive range map would.
  std::vector<Module> kept;
  for (Module& m : modules) {
    bool skip = false;
    for (const Module& k : kept) {
      if (k.base_address == m.base_address && k.size == m.size &&
          k.code_file == m.code_file && k.code_id == m.code_id) {
        skip = true;
        break;
      }
      bool overlaps =
          m.base_address < k.end_address() && k.base_address < m.end_address();
      if (overlaps && !IsLinuxLike(platform_id)) {
        return Status::Corrupt(
            fmt::format("module {} at 0x{:x}+0x{:x} overlaps {}", m.code_file,
                        m.base_address, m.size, k.code_file));
      }
    }
    if (!skip) kept.push_back(std::move(m));
  }
  return ModuleList(std::move(kept));
}

Result<std::vector<UnloadedModule>> ParseUnloadedModuleList(
    ByteView file, ByteView stream, std::optional<uint32_t> platform_id) {
  ByteReader r(stream);
  CB_ASSIGN_OR_RETURN(uint32_t header_size, r.ReadU32("header size"));
  CB_ASSIGN_OR_RETURN(uint32_t entry_size, r.ReadU32("entry size"));
  CB_ASSIGN_OR_RETURN(uint32_t count, r.ReadU32("entry count"));
  if (header_size < 12 || entry_size < 24) {
    return Status::Corrupt(fmt::format("header {} / entry {} bytes too small",
                                       header_size, entry_size));
  }
  if (stream.size() != uint64_t{header_size} + uint64_t{entry_size} * count) {
    return Status::Corrupt(fmt::format("{} + {}*{} bytes != stream of {}",
                                       header_size, entry_size, count,
                                       stream.size()));
  }
  if (count > kMaxModules) {
    return Status::Corrupt(
        fmt::format("{} modules exceed the limit of {}", count, kMaxModules));
  }
  std::vector<UnloadedModule> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    ByteReader e(
        stream.subspan(header_size + size_t{entry_size} * i, entry_size));
    UnloadedModule m;
    m.base_address = e.ReadU64("base").value();
    m.size = e.ReadU32("size").value();
    m.checksum = e.ReadU32("checksum").value();
    m.time_date_stamp = e.ReadU32("time stamp").value();
    uint32_t name_rva = e.ReadU32("name rva").value();
    if (m.size == 0 ||
        m.size > std::numeric_limits<uint64_t>::max() - m.base_address) {
      return Status::Corrupt(
          fmt::format("unloaded module {}: empty or overflowing range", i));
    }
    Result<std::string> name = ReadUtf16String(file, name_rva);
    if (!name.ok())
      return name.status().WithContext(fmt::format("unloaded module {}", i));
    m.code_file = std::move(name).value();
    m.code_id =
        CodeIdForPlatform(platform_id, m.time_date_stamp, m.size, nullptr);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace crashbox::minidump
