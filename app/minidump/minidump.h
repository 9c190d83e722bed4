// SPDX-License-Identifier: MPL-2.0
// Minidump: one dump file, its header and directory, and every stream parsed
// lazily and independently.
//
// Caveats (read before using):
//  - Opening checks only the header and directory (Breakpad's
//    Minidump::Read): "MDMP" signature, version 0xa793, at most kMaxStreams
//    streams, a directory inside the file, no duplicate of the core stream
//    types. Big-endian (byte-swapped) dumps are rejected.
//  - Each stream accessor parses on first call and caches the Result. A
//    stream that is absent is kNotFound; one that is present but unusable is
//    kCorrupt and also adds a note ("thread list: 3 entries need ...") to
//    notes(). A corrupt stream never affects the others.
//  - Views (MemoryRegion::bytes, FindStream) point into the dump's buffer:
//    they are valid while the Minidump lives. The Minidump does not move
//    (held by unique_ptr).
//  - Thread-safe: accessors may be called concurrently (std::call_once).
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/base/byte_reader.h"
#include "app/base/status.h"
#include "app/minidump/context/cpu_context.h"
#include "app/minidump/crashpad_info.h"
#include "app/minidump/exception.h"
#include "app/minidump/format.h"
#include "app/minidump/memory_list.h"
#include "app/minidump/misc_streams.h"
#include "app/minidump/module_list.h"
#include "app/minidump/system_info.h"
#include "app/minidump/thread_list.h"

namespace crashbox::minidump {

struct Header {
  uint32_t signature = 0;
  uint32_t version = 0;
  uint32_t stream_count = 0;
  uint32_t stream_directory_rva = 0;
  uint32_t checksum = 0;
  uint32_t time_date_stamp = 0;  // dump time, time_t
  uint64_t flags = 0;
};

struct DirectoryEntry {
  uint32_t stream_type = 0;
  LocationDescriptor location;
};

class Minidump {
 public:
  // kCorrupt when the header or directory is invalid.
  static Result<std::unique_ptr<Minidump>> Open(std::string bytes);
  static Result<std::unique_ptr<Minidump>> Open(std::vector<uint8_t> bytes);
  // Reads the whole file; kIoError / kNotFound when it cannot be read.
  static Result<std::unique_ptr<Minidump>> ReadFile(
      const std::filesystem::path& path);
  ~Minidump();
  Minidump(const Minidump&) = delete;
  Minidump& operator=(const Minidump&) = delete;

  ByteView bytes() const { return bytes_; }
  const Header& header() const { return header_; }
  const std::vector<DirectoryEntry>& directory() const { return directory_; }
  // The bytes of the stream of `type` (the last one when repeated): kNotFound
  // when absent, kCorrupt when its location lies outside the file.
  Result<ByteView> FindStream(uint32_t type) const;
  bool HasStream(uint32_t type) const;

  const Result<SystemInfo>& system_info() const;
  const Result<ThreadList>& threads() const;
  const Result<ThreadNames>& thread_names() const;
  const Result<ModuleList>& modules() const;
  const Result<std::vector<UnloadedModule>>& unloaded_modules() const;
  const Result<ExceptionStream>& exception() const;
  const Result<MemoryList>& memory_list() const;    // stream 5
  const Result<MemoryList>& memory64_list() const;  // stream 9
  const Result<MemoryInfoList>& memory_info() const;
  const Result<MiscInfo>& misc_info() const;
  const Result<BreakpadInfo>& breakpad_info() const;
  const Result<CrashpadInfo>& crashpad_info() const;

  // The CPU context stored at `where`, validated against the system info
  // (see context/parse_context.h); kCorrupt when unusable.
  Result<CpuContext> ReadContext(const LocationDescriptor& where) const;
  Result<CpuContext> ThreadContext(const Thread& thread) const;
  // The exception's own context (the state at the crash); kNotFound without
  // an exception stream.
  Result<CpuContext> ExceptionContext() const;

  // The memory containing `address`: the memory list first, then memory64.
  const MemoryRegion* FindMemory(uint64_t address) const;
  // A thread's stack as Breakpad picks it: the thread's own descriptor when
  // usable, else the memory list region containing the stack start.
  std::optional<MemoryRegion> ThreadStack(const Thread& thread) const;

  // Notes about corrupt streams met so far, in the order they were found.
  std::vector<std::string> notes() const;
  // Parses every known stream (filling notes()); for tools and fuzzing.
  void ParseAll() const;
  // Adds a note (used by stream helpers outside this class).
  void AddNote(std::string note) const;

 private:
  template <typename T>
  struct Lazy {
    std::once_flag once;
    std::optional<Result<T>> value;
  };
  template <typename T, typename F>
  const Result<T>& Get(Lazy<T>& slot, uint32_t type, std::string_view name,
                       F parse) const;
  Minidump() = default;
  static Result<std::unique_ptr<Minidump>> Init(std::unique_ptr<Minidump> dump);
  std::optional<uint32_t> Platform() const;

  std::string storage_;
  ByteView bytes_;
  Header header_;
  std::vector<DirectoryEntry> directory_;

  mutable Lazy<SystemInfo> system_info_;
  mutable Lazy<ThreadList> threads_;
  mutable Lazy<ThreadNames> thread_names_;
  mutable Lazy<ModuleList> modules_;
  mutable Lazy<std::vector<UnloadedModule>> unloaded_modules_;
  mutable Lazy<ExceptionStream> exception_;
  mutable Lazy<MemoryList> memory_list_;
  mutable Lazy<MemoryList> memory64_list_;
  mutable Lazy<MemoryInfoList> memory_info_;
  mutable Lazy<MiscInfo> misc_info_;
  mutable Lazy<BreakpadInfo> breakpad_info_;
  mutable Lazy<CrashpadInfo> crashpad_info_;
  mutable std::mutex notes_mu_;
  mutable std::vector<std::string> notes_;
};

// Process-level crash facts as Breakpad's MinidumpProcessor computes them
// (what minidump_stackwalk prints on its "Crash|" line).
struct CrashInfo {
  bool crashed = false;  // an exception stream was readable
  std::string reason;
  uint64_t address = 0;
  std::optional<uint32_t> dump_thread_id;  // Breakpad info
  std::optional<uint32_t>
      requesting_thread_id;  // exception thread, else Breakpad info
  // Index of the requesting thread among the threads Breakpad walks (the
  // dump-writing thread is skipped), or -1 when absent or not found.
  int requesting_thread_index = -1;
};
CrashInfo GetCrashInfo(const Minidump& dump);

}  // namespace crashbox::minidump
