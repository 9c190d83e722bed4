// SPDX-License-Identifier: MPL-2.0
// Private to app/symbolicate: compact JSON text appended to one string, the
// answer written as it is computed instead of built as a DOM and dumped.
//
// The text is what nlohmann's dump() (no indent, ensure_ascii off) makes of
// the same values in the same member order: no spaces; in strings '"', '\'
// and the control characters escaped (\b \t \n \f \r, else \u00xx in lower
// case), everything else as is. Strings are written as valid UTF-8 whatever
// they hold: each maximal ill-formed subsequence becomes one U+FFFD, as
// base::Utf8Lossy does (symbol files are not always UTF-8).
//
// The writer tracks only whether a comma is due; the caller pairs Begin/End
// and follows every Key() with one value. It writes through a pointer into
// the string, grown (doubled) ahead of each write: the string's size is
// past the text until Finish(), which must be called once at the end. Not
// thread-safe; cheap to make.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>

namespace crashbox::symbolicate::internal {

class JsonWriter {
 public:
  // Appends to `*out` (using its reserved capacity first), which must
  // outlive the writer and not be touched before Finish().
  explicit JsonWriter(std::string* out);
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  // Cuts the string to the text written.
  void Finish() { out_.resize(static_cast<size_t>(p_ - out_.data())); }

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  // A member name, escaped as a string; the next call writes its value.
  void Key(std::string_view name);
  // A member name that needs no escaping (a constant of this module: ASCII
  // letters, digits and '_'), written as is.
  void PlainKey(std::string_view name) {
    Ensure(name.size() + 4);
    Comma();
    *p_++ = '"';
    std::memcpy(p_, name.data(), name.size());
    p_ += name.size();
    *p_++ = '"';
    *p_++ = ':';
    comma_ = false;
  }

  void String(std::string_view s);
  // One string value: the pieces one after the other.
  void String(std::initializer_list<std::string_view> pieces);
  // "0x" and lowercase hex digits in quotes, as fmt's "{:#x}".
  void HexString(uint64_t v) {
    Ensure(1 + 2 + 2 + 16);
    Comma();
    *p_++ = '"';
    *p_++ = '0';
    *p_++ = 'x';
    p_ = std::to_chars(p_, p_ + 16, v, 16).ptr;
    *p_++ = '"';
  }
  void Unsigned(uint64_t v) {
    Ensure(1 + 20);
    Comma();
    p_ = std::to_chars(p_, p_ + 20, v).ptr;
  }
  void Integer(int64_t v) {
    Ensure(1 + 20);
    Comma();
    p_ = std::to_chars(p_, p_ + 20, v).ptr;
  }
  void Bool(bool v) { Raw(v ? std::string_view("true") : "false"); }
  void Null() { Raw("null"); }

 private:
  // Room for `n` more bytes at p_.
  void Ensure(size_t n) {
    if (static_cast<size_t>(end_ - p_) < n) Grow(n);
  }
  void Grow(size_t n);
  // A comma when a value came before at this level; the next one needs one.
  void Comma() {
    if (comma_) *p_++ = ',';
    comma_ = true;
  }
  void Open(char c) {
    Ensure(2);
    Comma();
    *p_++ = c;
    comma_ = false;
  }
  void Close(char c) {
    Ensure(1);
    *p_++ = c;
    comma_ = true;
  }
  void Raw(std::string_view text) {
    Ensure(1 + text.size());
    Comma();
    std::memcpy(p_, text.data(), text.size());
    p_ += text.size();
  }
  // `s` escaped, without quotes; room for it must have been ensured
  // (kMaxEscapedBytesPerByte per byte).
  void AppendEscaped(std::string_view s);
  static constexpr size_t kMaxEscapedBytesPerByte = 6;  // "\u001f"

  std::string& out_;
  char* p_;    // the next byte of text
  char* end_;  // the end of out_'s bytes
  bool comma_ = false;
};

}  // namespace crashbox::symbolicate::internal
