// SPDX-License-Identifier: MPL-2.0
// Shared between query.cc and query_values.cc; not part of the module's API.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "app/base/status.h"
#include "app/search/fields.h"
#include "app/search/query.h"

namespace crashbox::search {

// The operators recognised as value prefixes for `type`, in the order they
// are tried (longest first).
std::span<const Op> OperatorsFor(ValueType type);

// Socorro's convert_to_type; the error is Socorro's "Bad value for
// parameter <name>: not a valid <type>".
Result<Value> ConvertValue(const SearchField& field, std::string_view text);

// Compiles `pattern` with RE2 under `max_mem`: too large → Socorro's "too
// complex" message; invalid → "... not a valid regex (<RE2's reason>)".
Status CheckRegex(const SearchField& field, const std::string& pattern,
                  int64_t max_mem);

}  // namespace crashbox::search
