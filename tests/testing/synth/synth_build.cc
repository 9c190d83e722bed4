// SPDX-License-Identifier: MPL-2.0
// SynthDump::Build: lays out the dump (split from synth_dump.cc for size).
#include <cstring>

#include "tests/testing/synth/synth_dump.h"

namespace crashbox::testing {
namespace {

template <typename T>
std::string Le(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

}  // namespace

// Encoders shared with synth_dump.cc (defined there).
namespace synth_internal {
std::string MinidumpString(const std::string& utf8);
std::string Utf8String(const std::string& s);
std::string ContextBytes(const SynthContext& c);
uint16_t ArchFor(SynthCpu cpu);
}  // namespace synth_internal

std::string SynthDump::Build() const {
  using namespace synth_internal;
  std::string out;
  auto blob = [&](const std::string& s) {
    while (out.size() % 4) out += '\0';
    uint32_t at = static_cast<uint32_t>(out.size());
    out += s;
    return at;
  };
  auto loc = [&](const std::string& s) {
    return Le<uint32_t>(s.size()) + Le<uint32_t>(blob(s));
  };

  std::vector<const Stream*> streams;
  for (const Stream& s : streams_) {
    if (s.kind == Kind::kSystemInfo && omit_system_info_) continue;
    streams.push_back(&s);
  }
  uint32_t count = static_cast<uint32_t>(streams.size());
  out += Le<uint32_t>(0x504d444d) + Le<uint32_t>(0xa793) +
         Le<uint32_t>(header_count_override_.value_or(count)) +
         Le<uint32_t>(32) + Le<uint32_t>(0) + Le<uint32_t>(time_date_stamp_) +
         Le<uint64_t>(0);
  out.resize(32 + 12 * size_t{count}, '\0');

  for (uint32_t i = 0; i < count; ++i) {
    const Stream& s = *streams[i];
    std::string body;
    switch (s.kind) {
      case Kind::kSystemInfo: {
        uint32_t csd_rva = blob(MinidumpString(csd_));
        body = Le<uint16_t>(arch_override_.value_or(ArchFor(cpu_))) +
               Le(level_) + Le(revision_) +
               std::string(1, static_cast<char>(cpu_count_)) +
               std::string(1, '\1') + Le(os_major_) + Le(os_minor_) +
               Le(os_build_) + Le(platform_) + Le(csd_rva) + Le<uint16_t>(0) +
               Le<uint16_t>(0);
        std::string cpu(24, '\0');
        if (cpu_ == SynthCpu::kArm) {
          std::memcpy(cpu.data(), &arm_cpuid_, 4);
          std::memcpy(cpu.data() + 4, &arm_hwcaps_, 4);
        } else {
          std::memcpy(cpu.data(), vendor_.data(),
                      std::min<size_t>(12, vendor_.size()));
        }
        body += cpu;
        break;
      }
      case Kind::kThreads: {
        std::string entries;
        for (const Thread& t : threads_) {
          std::string ctx = loc(ContextBytes(t.context));
          uint32_t stack_rva = t.stack.empty() ? 0 : blob(t.stack);
          entries += Le(t.tid) + Le<uint32_t>(0) + Le<uint32_t>(0) +
                     Le<uint32_t>(0) + Le<uint64_t>(0) + Le(t.stack_base) +
                     Le<uint32_t>(static_cast<uint32_t>(t.stack.size())) +
                     Le(stack_rva) + ctx;
        }
        body = Le<uint32_t>(static_cast<uint32_t>(threads_.size())) + entries;
        break;
      }
      case Kind::kThreadNames: {
        std::string entries;
        for (const auto& [tid, name] : thread_names_) {
          entries += Le(tid) + Le<uint64_t>(blob(MinidumpString(name)));
        }
        body =
            Le<uint32_t>(static_cast<uint32_t>(thread_names_.size())) + entries;
        break;
      }
      case Kind::kModules:
      case Kind::kUnloaded: {
        const auto& list = s.kind == Kind::kModules ? modules_ : unloaded_;
        std::string entries;
        for (const SynthModule& m : list) {
          uint32_t name_rva = blob(MinidumpString(m.name));
          std::string e = Le(m.base) + Le(m.size) + Le(m.checksum) +
                          Le(m.time_date_stamp) + Le(name_rva);
          if (s.kind == Kind::kUnloaded) {
            entries += e;
            continue;
          }
          std::string vs(52, '\0');
          if (m.version) {
            uint32_t fixed[4] = {
                0xfeef04bd, 0x00010000,
                uint32_t((*m.version)[0]) << 16 | (*m.version)[1],
                uint32_t((*m.version)[2]) << 16 | (*m.version)[3]};
            std::memcpy(vs.data(), fixed, sizeof(fixed));
          }
          std::string cv =
              m.cv_record.empty() ? Le<uint64_t>(0) : loc(m.cv_record);
          std::string misc =
              m.misc_record.empty() ? Le<uint64_t>(0) : loc(m.misc_record);
          entries += e + vs + cv + misc + std::string(16, '\0');
        }
        uint32_t n = static_cast<uint32_t>(list.size());
        body = s.kind == Kind::kModules
                   ? Le(n) + entries
                   : Le<uint32_t>(12) + Le<uint32_t>(24) + Le(n) + entries;
        break;
      }
      case Kind::kMemory: {
        std::string entries;
        for (const Memory& m : memory_) {
          entries += Le(m.base) + loc(m.bytes);
        }
        body = Le<uint32_t>(static_cast<uint32_t>(memory_.size())) + entries;
        break;
      }
      case Kind::kMemory64: {
        std::string data, entries;
        for (const Memory& m : memory64_) {
          data += m.bytes;
          entries += Le(m.base) + Le<uint64_t>(m.bytes.size());
        }
        uint64_t base_rva = blob(data);
        body = Le<uint64_t>(memory64_.size()) + Le(base_rva) + entries;
        break;
      }
      case Kind::kException: {
        const Exception& e = *exception_;
        std::string ctx =
            e.context ? loc(ContextBytes(*e.context)) : Le<uint64_t>(0);
        body = Le(e.tid) + Le<uint32_t>(0) + Le(e.code) + Le(e.flags) +
               Le<uint64_t>(0) + Le(e.address) +
               Le<uint32_t>(static_cast<uint32_t>(e.params.size())) +
               Le<uint32_t>(0);
        for (size_t p = 0; p < 15; ++p)
          body += Le<uint64_t>(p < e.params.size() ? e.params[p] : 0);
        body += ctx;
        break;
      }
      case Kind::kBreakpad: {
        uint32_t validity =
            (breakpad_->first ? 1 : 0) | (breakpad_->second ? 2 : 0);
        body = Le(validity) + Le(breakpad_->first.value_or(0)) +
               Le(breakpad_->second.value_or(0));
        break;
      }
      case Kind::kMisc:
        body = Le<uint32_t>(24) + Le<uint32_t>(0x3) + Le(misc_->first) +
               Le(misc_->second) + Le<uint32_t>(0) + Le<uint32_t>(0);
        break;
      case Kind::kCrashpad: {
        auto dict = [&](const std::map<std::string, std::string>& d) {
          std::string entries;
          for (const auto& [k, v] : d) {
            entries += Le(blob(Utf8String(k))) + Le(blob(Utf8String(v)));
          }
          std::string arr =
              Le<uint32_t>(static_cast<uint32_t>(d.size())) + entries;
          return d.empty() ? Le<uint64_t>(0) : loc(arr);
        };
        std::string links;
        for (const SynthCrashpadModule& m : crashpad_->modules) {
          std::string list_rvas;
          for (const std::string& a : m.list_annotations)
            list_rvas += Le(blob(Utf8String(a)));
          std::string list = m.list_annotations.empty()
                                 ? Le<uint64_t>(0)
                                 : loc(Le<uint32_t>(static_cast<uint32_t>(
                                           m.list_annotations.size())) +
                                       list_rvas);
          std::string objects_body;
          for (const auto& [name, value] : m.annotation_objects) {
            objects_body += Le(blob(Utf8String(name))) + Le<uint16_t>(1) +
                            Le<uint16_t>(0) + Le(blob(Utf8String(value)));
          }
          std::string objects = m.annotation_objects.empty()
                                    ? Le<uint64_t>(0)
                                    : loc(Le<uint32_t>(static_cast<uint32_t>(
                                              m.annotation_objects.size())) +
                                          objects_body);
          std::string record =
              Le<uint32_t>(1) + list + dict(m.simple_annotations) + objects;
          links += Le(m.module_index) + loc(record);
        }
        std::string module_list = crashpad_->modules.empty()
                                      ? Le<uint64_t>(0)
                                      : loc(Le<uint32_t>(static_cast<uint32_t>(
                                                crashpad_->modules.size())) +
                                            links);
        body = Le<uint32_t>(1) +
               std::string(crashpad_->report_id.begin(),
                           crashpad_->report_id.end()) +
               std::string(crashpad_->client_id.begin(),
                           crashpad_->client_id.end()) +
               dict(crashpad_->simple_annotations) + module_list;
        break;
      }
      case Kind::kRaw:
        body = s.raw;
        break;
    }
    if (auto it = count_override_.find(s.type);
        it != count_override_.end() && body.size() >= 4) {
      std::memcpy(body.data(), &it->second, 4);
    }
    if (padding_.count(s.type) && body.size() >= 4)
      body.insert(4, std::string(4, '\0'));
    uint32_t size = static_cast<uint32_t>(body.size());
    uint32_t rva = blob(body);
    if (auto it = size_override_.find(s.type); it != size_override_.end())
      size = it->second;
    if (auto it = rva_override_.find(s.type); it != rva_override_.end())
      rva = it->second;
    std::string entry = Le(s.type) + Le(size) + Le(rva);
    std::memcpy(out.data() + 32 + 12 * i, entry.data(), 12);
  }
  return out;
}

}  // namespace crashbox::testing
