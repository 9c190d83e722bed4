// SPDX-License-Identifier: MPL-2.0
// Python's str() of a JSON value, as Socorro and Antenna code sees annotation
// and crash-data values: strings as they are, null → "None", booleans →
// "True"/"False", integers in decimal, floats as Python's repr (integral ones
// below 1e16 with ".0", others shortest round-trip, exponent as Python writes
// it), arrays and objects as compact JSON (an approximation of Python's
// repr of a list or dict). The one helper for the collector's throttler, the
// processor's rules and signature generation (docs/decisions.md).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace crashbox::base {

std::string PyStr(const nlohmann::json& v);

}  // namespace crashbox::base
