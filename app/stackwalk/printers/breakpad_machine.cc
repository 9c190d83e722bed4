// SPDX-License-Identifier: MPL-2.0
// minidump_stackwalk -m: pipe-separated lines (stackwalk_common.cc
// PrintProcessStateMachineReadable). Fields lose every '|' and newline.
#include <fmt/format.h>

#include "app/stackwalk/printers/printers.h"

namespace crashbox::stackwalk {
namespace {

std::string Strip(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != '|' && c != '\n') out.push_back(c);
  }
  return out;
}

void PrintStack(std::string* out, int thread, const ThreadStack& stack) {
  for (size_t i = 0; i < stack.frames.size(); ++i) {
    const Frame& f = stack.frames[i];
    out->append(fmt::format("{}|{}|", thread, i));
    uint64_t addr = f.return_address;
    if (f.has_module()) {
      out->append(Strip(BaseName(f.module_code_file())));
      if (!f.function_name.empty()) {
        out->append("|").append(Strip(f.function_name));
        if (!f.source_file.empty()) {
          out->append(fmt::format("|{}|{}|0x{:x}", Strip(f.source_file),
                                  f.source_line, addr - f.source_line_base));
        } else {
          out->append(fmt::format("|||0x{:x}", addr - f.function_base));
        }
      } else {
        out->append(fmt::format("||||0x{:x}", addr - f.module_base()));
      }
    } else {
      out->append(fmt::format("||||0x{:x}", addr));
    }
    out->append("\n");
  }
}

}  // namespace

std::string PrintBreakpadMachine(const ProcessState& s) {
  std::string out;
  out += fmt::format("OS|{}|{}\n", Strip(s.os), Strip(s.os_version));
  out += fmt::format("CPU|{}|{}|{}\n", Strip(s.cpu), Strip(s.cpu_info),
                     s.cpu_count);
  out += "GPU|||\n";
  out += "Crash|";
  if (s.crashed) {
    out += fmt::format("{}|0x{:x}|", Strip(s.crash_reason), s.crash_address);
  } else {
    out += s.assertion.empty() ? std::string("No crash||")
                               : Strip(s.assertion) + "||";
  }
  out += s.requesting_thread != -1 ? fmt::format("{}\n", s.requesting_thread)
                                   : "\n";
  if (s.modules != nullptr) {
    const minidump::Module* main = s.modules->main_module();
    for (const minidump::Module* m : s.modules->ByAddress()) {
      out += fmt::format(
          "Module|{}|{}|{}|{}|0x{:08x}|0x{:08x}|{}\n",
          Strip(BaseName(m->code_file)), Strip(m->version),
          Strip(BaseName(m->debug_file)), Strip(m->debug_id), m->base_address,
          m->base_address + m->size - 1,
          main != nullptr && m->base_address == main->base_address ? 1 : 0);
    }
  }
  out += "\n";
  if (s.requesting_thread != -1)
    PrintStack(&out, s.requesting_thread, s.threads[s.requesting_thread]);
  for (size_t i = 0; i < s.threads.size(); ++i) {
    if (static_cast<int>(i) != s.requesting_thread)
      PrintStack(&out, static_cast<int>(i), s.threads[i]);
  }
  return out;
}

}  // namespace crashbox::stackwalk
