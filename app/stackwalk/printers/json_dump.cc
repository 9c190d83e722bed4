// SPDX-License-Identifier: MPL-2.0
// rust-minidump's JSON output (minidump-processor's ProcessState::print_json),
// the `json_dump` Socorro stores. Shape:
//   status, system_info{os, os_ver, cpu_arch, cpu_info, cpu_count},
//   crash_info{type, address, crashing_thread, assertion},
//   crashing_thread{thread_id, thread_name, frame_count, frames[]},
//   threads[]{...same...}, modules[]{base_addr, end_addr, code_id, debug_file,
//   debug_id, filename, version, missing_symbols, loaded_symbols,
//   corrupt_symbols, symbol_url}, main_module, unloaded_modules[],
//   thread_count.
// A frame: frame, module, module_offset, offset, function, function_offset,
// file, line, trust, missing_symbols, inlines[]{function, file, line},
// registers (context frames only). Inline frames are folded into the real
// frame that follows them (innermost first), as rust-minidump nests them;
// offsets are from the lookup address (return address - 1 for callers).
// Addresses are "0x%016x" strings (32-bit CPUs too, as rust-minidump);
// absent values are null.
//
// Text from dumps and symbol files (module and thread names, PDB paths, FUNC
// and FILE names, Linux streams, notes quoting them) is not trusted to be
// UTF-8: the finished tree goes through MakeValidUtf8 once, so every string
// and key, whatever field it came from, is converted by base::Utf8Lossy
// (rust-minidump's from_utf8_lossy rule) and dump() cannot throw.
#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/base/strings.h"
#include "app/stackwalk/printers/printers.h"

