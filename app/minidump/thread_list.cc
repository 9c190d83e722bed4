// SPDX-License-Identifier: MPL-2.0
#include "app/minidump/thread_list.h"

#include <limits>

#include <fmt/format.h>

#include "app/minidump/dump_strings.h"

namespace crashbox::minidump {

bool Thread::HasUsableStackDescriptor() const {
  return stack.memory.rva != 0 && stack.memory.data_size != 0 &&
         stack.memory.data_size <=
             std::numeric_limits<uint64_t>::max() - stack.start_of_memory_range;
}

const Thread* ThreadList::FindById(uint32_t thread_id) const {
  for (const Thread& t : threads) {
    if (t.thread_id == thread_id) return &t;
  }
  return nullptr;
}

Result<ThreadList> ParseThreadList(ByteView stream) {
  ByteReader r(stream);
  CB_ASSIGN_OR_RETURN(uint32_t count, r.ReadU32("thread count"));
  uint64_t want = 4 + uint64_t{count} * kThreadSize;
  if (stream.size() != want) {
    if (stream.size() == want + 4) {
      CB_RETURN_IF_ERROR(r.Skip(4, "thread list padding"));
    } else {
      return Status::Corrupt(
          fmt::format("{} entries need {} bytes, stream has {}", count, want,
                      stream.size()));
    }
  }
  if (count > kMaxThreads) {
    return Status::Corrupt(
        fmt::format("{} threads exceed the limit of {}", count, kMaxThreads));
  }
  ThreadList list;
  list.threads.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    Thread t;
    t.thread_id = r.ReadU32("thread id").value();
    t.suspend_count = r.ReadU32("suspend count").value();
    t.priority_class = r.ReadU32("priority class").value();
    t.priority = r.ReadU32("priority").value();
    t.teb = r.ReadU64("teb").value();
    t.stack.start_of_memory_range = r.ReadU64("stack start").value();
    t.stack.memory.data_size = r.ReadU32("stack size").value();
    t.stack.memory.rva = r.ReadU32("stack rva").value();
    t.context.data_size = r.ReadU32("context size").value();
    t.context.rva = r.ReadU32("context rva").value();
    list.threads.push_back(t);
  }
  return list;
}

std::string ThreadNames::Find(uint32_t thread_id) const {
  auto it = names.find(thread_id);
  return it == names.end() ? std::string() : it->second;
}

Result<ThreadNames> ParseThreadNames(ByteView file, ByteView stream) {
  ByteReader r(stream);
  CB_ASSIGN_OR_RETURN(uint32_t count, r.ReadU32("thread name count"));
  if (uint64_t{count} * 12 > r.remaining()) {
    return Status::Corrupt(fmt::format("{} entries exceed stream of {} bytes",
                                       count, stream.size()));
  }
  ThreadNames out;
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t tid = r.ReadU32("thread id").value();
    uint64_t rva = r.ReadU64("name rva").value();
    Result<std::string> name = ReadUtf16String(file, rva);
    if (name.ok()) out.names.emplace(tid, std::move(name).value());
  }
  return out;
}

}  // namespace crashbox::minidump
