// SPDX-License-Identifier: MPL-2.0
// Value: one SQLite value as the index's API passes it, without sqlite3.h.
// monostate is SQL NULL; booleans are stored as the integers 0 and 1.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

namespace crashbox::store::sqlite {

using Value = std::variant<std::monostate, int64_t, double, std::string>;

inline bool IsNull(const Value& v) {
  return std::holds_alternative<std::monostate>(v);
}

}  // namespace crashbox::store::sqlite
