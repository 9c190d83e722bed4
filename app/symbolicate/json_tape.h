// SPDX-License-Identifier: MPL-2.0
// Private to app/symbolicate: a request body parsed into one flat vector of
// values (a "tape", in document order, each container followed by its
// contents), which request.cc checks. A DOM costs an allocation per value; a
// request's frames are three values each, so it costs more than looking the
// frames up.
//
// nlohmann::json's SAX parser (strict, no comments) reads the text and a
// handler (json_tape.cc) keeps what it reports, so what is JSON, and whether
// a number is an integer, unsigned or float, is nlohmann's call, as it was
// when request.cc read nlohmann's DOM. Two of its rules matter to callers: a
// NUL byte after the value ends the input (nothing after it is read), and
// "-0" is a signed integer 0.
//
// Objects keep every member; Find() returns the last of a repeated key, as
// nlohmann's object does. Arrays and objects nest at most `max_depth` deep:
// the handler stops the parse at the first level past it (the parser keeps
// no native stack per level). Values past `max_values` are counted, never
// kept.
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
  kInteger,   // nlohmann's number_integer: negative, or "-0"
  kUnsigned,  // nlohmann's number_unsigned: non-negative without '-'
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

  // Parses `text` into this tape (replacing what it held). The tape keeps
  // copies of the strings; `text` may go once this returns.
  Outcome Parse(std::string_view text, int max_depth, uint64_t max_values);

  // The top value (after kOk).
  JsonRef root() const { return JsonRef(this, 0); }
  // Values and member names held (tests check that values past max_values
  // are dropped).
  size_t node_count() const { return nodes_.size(); }

 private:
  friend class JsonRef;
  friend class TapeBuilder;
  // A value; containers hold their contents' count and the index just past
  // their last descendant, strings an offset in `strings_`, member names are
  // string nodes before each member's value.
  struct Node {
    uint64_t x;  // number bits; string offset; container: index past its end
    uint64_t n : 56;  // string bytes; container elements or members
    uint64_t kind : 8;
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
    return std::string_view(strings_).substr(node.x, node.n);
  }

  std::vector<Node> nodes_;
  std::string strings_;  // every kept string and member name, unescaped
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
