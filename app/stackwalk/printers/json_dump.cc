// SPDX-License-Identifier: MPL-2.0
#include "app/stackwalk/printers/printers.h"

namespace crashbox::stackwalk {
std::string PrintJsonDump(const ProcessState&, const minidump::Minidump&) { return "{}\n"; }
}  // namespace crashbox::stackwalk
