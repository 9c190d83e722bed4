// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/minidump.h"

#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "app/minidump/context/parse_context.h"

namespace crashbox::minidump {
namespace {

// Breakpad refuses a second copy of these; other types: the last one wins.
bool IsUniqueStreamType(uint32_t type) {
  switch (type) {
    case kThreadListStream:
    case kModuleListStream:
    case kMemoryListStream:
    case kExceptionStream:
    case kSystemInfoStream:
    case kMiscInfoStream:
    case kBreakpadInfoStream:
    case kCrashpadInfoStream:
      return true;
    default:
      return false;
  }
}

}  // namespace

Minidump::~Minidump() = default;

Result<std::unique_ptr<Minidump>> Minidump::Open(std::string bytes) {
  std::unique_ptr<Minidump> dump(new Minidump());
  dump->storage_ = std::move(bytes);
  dump->bytes_ = AsBytes(dump->storage_);
  return Init(std::move(dump));
}

Result<std::unique_ptr<Minidump>> Minidump::Open(std::vector<uint8_t> bytes) {
  return Open(std::string(bytes.begin(), bytes.end()));
}

Result<std::unique_ptr<Minidump>> Minidump::ReadFile(
    const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Status::NotFound(
        fmt::format("minidump {}: not a readable file", path.string()));
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  if (in.bad())
    return Status::IoError(
        fmt::format("minidump {}: read failed", path.string()));
  Result<std::unique_ptr<Minidump>> dump = Open(std::move(bytes));
  if (!dump.ok()) return dump.status().WithContext(path.string());
  return dump;
}

Result<std::unique_ptr<Minidump>> Minidump::Init(
    std::unique_ptr<Minidump> dump) {
  ByteReader r(dump->bytes_);
  Header& h = dump->header_;
  CB_ASSIGN_OR_RETURN(h.signature, r.ReadU32("header signature"));
  if (h.signature != kHeaderSignature) {
    if (h.signature == __builtin_bswap32(kHeaderSignature)) {
      return Status::Corrupt("header: big-endian minidumps are not supported");
    }
    return Status::Corrupt(
        fmt::format("header: signature 0x{:08x} is not MDMP", h.signature));
  }
  CB_ASSIGN_OR_RETURN(h.version, r.ReadU32("header version"));
  CB_ASSIGN_OR_RETURN(h.stream_count, r.ReadU32("header stream count"));
  CB_ASSIGN_OR_RETURN(h.stream_directory_rva,
                      r.ReadU32("header directory rva"));
  CB_ASSIGN_OR_RETURN(h.checksum, r.ReadU32("header checksum"));
  CB_ASSIGN_OR_RETURN(h.time_date_stamp, r.ReadU32("header time stamp"));
  CB_ASSIGN_OR_RETURN(h.flags, r.ReadU64("header flags"));
  if ((h.version & 0xffff) != kHeaderVersion) {
    return Status::Corrupt(fmt::format("header: version 0x{:x} != 0x{:x}",
                                       h.version & 0xffff, kHeaderVersion));
  }
  if (h.stream_count > kMaxStreams) {
    return Status::Corrupt(
        fmt::format("header: {} streams exceed the limit of {}", h.stream_count,
                    kMaxStreams));
  }
  Result<ByteView> dir =
      SubView(dump->bytes_, h.stream_directory_rva,
              uint64_t{h.stream_count} * kDirectoryEntrySize, "directory");
  if (!dir.ok()) {
    return Status::Corrupt(fmt::format(
        "directory: {} entries at 0x{:x} exceed file of {} bytes",
        h.stream_count, h.stream_directory_rva, dump->bytes_.size()));
  }
  ByteReader d(*dir);
  for (uint32_t i = 0; i < h.stream_count; ++i) {
    DirectoryEntry e;
    e.stream_type = d.ReadU32("stream type").value();
    e.location.data_size = d.ReadU32("stream size").value();
    e.location.rva = d.ReadU32("stream rva").value();
    if (IsUniqueStreamType(e.stream_type) && dump->HasStream(e.stream_type)) {
      return Status::Corrupt(fmt::format(
          "directory: more than one stream of type {}", e.stream_type));
    }
    dump->directory_.push_back(e);
  }
  return dump;
}

bool Minidump::HasStream(uint32_t type) const {
  for (const DirectoryEntry& e : directory_) {
    if (e.stream_type == type) return true;
  }
  return false;
}

Result<ByteView> Minidump::FindStream(uint32_t type) const {
  const DirectoryEntry* found = nullptr;
  for (const DirectoryEntry& e : directory_) {
    if (e.stream_type == type) found = &e;
  }
  if (!found)
    return Status::NotFound(fmt::format("stream 0x{:x} not present", type));
  Result<ByteView> view =
      SubView(bytes_, found->location.rva, found->location.data_size, "stream");
  if (!view.ok()) {
    return Status::Corrupt(fmt::format(
        "{} bytes at 0x{:x} exceed file of {} bytes", found->location.data_size,
        found->location.rva, bytes_.size()));
  }
  return view;
}

template <typename T, typename F>
const Result<T>& Minidump::Get(Lazy<T>& slot, uint32_t type,
                               std::string_view name, F parse) const {
  std::call_once(slot.once, [&] {
    Result<ByteView> stream = FindStream(type);
    if (!stream.ok()) {
      if (stream.status().code() == Status::Code::kNotFound) {
        slot.value.emplace(
            Status::NotFound(fmt::format("{}: stream not present", name)));
        return;
      }
      slot.value.emplace(stream.status().WithContext(name));
    } else {
      Result<T> parsed = parse(*stream);
      slot.value.emplace(parsed.ok()
                             ? std::move(parsed)
                             : Result<T>(parsed.status().WithContext(name)));
    }
    if (!slot.value->ok()) AddNote(slot.value->status().message());
  });
  return *slot.value;
}

std::optional<uint32_t> Minidump::Platform() const {
  const Result<SystemInfo>& sys = system_info();
  if (!sys.ok()) return std::nullopt;
  return sys->platform_id;
}

const Result<SystemInfo>& Minidump::system_info() const {
  return Get(system_info_, kSystemInfoStream, "system info",
             [&](ByteView s) { return ParseSystemInfo(bytes_, s); });
}
const Result<ThreadList>& Minidump::threads() const {
  return Get(threads_, kThreadListStream, "thread list", ParseThreadList);
}
const Result<ThreadNames>& Minidump::thread_names() const {
  return Get(thread_names_, kThreadNamesStream, "thread names",
             [&](ByteView s) { return ParseThreadNames(bytes_, s); });
}
const Result<ModuleList>& Minidump::modules() const {
  return Get(modules_, kModuleListStream, "module list", [&](ByteView s) {
    return ParseModuleList(bytes_, s, Platform());
  });
}
const Result<std::vector<UnloadedModule>>& Minidump::unloaded_modules() const {
  return Get(unloaded_modules_, kUnloadedModuleListStream,
             "unloaded module list", [&](ByteView s) {
               return ParseUnloadedModuleList(bytes_, s, Platform());
             });
}
const Result<ExceptionStream>& Minidump::exception() const {
  return Get(exception_, kExceptionStream, "exception", ParseException);
}
const Result<MemoryList>& Minidump::memory_list() const {
  return Get(memory_list_, kMemoryListStream, "memory list",
             [&](ByteView s) { return ParseMemoryList(bytes_, s); });
}
const Result<MemoryList>& Minidump::memory64_list() const {
  return Get(memory64_list_, kMemory64ListStream, "memory64 list",
             [&](ByteView s) { return ParseMemory64List(bytes_, s); });
}
const Result<MemoryInfoList>& Minidump::memory_info() const {
  return Get(memory_info_, kMemoryInfoListStream, "memory info list",
             ParseMemoryInfoList);
}
const Result<MiscInfo>& Minidump::misc_info() const {
  return Get(misc_info_, kMiscInfoStream, "misc info", ParseMiscInfo);
}
const Result<BreakpadInfo>& Minidump::breakpad_info() const {
  return Get(breakpad_info_, kBreakpadInfoStream, "breakpad info",
             ParseBreakpadInfo);
}
const Result<CrashpadInfo>& Minidump::crashpad_info() const {
  return Get(crashpad_info_, kCrashpadInfoStream, "crashpad info",
             [&](ByteView s) { return ParseCrashpadInfo(bytes_, s); });
}

Result<CpuContext> Minidump::ReadContext(
    const LocationDescriptor& where) const {
  SystemInfoHint hint;
  if (HasStream(kSystemInfoStream)) {
    const Result<SystemInfo>& sys = system_info();
    hint.state = sys.ok() ? SystemInfoHint::State::kPresent
                          : SystemInfoHint::State::kUnreadable;
    if (sys.ok()) hint.processor_architecture = sys->processor_architecture;
  }
  Result<ByteView> raw = SubView(bytes_, where.rva, where.data_size, "context");
  if (!raw.ok()) {
    return Status::Corrupt(
        fmt::format("context: {} bytes at 0x{:x} exceed file of {} bytes",
                    where.data_size, where.rva, bytes_.size()));
  }
  return ParseContext(*raw, hint);
}

Result<CpuContext> Minidump::ThreadContext(const Thread& thread) const {
  Result<CpuContext> ctx = ReadContext(thread.context);
  if (!ctx.ok())
    return ctx.status().WithContext(
        fmt::format("thread 0x{:x}", thread.thread_id));
  return ctx;
}

Result<CpuContext> Minidump::ExceptionContext() const {
  const Result<ExceptionStream>& e = exception();
  if (!e.ok()) return e.status();
  return ReadContext(e->context);
}

const MemoryRegion* Minidump::FindMemory(uint64_t address) const {
  if (const Result<MemoryList>& list = memory_list(); list.ok()) {
    if (const MemoryRegion* r = list->Find(address)) return r;
  }
  if (const Result<MemoryList>& list = memory64_list(); list.ok())
    return list->Find(address);
  return nullptr;
}

std::optional<MemoryRegion> Minidump::ThreadStack(const Thread& thread) const {
  if (thread.HasUsableStackDescriptor()) {
    const MemoryDescriptor& d = thread.stack;
    MemoryRegion region{d.start_of_memory_range, d.memory.data_size, {}, false};
    if (d.memory.data_size <= kMaxRegionBytes) {
      if (Result<ByteView> b =
              SubView(bytes_, d.memory.rva, d.memory.data_size, "stack");
          b.ok()) {
        region.bytes = *b;
        region.readable = true;
      }
    }
    return region;
  }
  if (thread.stack.start_of_memory_range == 0) return std::nullopt;
  const Result<MemoryList>& list = memory_list();
  if (!list.ok()) return std::nullopt;
  const MemoryRegion* r = list->Find(thread.stack.start_of_memory_range);
  if (!r) return std::nullopt;
  return *r;
}

std::vector<std::string> Minidump::notes() const {
  std::lock_guard<std::mutex> lock(notes_mu_);
  return notes_;
}

void Minidump::AddNote(std::string note) const {
  std::lock_guard<std::mutex> lock(notes_mu_);
  notes_.push_back(std::move(note));
}

void Minidump::ParseAll() const {
  system_info();
  threads();
  thread_names();
  modules();
  unloaded_modules();
  exception();
  memory_list();
  memory64_list();
  memory_info();
  misc_info();
  breakpad_info();
  crashpad_info();
}

CrashInfo GetCrashInfo(const Minidump& dump) {
  CrashInfo info;
  if (const Result<BreakpadInfo>& bp = dump.breakpad_info(); bp.ok()) {
    info.dump_thread_id = bp->dump_thread_id;
    info.requesting_thread_id = bp->requesting_thread_id;
  }
  if (const Result<ExceptionStream>& e = dump.exception(); e.ok()) {
    info.crashed = true;
    info.requesting_thread_id = e->thread_id;
    const Result<SystemInfo>& sys = dump.system_info();
    CrashReason reason = GetCrashReason(*e, sys.ok() ? &sys.value() : nullptr);
    info.reason = std::move(reason.reason);
    info.address = reason.address;
  }
  const Result<ThreadList>& threads = dump.threads();
  if (!threads.ok() || !info.requesting_thread_id) return info;
  int index = 0;
  for (const Thread& t : threads->threads) {
    if (info.dump_thread_id && t.thread_id == *info.dump_thread_id) continue;
    if (t.thread_id == *info.requesting_thread_id) {
      info.requesting_thread_index = index;
      break;
    }
    ++index;
  }
  return info;
}

}  // namespace crashbox::minidump
