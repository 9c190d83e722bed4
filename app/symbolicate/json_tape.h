// SPDX-License-Identifier: MPL-2.0
// Private to app/symbolicate: a request body parsed into one flat vector of
// values (a "tape", in document order, each container followed by its
// contents), which request.cc checks. A DOM costs an allocation per value and
// a parse through nlohmann's lexer about 100 MB/s; a request's frames are
// three values each, so both cost more than looking the frames up.
//
// Accepts exactly what nlohmann::json::parse (3.11, strict, no comments)
// accepts, and types numbers as it does, so that a request is valid or not,
// and a module_index or module_offset an integer or not, as before:
//   - RFC 8259 text; strings well-formed UTF-8 without raw control
//     characters, \u escapes paired into surrogates where they must be;
//   - an optional UTF-8 byte order mark first; a NUL byte after the value
//     ends the input (nlohmann reads it as the end of a C string);
//   - integers without '-' are unsigned when they fit 64 bits, with '-'
//     signed when they fit int64 ("-0" is a signed 0); anything else with
//     digits (a fraction, an exponent, an integer too large) is a float,
//     whose value nobody here reads.
// Objects keep every member; Find() returns the last of a repeated key, as
// nlohmann's object does. Arrays and objects nest at most `max_depth` deep:
// the parser is not recursive and stops at the first level past it.
// (json_tape_test in symbolicate_test.cc checks the parse against nlohmann's
// on mutated bodies.)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crashbox::symbolicate::internal {

enum class JsonKind : uint8_t {
  kNull,
  kFalse,
  kTrue,
  kInteger,   // negative, or "-0" (nlohmann's number_integer)
  kUnsigned,  // non-negative without '-' (nlohmann's number_unsigned)
  kFloat,
  kString,
  kArray,
  kObject,
};

class JsonTape;

// One value of a tape: a tape and an index, cheap to copy, valid while the
// tape lives and is not parsed into again.
class JsonRef {
 public:
  JsonKind kind() const;
  bool is_array() const { return kind() == JsonKind::kArray; }
  bool is_object() const { return kind() == JsonKind::kObject; }
  bool is_string() const { return kind() == JsonKind::kString; }
  // nlohmann's is_number_integer: signed or unsigned, never a float.
  bool is_integer() const {
    return kind() == JsonKind::kInteger || kind() == JsonKind::kUnsigned;
  }
  bool is_unsigned() const { return kind() == JsonKind::kUnsigned; }
  // The number of a kUnsigned / kInteger value as either type (two's
  // complement, as nlohmann's get<> converts); 0 for any other kind.
  uint64_t unsigned_value() const;
  int64_t integer_value() const;
  // The text of a string (unescaped); empty for any other kind.
  std::string_view string() const;
  // Elements of an array, members of an object, 0 for anything else.
  size_t size() const;
  // The first element of an array (of an empty one: a position that must
  // not be read).
  JsonRef First() const;
  // The element after this one in its array (after the last: a position
  // that must not be read).
  JsonRef Next() const;
  // The value of the last member named `key` of an object; nullopt when
  // there is none (or this is no object).
  std::optional<JsonRef> Find(std::string_view key) const;

 private:
  friend class JsonTape;
  JsonRef(const JsonTape* tape, size_t index) : tape_(tape), index_(index) {}
  const JsonTape* tape_;
  size_t index_;
};

class JsonTape {
 public:
  enum class Outcome : uint8_t {
    kOk,
    // Not JSON as nlohmann reads it; the tape is then unusable.
    kInvalid,
    // An array or object opened deeper than max_depth, after text that is
    // valid so far; the rest was not read.
    kTooDeep,
    // Valid JSON of more than max_values values (arrays, objects, strings,
    // numbers, literals; not member names); only the first max_values were
    // kept, so the tape is unusable.
    kTooManyValues,
  };

  // Parses `text` into this tape (replacing what it held). `text` must
  // outlive the tape: strings without escapes point into it.
  Outcome Parse(std::string_view text, int max_depth, uint64_t max_values);

  // The top value (after kOk).
  JsonRef root() const { return JsonRef(this, 0); }
  // Where the parse stopped reading: text.size(), or the offset of the NUL
  // byte that ended the input early (after kOk or kTooManyValues).
  size_t end() const { return end_; }

 private:
  friend class JsonRef;
  friend class TapeParser;
  // A value; containers hold their contents' count and the index just past
  // their last descendant, strings an offset in the text or in `decoded_`,
  // member names are string nodes before each member's value.
  struct Node {
    uint64_t x;  // number bits; string offset; container: index past its end
    uint64_t n : 48;  // string bytes; container elements or members
    uint64_t kind : 8;
    uint64_t decoded : 1;  // string: in decoded_ (it had escapes)
  };
  static_assert(sizeof(Node) == 16);

  size_t After(size_t index) const {
    const Node& node = nodes_[index];
    return node.kind == static_cast<uint64_t>(JsonKind::kArray) ||
                   node.kind == static_cast<uint64_t>(JsonKind::kObject)
               ? node.x
               : index + 1;
  }
  std::string_view Text(const Node& node) const {
    return node.decoded ? std::string_view(decoded_).substr(node.x, node.n)
                        : text_.substr(node.x, node.n);
  }

  std::string_view text_;
  std::vector<Node> nodes_;
  std::string decoded_;  // strings that had escapes, unescaped
  size_t end_ = 0;
};

// Inline: the request checks ask a few of these per frame.
inline JsonKind JsonRef::kind() const {
  return static_cast<JsonKind>(tape_->nodes_[index_].kind);
}

inline uint64_t JsonRef::unsigned_value() const {
  return is_integer() ? tape_->nodes_[index_].x : 0;
}

inline int64_t JsonRef::integer_value() const {
  return static_cast<int64_t>(unsigned_value());
}

inline size_t JsonRef::size() const {
  return is_array() || is_object() ? tape_->nodes_[index_].n : 0;
}

inline JsonRef JsonRef::First() const { return JsonRef(tape_, index_ + 1); }

inline JsonRef JsonRef::Next() const {
  return JsonRef(tape_, tape_->After(index_));
}

}  // namespace crashbox::symbolicate::internal
