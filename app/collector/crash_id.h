// SPDX-License-Identifier: MPL-2.0
// Crash ids as Antenna makes them: a random UUID4 whose last seven characters
// are the throttle digit and the UTC receive date YYMMDD, e.g.
// de1bb258-cbbf-4589-a673-34f800161017 (digit 0 = accepted, 16-10-17).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace crashbox::collector {

std::string MakeCrashId(std::chrono::system_clock::time_point now,
                        int throttle_digit);
// Antenna's strict form: lowercase hex UUID shape, last six characters
// digits, throttle character 0 or 1.
bool IsValidCrashId(std::string_view id, bool strict = true);
// Accepts "bp-<id>", "<id>" and ".../report/index/<id>"; empty when not an id.
std::string ParseCrashId(std::string_view text);

}  // namespace crashbox::collector