namespace crashbox::stackwalk {
namespace {

using Json = nlohmann::ordered_json;

std::string Hex(uint64_t v) { return fmt::format("0x{:016x}", v); }

template <typename T>
bool Has(const std::vector<T>& list, const T& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

Json FrameJson(const ProcessState& s, const Frame& f, int index,
               const std::vector<const Frame*>& inlines) {
  Json j;
  j["frame"] = index;
  j["module"] = f.has_module()
                    ? Json(std::string(BaseName(f.module_code_file())))
                    : Json();
  j["module_offset"] =
      f.has_module() ? Json(Hex(f.instruction - f.module_base())) : Json();
  j["offset"] = Hex(f.instruction);
  j["function"] = f.function_name.empty() ? Json() : Json(f.function_name);
  j["function_offset"] = f.function_name.empty()
                             ? Json()
                             : Json(Hex(f.instruction - f.function_base));
  j["file"] = f.source_file.empty() ? Json() : Json(f.source_file);
  j["line"] = f.source_file.empty() && f.source_line == 0 ? Json()
                                                          : Json(f.source_line);
  j["trust"] = TrustJsonName(f.trust);
  j["missing_symbols"] =
      f.module != nullptr && !Has(s.modules_with_symbols, f.module);
  if (inlines.empty()) {
    j["inlines"] = nullptr;
  } else {
    Json arr = Json::array();
    for (const Frame* in : inlines) {
      arr.push_back(
          {{"function", in->function_name},
           {"file", in->source_file.empty() ? Json() : Json(in->source_file)},
           {"line", in->source_line}});
    }
    j["inlines"] = std::move(arr);
  }
  if (f.trust == FrameTrust::kContext) {
    Json regs = Json::object();
    std::span<const std::string_view> names = f.regs.names();
    bool wide = f.regs.cpu == Cpu::kAmd64 || f.regs.cpu == Cpu::kArm64;
    for (size_t i = 0; i < names.size(); ++i) {
      if (!f.regs.IsValid(static_cast<int>(i))) continue;
      uint64_t v = f.regs.Get(static_cast<int>(i));
      regs[std::string(names[i])] =
          wide ? fmt::format("0x{:016x}", v) : fmt::format("0x{:08x}", v);
    }
    j["registers"] = std::move(regs);
  }
  return j;
}

Json ThreadJson(const ProcessState& s, const ThreadStack& t) {
  Json frames = Json::array();
  std::vector<const Frame*> pending_inlines;
  int index = 0;
  for (const Frame& f : t.frames) {
    if (f.trust == FrameTrust::kInline) {
      pending_inlines.push_back(&f);
      continue;
    }
    frames.push_back(FrameJson(s, f, index++, pending_inlines));
    pending_inlines.clear();
  }
  Json j;
  j["thread_id"] = t.thread_id;
  j["thread_name"] = t.thread_name.empty() ? Json() : Json(t.thread_name);
  j["frame_count"] = index;
  j["frames_truncated"] = t.truncated;
  j["frames"] = std::move(frames);
  return j;
}

// Rewrites every string value and object key that is not valid UTF-8.
void MakeValidUtf8(Json& j) {
  if (j.is_string()) {
    std::string& s = j.get_ref<std::string&>();
    if (base::ValidUtf8Prefix(s) != s.size()) s = base::Utf8Lossy(s);
  } else if (j.is_array()) {
    for (Json& e : j) MakeValidUtf8(e);
  } else if (j.is_object()) {
    bool bad_key = false;
    for (auto it = j.begin(); it != j.end(); ++it) {
      bad_key = bad_key || base::ValidUtf8Prefix(it.key()) != it.key().size();
      MakeValidUtf8(it.value());
    }
    if (!bad_key) return;
    Json fixed =
        Json::object();  // keys are const in place: rebuild, keeping order
    for (auto it = j.begin(); it != j.end(); ++it)
      fixed[base::Utf8Lossy(it.key())] = std::move(it.value());
    j = std::move(fixed);
  }
}

}  // namespace

nlohmann::ordered_json JsonDump(const ProcessState& s,
                                const minidump::Minidump& dump) {
  Json root;
  root["status"] = "OK";
  root["system_info"] = {
      {"os", s.os},
      {"os_ver", s.os_version},
      {"cpu_arch", s.cpu},
      {"cpu_info", s.cpu_info.empty() ? Json() : Json(s.cpu_info)},
      {"cpu_count", s.cpu_count}};
  Json crash;
  crash["type"] = s.crashed ? Json(s.crash_reason) : Json();
  crash["address"] = s.crashed ? Json(Hex(s.crash_address)) : Json();
  crash["crashing_thread"] =
      s.requesting_thread >= 0 ? Json(s.requesting_thread) : Json();
  crash["assertion"] = s.assertion.empty() ? Json() : Json(s.assertion);
  root["crash_info"] = std::move(crash);
  root["crashing_thread"] = s.requesting_thread >= 0
                                ? ThreadJson(s, s.threads[s.requesting_thread])
                                : Json();
  Json threads = Json::array();
  for (const ThreadStack& t : s.threads) threads.push_back(ThreadJson(s, t));
  root["thread_count"] = s.threads.size();
  root["threads"] = std::move(threads);

  Json modules = Json::array();
  if (s.modules != nullptr) {
    for (const minidump::Module& m : s.modules->modules()) {
      bool loaded = Has(s.modules_with_symbols, &m);
      modules.push_back(
          {{"base_addr", Hex(m.base_address)},
           {"end_addr", Hex(m.end_address())},
           {"code_id", m.code_id.empty() ? Json() : Json(m.code_id)},
           {"debug_file", m.debug_file.empty() ? Json() : Json(m.debug_file)},
           {"debug_id", m.debug_id.empty() ? Json() : Json(m.debug_id)},
           {"filename", std::string(BaseName(m.code_file))},
           {"version", m.version.empty() ? Json() : Json(m.version)},
           {"missing_symbols", Has(s.modules_without_symbols, &m)},
           {"loaded_symbols", loaded},
           {"corrupt_symbols", Has(s.modules_with_corrupt_symbols, &m)},
           {"symbol_url", nullptr}});
    }
  }
  root["main_module"] =
      s.modules != nullptr && s.modules->size() > 0 ? Json(0) : Json();
  root["modules"] = std::move(modules);
  Json unloaded = Json::array();
  if (const auto& u = dump.unloaded_modules(); u.ok()) {
    for (const minidump::UnloadedModule& m : *u) {
      unloaded.push_back(
          {{"base_addr", Hex(m.base_address)},
           {"end_addr", Hex(m.base_address + m.size)},
           {"code_id", m.code_id.empty() ? Json() : Json(m.code_id)},
           {"filename", std::string(BaseName(m.code_file))}});
    }
  }
  root["unloaded_modules"] = std::move(unloaded);
  if (const auto& misc = dump.misc_info(); misc.ok() && misc->process_id) {
    root["pid"] = *misc->process_id;
  } else {
    root["pid"] = nullptr;
  }
  root["notes"] = s.notes;
  MakeValidUtf8(root);
  return root;
}

std::string PrintJsonDump(const ProcessState& s,
                          const minidump::Minidump& dump) {
  return JsonDump(s, dump).dump(2) + "\n";
}

}  // namespace crashbox::stackwalk
