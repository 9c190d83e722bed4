// SPDX-License-Identifier: MPL-2.0
// Crashpad info stream (0x43500001): report/client ids, process-wide simple
// annotations and per-module annotations (list annotations, simple
// annotations and typed annotation objects).
//
// Layout (Crashpad's minidump_extensions.h): MinidumpCrashpadInfo {u32
// version, GUID report_id, GUID client_id, loc simple_annotations, loc
// module_list} = 52 bytes; module list = u32 count + 12-byte links {u32
// module index, loc}; each link points at {u32 version, loc list, loc simple,
// loc annotation_objects (only when the record is >= 28 bytes)}.
// Every count is capped by the bytes available; an unreadable part makes the
// stream kCorrupt, as in Breakpad.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/base/byte_reader.h"
#include "app/base/status.h"

namespace crashbox::minidump {

struct CrashpadAnnotation {
  std::string name;
  uint16_t type = 0;  // 1 = string; other types carry raw bytes
  std::string value;  // raw bytes (UTF-8 text for type 1)
};

struct CrashpadModuleInfo {
  uint32_t module_index = 0;  // index into the module list stream
  uint32_t version = 0;
  std::vector<std::string> list_annotations;
  std::map<std::string, std::string> simple_annotations;
  std::vector<CrashpadAnnotation> annotation_objects;
};

struct CrashpadInfo {
  uint32_t version = 0;
  std::string report_id;  // GUID "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
  std::string client_id;
  std::map<std::string, std::string> simple_annotations;
  std::vector<CrashpadModuleInfo> modules;
};

Result<CrashpadInfo> ParseCrashpadInfo(ByteView file, ByteView stream);

}  // namespace crashbox::minidump
