// SPDX-License-Identifier: MPL-2.0
// minidump_stackwalk's human-readable report (stackwalk_common.cc).
#include <cinttypes>
#include <cstring>

#include <fmt/format.h>

#include "app/stackwalk/printers/printers.h"

namespace crashbox::stackwalk {
namespace {

constexpr int kMaxWidth = 80;  // Breakpad wraps register dumps at 80 columns

// One " name = 0x..." cell; wraps to a new line when it would pass 80 columns.
int PrintRegister(std::string* out, std::string_view name, uint64_t value,
                  bool wide, int col) {
  std::string cell = wide ? fmt::format(" {:>5} = 0x{:016x}", name, value)
                          : fmt::format(" {:>5} = 0x{:08x}", name,
                                        static_cast<uint32_t>(value));
  if (col + static_cast<int>(cell.size()) > kMaxWidth) {
    col = 0;
    out->append("\n ");
  }
  out->append(cell);
  return col + static_cast<int>(cell.size());
}

void PrintRegisters(std::string* out, const Frame& frame) {
  const Registers& r = frame.regs;
  int col = 0;
  auto reg = [&](int index, std::string_view label, bool wide) {
    if (r.IsValid(index))
      col = PrintRegister(out, label, r.Get(index), wide, col);
  };
  switch (r.cpu) {
    case Cpu::kAmd64:
      for (int i = 0; i < 17; ++i) reg(i, r.names()[i], true);
      break;
    case Cpu::kX86: {
      for (int i = 0; i < 6; ++i)
        reg(i, r.names()[i], false);  // eip esp ebp ebx esi edi
      uint64_t all = (uint64_t{1} << 10) - 1;
      if ((r.valid & all) == all && frame.trust == FrameTrust::kContext) {
        for (int i = 6; i < 10; ++i)
          reg(i, r.names()[i], false);  // eax ecx edx efl
      }
      break;
    }
    case Cpu::kArm:
      for (int i = 0; i <= 10; ++i) reg(i, r.names()[i], false);
      reg(12, "r12", false);
      reg(11, "fp", false);
      reg(13, "sp", false);
      reg(14, "lr", false);
      reg(15, "pc", false);
      break;
    case Cpu::kArm64:
      for (int i = 0; i < 33; ++i) reg(i, r.names()[i], true);
      break;
    case Cpu::kUnknown:
      break;
  }
}

void PrintFrameHead(std::string* out, int index, const Frame& f) {
  out->append(fmt::format("{:2d}  ", index));
  uint64_t addr = f.return_address;
  if (f.has_module()) {
    out->append(BaseName(f.module_code_file()));
    if (!f.function_name.empty()) {
      out->append("!").append(f.function_name);
      if (!f.source_file.empty()) {
        out->append(fmt::format(" [{} : {} + 0x{:x}]", BaseName(f.source_file),
                                f.source_line, addr - f.source_line_base));
      } else {
        out->append(fmt::format(" + 0x{:x}", addr - f.function_base));
      }
    } else {
      out->append(fmt::format(" + 0x{:x}", addr - f.module_base()));
    }
  } else {
    out->append(fmt::format("0x{:x}", addr));
  }
}

void PrintStack(std::string* out, const ThreadStack& stack) {
  if (stack.frames.empty()) out->append(" <no frames>\n");
  for (size_t i = 0; i < stack.frames.size(); ++i) {
    const Frame& f = stack.frames[i];
    PrintFrameHead(out, static_cast<int>(i), f);
    out->append("\n ");
    if (f.trust != FrameTrust::kInline) PrintRegisters(out, f);
    out->append("\n    Found by: ")
        .append(TrustDescription(f.trust))
        .append("\n");
  }
}

bool Contains(const std::vector<const minidump::Module*>& list,
              const minidump::Module& m) {
  for (const minidump::Module* x : list) {
    if (x->debug_file == m.debug_file && x->debug_id == m.debug_id) return true;
  }
  return false;
}

}  // namespace

std::string_view BaseName(std::string_view path) {
  size_t slash = path.find_last_of("/\\");
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string PrintBreakpadText(const ProcessState& s) {
  std::string out;
  out += fmt::format("Operating system: {}\n", s.os);
  out += fmt::format("                  {}\n", s.os_version);
  out += fmt::format("CPU: {}\n", s.cpu);
  if (!s.cpu_info.empty()) out += fmt::format("     {}\n", s.cpu_info);
  out +=
      fmt::format("     {} CPU{}\n", s.cpu_count, s.cpu_count != 1 ? "s" : "");
  out += "\nGPU: UNKNOWN\n\n";
  if (s.crashed) {
    out += fmt::format("Crash reason:  {}\n", s.crash_reason);
    out += fmt::format("Crash address: 0x{:x}\n", s.crash_address);
  } else {
    out += "No crash\n";
  }
  if (!s.assertion.empty()) out += fmt::format("Assertion: {}\n", s.assertion);
  if (s.time_date_stamp != 0 && s.process_create_time != 0 &&
      s.time_date_stamp >= s.process_create_time) {
    out += fmt::format(
        "Process uptime: {} seconds\n",
        static_cast<int>(s.time_date_stamp - s.process_create_time));
  } else {
    out += "Process uptime: not available\n";
  }
  if (s.requesting_thread != -1) {
    out += fmt::format("\nThread {} ({})\n", s.requesting_thread,
                       s.crashed ? "crashed" : "requested dump, did not crash");
    PrintStack(&out, s.threads[s.requesting_thread]);
  }
  for (size_t i = 0; i < s.threads.size(); ++i) {
    if (static_cast<int>(i) == s.requesting_thread) continue;
    out += fmt::format("\nThread {}\n", i);
    PrintStack(&out, s.threads[i]);
  }
  if (s.modules == nullptr) return out;
  out += "\nLoaded modules:\n";
  const minidump::Module* main = s.modules->main_module();
  uint64_t main_address = main ? main->base_address : 0;
  for (const minidump::Module* m : s.modules->ByAddress()) {
    std::string issues;
    if (Contains(s.modules_without_symbols, *m)) {
      issues = fmt::format("  (WARNING: No symbols, {}, {})",
                           BaseName(m->debug_file), m->debug_id);
    } else if (Contains(s.modules_with_corrupt_symbols, *m)) {
      issues = fmt::format("  (WARNING: Corrupt symbols, {}, {})",
                           BaseName(m->debug_file), m->debug_id);
    }
    out += fmt::format(
        "0x{:08x} - 0x{:08x}  {}  {}{}{}\n", m->base_address,
        m->base_address + m->size - 1, BaseName(m->code_file),
        m->version.empty() ? "???" : m->version,
        main_address != 0 && m->base_address == main_address ? "  (main)" : "",
        issues);
  }
  return out;
}

}  // namespace crashbox::stackwalk
