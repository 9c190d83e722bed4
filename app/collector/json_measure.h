// SPDX-License-Identifier: MPL-2.0
// MeasureJson: what a JSON text will cost once parsed, found before the value
// is built. A parsed nlohmann::json costs far more than its text (every
// element of `[0,0,0]` is a 16-byte slot, every object member a map node), so
// the collector measures the `extra` part in one SAX pass that allocates
// nothing per value, refuses it when it has too many values or nests too deep,
// and charges the estimated cost to the memory budget before parsing it.
//
// The cost model is for libstdc++ on 64-bit targets with glibc malloc (16-byte
// chunk rounding, 8 bytes of chunk header); it errs high, and
// json_measure_test.cc checks it against the allocator for the shapes that
// cost most per byte of text. Thread-safe (no state).
#pragma once

#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

namespace crashbox::collector {

struct JsonMeasure {
  enum class Verdict { kOk, kInvalid, kTooDeep, kTooManyValues };
  Verdict verdict = Verdict::kOk;
  // Every value counts one: null, true, 0, "s", each array and object (object
  // keys do not count). Stops growing once past the limit.
  uint64_t values = 0;
  // Estimated heap bytes of the parsed value (not counting the text).
  uint64_t parsed_bytes = 0;
};

// One pass over `text`; stops early at the first value past `max_values` or
// the first array or object nested deeper than `max_depth`.
JsonMeasure MeasureJson(std::string_view text, uint64_t max_values,
                        int max_depth);

// An upper bound of the length of `value.dump()` (compact, UTF-8 kept, invalid
// UTF-8 replaced): what serializing it will allocate.
uint64_t SerializedSizeBound(const nlohmann::json& value);

}  // namespace crashbox::collector
