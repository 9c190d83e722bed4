// SPDX-License-Identifier: MPL-2.0
// Thread list stream (type 3) and thread names stream (type 24).
//
// Thread list rules follow Breakpad's MinidumpThreadList::Read: the stream is
// a u32 count then 48-byte MINIDUMP_THREADs; its size must equal 4 + 48*n, or
// 8 + 48*n (4 bytes of padding some 64-bit writers add); more than
// kMaxThreads threads is kCorrupt. The count is therefore bounded by the
// stream size, never trusted on its own.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "app/base/byte_reader.h"
#include "app/base/status.h"
#include "app/minidump/format.h"

namespace crashbox::minidump {

struct Thread {
  uint32_t thread_id = 0;
  uint32_t suspend_count = 0;
  uint32_t priority_class = 0;
  uint32_t priority = 0;
  uint64_t teb = 0;
  MemoryDescriptor stack;      // the thread's stack memory, as recorded
  LocationDescriptor context;  // raw CPU context record

  // Breakpad ignores the stack descriptor when its rva or size is 0 or
  // start + size overflows; the walker then looks the stack start up in the
  // memory list instead (see Minidump::ThreadStack).
  bool HasUsableStackDescriptor() const;
};

struct ThreadList {
  std::vector<Thread> threads;  // file order
  // First thread with this id (Breakpad keeps the first of duplicates), or
  // null.
  const Thread* FindById(uint32_t thread_id) const;
};

// kCorrupt with a message such as "3 entries exceed stream of 10 bytes".
Result<ThreadList> ParseThreadList(ByteView stream);

struct ThreadNames {
  std::map<uint32_t, std::string> names;  // thread id → UTF-8 name
  // Empty string when the thread has no name.
  std::string Find(uint32_t thread_id) const;
};

// MINIDUMP_THREAD_NAME_LIST: u32 count, then 12-byte {u32 thread_id, u64
// name RVA} entries pointing at MINIDUMP_STRINGs. An unreadable name is
// skipped (not fatal); a count that exceeds the stream is kCorrupt.
Result<ThreadNames> ParseThreadNames(ByteView file, ByteView stream);

}  // namespace crashbox::minidump
