// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/crashpad_info.h"

#include <algorithm>

#include <fmt/format.h>

#include "app/minidump/dump_strings.h"
#include "app/minidump/format.h"

namespace crashbox::minidump {
namespace {

struct Loc {
  uint32_t size = 0;
  uint32_t rva = 0;
};

Result<Loc> ReadLoc(ByteReader& r) {
  CB_ASSIGN_OR_RETURN(uint32_t size, r.ReadU32("location size"));
  CB_ASSIGN_OR_RETURN(uint32_t rva, r.ReadU32("location rva"));
  return Loc{size, rva};
}

// A u32 count followed by `entry_size`-byte entries at `rva`; the count must
// fit in the file.
Result<ByteReader> CountedArray(ByteView file, uint32_t rva, size_t entry_size,
                                uint32_t* count, std::string_view what) {
  CB_ASSIGN_OR_RETURN(ByteView head, SubView(file, rva, 4, what));
  *count = ByteReader(head).ReadU32(what).value();
  CB_ASSIGN_OR_RETURN(
      ByteView body,
      SubView(file, uint64_t{rva} + 4, uint64_t{*count} * entry_size, what));
  return ByteReader(body);
}

Result<std::map<std::string, std::string>> ReadDictionary(ByteView file,
                                                          uint32_t rva) {
  uint32_t count = 0;
  CB_ASSIGN_OR_RETURN(ByteReader r,
                      CountedArray(file, rva, 8, &count, "simple annotations"));
  std::map<std::string, std::string> out;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t key_rva = r.ReadU32("key").value();
    uint32_t value_rva = r.ReadU32("value").value();
    CB_ASSIGN_OR_RETURN(std::string key, ReadUtf8String(file, key_rva));
    CB_ASSIGN_OR_RETURN(std::string value, ReadUtf8String(file, value_rva));
    out.emplace(std::move(key), std::move(value));  // first of duplicates wins
  }
  return out;
}

Result<std::vector<std::string>> ReadStringList(ByteView file, uint32_t rva) {
  uint32_t count = 0;
  CB_ASSIGN_OR_RETURN(ByteReader r,
                      CountedArray(file, rva, 4, &count, "list annotations"));
  std::vector<std::string> out;
  for (uint32_t i = 0; i < count; ++i) {
    CB_ASSIGN_OR_RETURN(std::string s,
                        ReadUtf8String(file, r.ReadU32("string rva").value()));
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<CrashpadAnnotation>> ReadAnnotationObjects(ByteView file,
                                                              uint32_t rva) {
  uint32_t count = 0;
  CB_ASSIGN_OR_RETURN(
      ByteReader r, CountedArray(file, rva, 12, &count, "annotation objects"));
  std::vector<CrashpadAnnotation> out;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t name_rva = r.ReadU32("name").value();
    CrashpadAnnotation a;
    a.type = r.ReadU16("type").value();
    r.ReadU16("reserved").value();
    uint32_t value_rva = r.ReadU32("value").value();
    CB_ASSIGN_OR_RETURN(a.name, ReadUtf8String(file, name_rva));
    // MinidumpByteArray: u32 length + bytes; same length cap as strings.
    CB_ASSIGN_OR_RETURN(a.value, ReadUtf8String(file, value_rva));
    out.push_back(std::move(a));
  }
  return out;
}

Result<CrashpadModuleInfo> ReadModuleInfo(ByteView file, uint32_t module_index,
                                          Loc loc) {
  CB_ASSIGN_OR_RETURN(ByteView rec,
                      SubView(file, loc.rva, std::max<uint32_t>(loc.size, 20),
                              "module crashpad info"));
  ByteReader r(rec);
  CrashpadModuleInfo info;
  info.module_index = module_index;
  info.version = r.ReadU32("version").value();
  Loc list = ReadLoc(r).value();
  Loc simple = ReadLoc(r).value();
  if (list.size) {
    CB_ASSIGN_OR_RETURN(info.list_annotations, ReadStringList(file, list.rva));
  }
  if (simple.size) {
    CB_ASSIGN_OR_RETURN(info.simple_annotations,
                        ReadDictionary(file, simple.rva));
  }
  if (loc.size >= 28) {
    Loc objects = ReadLoc(r).value();
    if (objects.size) {
      CB_ASSIGN_OR_RETURN(info.annotation_objects,
                          ReadAnnotationObjects(file, objects.rva));
    }
  }
  return info;
}

}  // namespace

Result<CrashpadInfo> ParseCrashpadInfo(ByteView file, ByteView stream) {
  if (stream.size() != kCrashpadInfoSize) {
    return Status::Corrupt(fmt::format("stream is {} bytes, want {}",
                                       stream.size(), kCrashpadInfoSize));
  }
  ByteReader r(stream);
  CrashpadInfo info;
  info.version = r.ReadU32("version").value();
  info.report_id = FormatGuid(stream.subspan(4, 16));
  info.client_id = FormatGuid(stream.subspan(20, 16));
  r.Seek(36);
  Loc simple = ReadLoc(r).value();
  Loc modules = ReadLoc(r).value();
  if (simple.size) {
    CB_ASSIGN_OR_RETURN(info.simple_annotations,
                        ReadDictionary(file, simple.rva));
  }
  if (modules.size) {
    uint32_t count = 0;
    CB_ASSIGN_OR_RETURN(
        ByteReader links,
        CountedArray(file, modules.rva, 12, &count, "crashpad module links"));
    for (uint32_t i = 0; i < count; ++i) {
      uint32_t index = links.ReadU32("module index").value();
      Loc loc = ReadLoc(links).value();
      Result<CrashpadModuleInfo> m = ReadModuleInfo(file, index, loc);
      if (!m.ok())
        return m.status().WithContext(fmt::format("module link {}", i));
      info.modules.push_back(std::move(m).value());
    }
  }
  return info;
}

}  // namespace crashbox::minidump
