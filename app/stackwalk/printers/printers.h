// SPDX-License-Identifier: MPL-2.0
// Output formats of a walked dump:
//  - PrintBreakpadText: minidump_stackwalk's default human-readable report
//    (stackwalk_common.cc PrintProcessState), byte for byte;
//  - PrintBreakpadMachine: minidump_stackwalk -m
//  (PrintProcessStateMachineReadable);
//  - PrintJsonDump: rust-minidump's JSON (`json_dump` in Socorro's processed
//    crash): crash_info, crashing_thread, threads[].frames[], modules[],
//    system_info, main_module, ... (schema notes in json_dump.cc).
// JsonDump is PrintJsonDump's document as a value (what the processor stores
// as `json_dump`), keys in print order, every string valid UTF-8.
// All take a ProcessState produced by WalkDump() from `dump` (still alive).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "app/minidump/minidump.h"
#include "app/stackwalk/frame.h"

namespace crashbox::stackwalk {

std::string PrintBreakpadText(const ProcessState& state);
std::string PrintBreakpadMachine(const ProcessState& state);
std::string PrintJsonDump(const ProcessState& state,
                          const minidump::Minidump& dump);
nlohmann::ordered_json JsonDump(const ProcessState& state,
                                const minidump::Minidump& dump);

// Breakpad's PathnameStripper::File: the part after the last '/' or '\'.
std::string_view BaseName(std::string_view path);

}  // namespace crashbox::stackwalk
