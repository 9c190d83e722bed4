// SPDX-License-Identifier: MPL-2.0
// libFuzzer target: open a dump from arbitrary bytes and touch every stream,
// context and memory lookup. Built only with -DCB_FUZZ=ON.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/minidump/crashpad_info.h"
#include "app/minidump/linux_streams.h"
#include "app/minidump/minidump.h"

using namespace crashbox::minidump;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto dump =
      Minidump::Open(std::string(reinterpret_cast<const char*>(data), size));
  if (!dump.ok()) return 0;
  const Minidump& d = **dump;
  d.ParseAll();
  if (d.system_info().ok()) {
    (void)CpuInfoString(*d.system_info());
    (void)OsVersionString(*d.system_info());
  }
  if (d.threads().ok()) {
    for (const Thread& t : d.threads()->threads) {
      auto ctx = d.ThreadContext(t);
      if (ctx.ok()) (void)d.FindMemory(ctx->sp());
      auto stack = d.ThreadStack(t);
      if (stack) (void)stack->ReadU64(stack->base);
    }
  }
  (void)d.ExceptionContext();
  (void)GetCrashInfo(d);
  if (d.modules().ok()) {
    for (const Module* m : d.modules()->ByAddress())
      (void)d.modules()->FindByAddress(m->base_address);
  }
  for (uint32_t type :
       {kLinuxCpuInfoStream, kLinuxProcStatusStream, kLinuxLsbReleaseStream,
        kLinuxCmdLineStream, kLinuxEnvironStream, kLinuxAuxvStream,
        kLinuxMapsStream, kLinuxDsoDebugStream}) {
    auto s = d.FindStream(type);
    if (!s.ok()) continue;
    (void)ParseLinuxKeyValues(*s, ':');
    (void)ParseLinuxNulSeparated(*s);
    (void)ParseLinuxAuxv(*s, true);
    (void)ParseLinuxMaps(*s);
    (void)ParseLinuxDsoDebug(*s);
  }
  return 0;
}
