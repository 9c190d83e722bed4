// SPDX-License-Identifier: MPL-2.0
// Python's json.loads, for JSON that Socorro reads with it (annotations that
// hold JSON, crash data files): it accepts what nlohmann::json refuses and
// Python takes, and fails where Python fails, with Python's message.
//
// - NaN, Infinity and -Infinity are floats.
// - With `exact`, "\ud800" (a lone surrogate) is kept in its 3-byte form
//   (py_unicode.h) and integers outside 64 bits become PyBigInt values
//   (py_str.h): Python's values, which nlohmann::json cannot serialize.
//   Without, they become U+FFFD and the nearest double (what nlohmann::json
//   gives): JSON that can be stored and served.
// - Nesting deeper than kPyMaxDepth fails as Python's RecursionError does,
//   without recursing: the parser keeps its own stack.
// - Errors read as Python's JSONDecodeError: "Expecting value: line 1
//   column 1 (char 0)", positions counted in code points.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "app/base/status.h"

namespace crashbox::base {

struct PyJsonOptions {
  bool exact = false;
};

// kInvalidArgument with Python's message on failure; kLimitExceeded when the
// nesting is too deep (message as Python's RecursionError).
Result<nlohmann::json> PyJsonLoads(std::string_view text,
                                   PyJsonOptions options = {});

}  // namespace crashbox::base
