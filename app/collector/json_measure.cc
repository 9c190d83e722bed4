// SPDX-License-Identifier: MPL-2.0
#include "app/collector/json_measure.h"

#include "app/base/strings.h"

namespace crashbox::collector {
namespace {

using nlohmann::json;

// Heap bytes of a parsed value, by kind (libstdc++, 64-bit, glibc chunks).
// A slot is the 16-byte json inside an array; vectors grow by doubling and
// hold the old and new buffers at once while they grow, so 48 per element.
constexpr uint64_t kSlotBytes = 48;
// An object member is a std::map node: 32 of tree links, a 32-byte key
// string and the 16-byte json, in a 96-byte chunk.
constexpr uint64_t kMemberBytes = 96;
// A string value is a heap std::string (48-byte chunk); past 15 bytes (the
// small-string buffer) its characters get their own chunk.
constexpr uint64_t kStringBytes = 48;
constexpr uint64_t kArrayBytes = 32;   // heap std::vector
constexpr uint64_t kObjectBytes = 64;  // heap std::map
uint64_t CharsBytes(size_t n) { return n > 15 ? n + 32 : 0; }

class MeasuringSax {
 public:
  MeasuringSax(uint64_t max_values, int max_depth)
      : max_values_(max_values), max_depth_(max_depth) {}

  bool null() { return Value(0); }
  bool boolean(bool) { return Value(0); }
  bool number_integer(json::number_integer_t) { return Value(0); }
  bool number_unsigned(json::number_unsigned_t) { return Value(0); }
  bool number_float(json::number_float_t, const json::string_t&) {
    return Value(0);
  }
  bool string(json::string_t& s) {
    return Value(kStringBytes + CharsBytes(s.size()));
  }
  bool binary(json::binary_t& b) {
    return Value(kStringBytes + CharsBytes(b.size()));
  }
  bool start_object(size_t) { return Value(kObjectBytes) && Enter(); }
  bool key(json::string_t& k) {
    m_.parsed_bytes += kMemberBytes + CharsBytes(k.size());
    return true;
  }
  bool end_object() { return Leave(); }
  bool start_array(size_t) { return Value(kArrayBytes) && Enter(); }
  bool end_array() { return Leave(); }
  bool parse_error(size_t, const std::string&,
                   const nlohmann::detail::exception&) {
    if (m_.verdict == JsonMeasure::Verdict::kOk)
      m_.verdict = JsonMeasure::Verdict::kInvalid;
    return false;
  }

  JsonMeasure& result() { return m_; }

 private:
  bool Value(uint64_t bytes) {
    if (++m_.values > max_values_) {
      m_.verdict = JsonMeasure::Verdict::kTooManyValues;
      return false;
    }
    m_.parsed_bytes += kSlotBytes + bytes;
    return true;
  }
  bool Enter() {
    if (++depth_ > max_depth_) {
      m_.verdict = JsonMeasure::Verdict::kTooDeep;
      return false;
    }
    return true;
  }
  bool Leave() {
    --depth_;
    return true;
  }

  uint64_t max_values_;
  int max_depth_;
  int depth_ = 0;
  JsonMeasure m_;
};

uint64_t QuotedSizeBound(const std::string& s) {
  // Valid UTF-8 is written as is; invalid bytes become U+FFFD (3 bytes).
  const uint64_t high = base::IsValidUtf8(s) ? 1 : 3;
  uint64_t n = 2;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\')
      n += 2;
    else if (c < 0x20)
      n += 6;  // \u00XX (or a 2-byte \n)
    else if (c >= 0x80)
      n += high;
    else
      n += 1;
  }
  return n;
}

}  // namespace

JsonMeasure MeasureJson(std::string_view text, uint64_t max_values,
                        int max_depth) {
  MeasuringSax sax(max_values, max_depth);
  bool ok =
      json::sax_parse(text, &sax, json::input_format_t::json, /*strict=*/true);
  JsonMeasure& m = sax.result();
  if (!ok && m.verdict == JsonMeasure::Verdict::kOk)
    m.verdict = JsonMeasure::Verdict::kInvalid;
  return m;
}

uint64_t SerializedSizeBound(const json& value) {
  switch (value.type()) {
    case json::value_t::object: {
      uint64_t n = 2;
      for (const auto& [k, v] : value.items())
        n += QuotedSizeBound(k) + 2 + SerializedSizeBound(v);
      return n;
    }
    case json::value_t::array: {
      uint64_t n = 2;
      for (const json& v : value) n += 1 + SerializedSizeBound(v);
      return n;
    }
    case json::value_t::string:
      return QuotedSizeBound(value.get_ref<const json::string_t&>());
    case json::value_t::binary:
      return 64 +
             4 * value.get_binary().size();  // {"bytes":[n,...],"subtype":null}
    default:
      return 32;  // null, booleans, numbers: 17 significant digits, sign,
                  // point, exponent
  }
}

}  // namespace crashbox::collector
