// SPDX-License-Identifier: MPL-2.0
// SynthDump: builds minidumps in code for tests (in the spirit of Breakpad's
// synth_minidump and rust-minidump-synth). Every stream the reader knows can
// be added; Build() lays out header, directory, then each stream with its
// side data (strings, contexts, memory) in insertion order.
//
// Broken dumps: AddRawStream() adds arbitrary bytes under any type, the
// Override*() knobs make the directory or a list header lie, and Truncate()
// cuts the built bytes. Test-only; never linked into crashbox.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace crashbox::testing {

enum class SynthCpu { kX86, kAmd64, kArm, kArm64, kArm64Old };

struct SynthContext {
  SynthCpu cpu = SynthCpu::kAmd64;
  std::map<std::string, uint64_t>
      regs;  // Breakpad register names ("rip", "sp", "x0", ...)
  std::optional<uint64_t>
      flags;  // context_flags; default: the CPU's full flags
};

struct SynthModule {
  std::string name;  // code file
  uint64_t base = 0;
  uint32_t size = 0x1000;
  uint32_t time_date_stamp = 0;
  uint32_t checksum = 0;
  std::optional<std::array<uint16_t, 4>> version;  // file version a.b.c.d
  std::string cv_record;    // raw CodeView bytes; see Pdb70()/Pdb20()/Elf()
  std::string misc_record;  // raw IMAGE_DEBUG_MISC bytes
};

struct SynthCrashpadModule {
  uint32_t module_index = 0;
  std::vector<std::string> list_annotations;
  std::map<std::string, std::string> simple_annotations;
  std::vector<std::pair<std::string, std::string>>
      annotation_objects;  // type 1 (string)
};

struct SynthCrashpad {
  std::array<uint8_t, 16> report_id{};
  std::array<uint8_t, 16> client_id{};
  std::map<std::string, std::string> simple_annotations;
  std::vector<SynthCrashpadModule> modules;
};

class SynthDump {
 public:
  // `platform` is the system info platform id (0x8201 Linux, 2 Windows NT,
  // 0x8101 macOS); the architecture follows `cpu`.
  explicit SynthDump(SynthCpu cpu = SynthCpu::kAmd64,
                     uint32_t platform = 0x8201);

  // CodeView record helpers.
  static std::string Pdb70(const std::array<uint8_t, 16>& guid, uint32_t age,
                           const std::string& pdb_name);
  static std::string Pdb20(uint32_t signature, uint32_t age,
                           const std::string& pdb_name);
  static std::string Elf(const std::string& build_id);
  static std::string MiscRecord(const std::string& name);  // non-Unicode
  // Cuts `bytes` to its first `n` bytes.
  static std::string Truncate(std::string bytes, size_t n);
  // 64-bit little-endian words, e.g. stack contents for AddThread.
  static std::string Words64(std::initializer_list<uint64_t> words);

  SynthDump& SetOsVersion(uint32_t major, uint32_t minor, uint32_t build,
                          std::string csd);
  SynthDump& SetProcessor(uint16_t level, uint16_t revision, uint8_t count);
  SynthDump& SetCpuVendor(std::string vendor);  // 12 chars, x86 CPU union
  SynthDump& SetArmCpu(uint32_t cpuid, uint32_t hwcaps);
  SynthDump& SetArchitecture(uint16_t arch);  // overrides the one from `cpu`
  SynthDump& OmitSystemInfo();
  SynthDump& SetTimeDateStamp(uint32_t t);

  // A thread with its context and (optionally) stack memory at stack_base.
  SynthDump& AddThread(uint32_t tid, SynthContext context,
                       uint64_t stack_base = 0, std::string stack = {});
  SynthDump& AddThreadName(uint32_t tid, std::string name);
  SynthDump& AddModule(SynthModule module);
  SynthDump& AddUnloadedModule(std::string name, uint64_t base, uint32_t size);
  SynthDump& AddMemory(uint64_t base, std::string bytes);
  SynthDump& AddMemory64(uint64_t base, std::string bytes);
  SynthDump& SetException(uint32_t tid, uint32_t code, uint32_t flags,
                          uint64_t address, std::vector<uint64_t> params = {},
                          std::optional<SynthContext> context = std::nullopt);
  SynthDump& SetBreakpadInfo(std::optional<uint32_t> dump_tid,
                             std::optional<uint32_t> requesting_tid);
  SynthDump& SetMiscInfo(uint32_t pid, uint32_t process_create_time);
  SynthDump& AddLinuxStream(uint32_t type, std::string bytes);
  SynthDump& SetCrashpadInfo(SynthCrashpad info);
  SynthDump& AddRawStream(uint32_t type, std::string bytes);

  // Breakage knobs, applied by Build().
  SynthDump& OverrideStreamSize(uint32_t type, uint32_t size);
  SynthDump& OverrideStreamRva(uint32_t type, uint32_t rva);
  SynthDump& OverrideListCount(uint32_t type,
                               uint32_t count);  // first u32 of the stream
  SynthDump& OverrideHeaderStreamCount(uint32_t count);
  SynthDump& AddListPadding(uint32_t type);  // 4 padding bytes after the count

  std::string Build() const;

 private:
  struct Thread {
    uint32_t tid;
    SynthContext context;
    uint64_t stack_base;
    std::string stack;
  };
  struct Exception {
    uint32_t tid, code, flags;
    uint64_t address;
    std::vector<uint64_t> params;
    std::optional<SynthContext> context;
  };
  struct Memory {
    uint64_t base;
    std::string bytes;
  };
  enum class Kind {
    kSystemInfo,
    kThreads,
    kThreadNames,
    kModules,
    kUnloaded,
    kMemory,
    kMemory64,
    kException,
    kBreakpad,
    kMisc,
    kCrashpad,
    kRaw
  };
  struct Stream {
    uint32_t type;
    Kind kind;
    std::string raw;
  };
  void Ensure(uint32_t type, Kind kind);

  SynthCpu cpu_;
  uint32_t platform_;
  std::optional<uint16_t> arch_override_;
  bool omit_system_info_ = false;
  uint32_t os_major_ = 0, os_minor_ = 0, os_build_ = 0;
  std::string csd_;
  uint16_t level_ = 6, revision_ = 0x3f02;
  uint8_t cpu_count_ = 1;
  std::string vendor_;
  uint32_t arm_cpuid_ = 0, arm_hwcaps_ = 0;
  uint32_t time_date_stamp_ = 0;
  std::vector<Thread> threads_;
  std::vector<std::pair<uint32_t, std::string>> thread_names_;
  std::vector<SynthModule> modules_;
  std::vector<SynthModule> unloaded_;
  std::vector<Memory> memory_, memory64_;
  std::optional<Exception> exception_;
  std::optional<std::pair<std::optional<uint32_t>, std::optional<uint32_t>>>
      breakpad_;
  std::optional<std::pair<uint32_t, uint32_t>> misc_;
  std::optional<SynthCrashpad> crashpad_;
  std::vector<Stream> streams_;  // order of first use; system info first
  std::map<uint32_t, uint32_t> size_override_, rva_override_, count_override_;
  std::map<uint32_t, bool> padding_;
  std::optional<uint32_t> header_count_override_;
};

}  // namespace crashbox::testing
