// SPDX-License-Identifier: MPL-2.0
// Module list (type 4) and unloaded module list (type 14).
//
// Identity strings are derived exactly as Breakpad's MinidumpModule does:
//   code_file   the module name string (full path as recorded)
//   debug_file  PDB70/PDB20: the pdb name; ELF: code_file; else the misc
//               record's name; else ""
//   debug_id    PDB70: GUID uppercase hex + age lowercase hex
//               ("B7C04F7B5C2A80AF870A1C234668A0DE0"); PDB20: "%08X%x" of
//               signature and age; ELF: first 16 build-id bytes read as a
//               GUID, age 0; else ""
//   code_id     Windows: "%08X%x" of time stamp and size; Linux/Android with
//               an ELF record: the whole build id in lowercase hex; other
//               known platforms: "id"; unknown platform: ""
// A module whose CodeView or misc record is present but unreadable keeps its
// code_file and range but has empty debug_file, debug_id and code_id.
//
// List-level rules (MinidumpModuleList::Read): size = 4 + 108*n (+4 padding
// allowed), at most kMaxModules, every module needs a non-empty range and a
// readable name, exact duplicates are dropped, and on platforms other than
// Linux/Android overlapping modules make the whole list kCorrupt.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/base/byte_reader.h"
#include "app/base/status.h"
#include "app/minidump/format.h"

namespace crashbox::minidump {

enum class CodeViewKind : uint8_t { kNone, kPdb70, kPdb20, kElf, kOther };

struct Module {
  uint64_t base_address = 0;
  uint32_t size = 0;
  uint32_t checksum = 0;
  uint32_t time_date_stamp = 0;
  std::string code_file;
  std::string code_id;
  std::string debug_file;
  std::string debug_id;
  std::string version;  // "a.b.c.d" from VS_FIXEDFILEINFO, or ""
  CodeViewKind cv_kind = CodeViewKind::kNone;
  std::vector<uint8_t> build_id;  // ELF build id (kElf only)
  LocationDescriptor cv_record;
  LocationDescriptor misc_record;

  uint64_t end_address() const { return base_address + size; }  // exclusive
  bool Contains(uint64_t address) const {
    return address >= base_address && address - base_address < size;
  }
};

class ModuleList {
 public:
  ModuleList() = default;
  explicit ModuleList(std::vector<Module> modules);

  // File order; index 0 is the main module (Breakpad's GetMainModule).
  const std::vector<Module>& modules() const { return modules_; }
  size_t size() const { return modules_.size(); }
  const Module* main_module() const {
    return modules_.empty() ? nullptr : &modules_[0];
  }
  // Modules sorted by base address: Breakpad's printing order.
  std::vector<const Module*> ByAddress() const;
  // The module containing `address` (the highest base at or below it), or null.
  const Module* FindByAddress(uint64_t address) const;

 private:
  std::vector<Module> modules_;
  std::vector<size_t> by_base_;  // indices sorted by base address
};

// `platform_id` is the system info platform, nullopt when unknown; it selects
// the code_id format and the overlap rule.
Result<ModuleList> ParseModuleList(ByteView file, ByteView stream,
                                   std::optional<uint32_t> platform_id);

struct UnloadedModule {
  uint64_t base_address = 0;
  uint32_t size = 0;
  uint32_t checksum = 0;
  uint32_t time_date_stamp = 0;
  std::string code_file;
  std::string code_id;  // as for loaded modules, without ELF data
};

// MINIDUMP_UNLOADED_MODULE_LIST: {u32 header size, u32 entry size, u32
// count}; entries may be larger than the 24 bytes we read. The stream size
// must equal header + entry*count.
Result<std::vector<UnloadedModule>> ParseUnloadedModuleList(
    ByteView file, ByteView stream, std::optional<uint32_t> platform_id);

}  // namespace crashbox::minidump
