// SPDX-License-Identifier: MPL-2.0
#include "app/symbolicate/json_tape.h"

#include <algorithm>
#include <limits>

#include <nlohmann/json.hpp>

namespace crashbox::symbolicate::internal {
namespace {

using Json = nlohmann::json;

constexpr size_t kNotKept = std::numeric_limits<size_t>::max();

}  // namespace

// nlohmann's SAX events, kept on the tape. `final`, so the parser's calls
// (made through a TapeBuilder*) need no virtual dispatch. Each handler
// returns false only to stop the parse: past max_depth, or at an error.
class TapeBuilder final : public nlohmann::json_sax<Json> {
 public:
  TapeBuilder(JsonTape& tape, int max_depth, uint64_t max_values)
      : tape_(tape),
        max_depth_(static_cast<size_t>(std::max(max_depth, 0))),
        max_values_(max_values) {
    open_.reserve(std::min<size_t>(max_depth_, 64));
  }

  bool too_deep() const { return too_deep_; }
  bool too_many() const { return values_ > max_values_; }

  bool null() override { return Scalar(JsonKind::kNull, 0); }
  bool boolean(bool val) override {
    return Scalar(val ? JsonKind::kTrue : JsonKind::kFalse, 0);
  }
  bool number_integer(number_integer_t val) override {
    return Scalar(JsonKind::kInteger, static_cast<uint64_t>(val));
  }
  bool number_unsigned(number_unsigned_t val) override {
    return Scalar(JsonKind::kUnsigned, val);
  }
  bool number_float(number_float_t, const string_t&) override {
    return Scalar(JsonKind::kFloat, 0);  // its value is never read
  }
  bool string(string_t& val) override {
    if (Count()) KeepString(val);
    return true;
  }
  bool binary(binary_t&) override { return false; }  // not from JSON text

  bool start_object(std::size_t) override { return Open(JsonKind::kObject); }
  bool key(string_t& val) override {
    // A member name counts as no value; it is kept while its object is.
    if (open_.back().node != kNotKept) KeepString(val);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(JsonKind::kArray); }
  bool end_array() override { return Close(); }

  bool parse_error(std::size_t, const std::string&,
                   const Json::exception&) override {
    return false;
  }

 private:
  struct OpenContainer {
    size_t node;  // kNotKept once past max_values
    uint64_t count;
  };

  // Counts a value in its container and in the total: whether to keep it.
  bool Count() {
    if (!open_.empty()) ++open_.back().count;
    return ++values_ <= max_values_;
  }

  void Keep(JsonKind kind, uint64_t x, uint64_t n) {
    tape_.nodes_.push_back({x, n, static_cast<uint64_t>(kind)});
  }

  void KeepString(const string_t& val) {
    Keep(JsonKind::kString, tape_.strings_.size(), val.size());
    tape_.strings_.append(val);
  }

  bool Scalar(JsonKind kind, uint64_t x) {
    if (Count()) Keep(kind, x, 0);
    return true;
  }

  bool Open(JsonKind kind) {
    if (open_.size() >= max_depth_) {
      too_deep_ = true;
      return false;
    }
    size_t node = kNotKept;
    if (Count()) {
      node = tape_.nodes_.size();
      Keep(kind, 0, 0);
    }
    open_.push_back({node, 0});
    return true;
  }

  bool Close() {
    const OpenContainer open = open_.back();
    open_.pop_back();
    if (open.node != kNotKept) {
      JsonTape::Node& node = tape_.nodes_[open.node];
      node.x = tape_.nodes_.size();
      node.n = open.count;
    }
    return true;
  }

  JsonTape& tape_;
  const size_t max_depth_;
  const uint64_t max_values_;
  uint64_t values_ = 0;
  bool too_deep_ = false;
  std::vector<OpenContainer> open_;
};

JsonTape::Outcome JsonTape::Parse(std::string_view text, int max_depth,
                                  uint64_t max_values) {
  nodes_.clear();
  strings_.clear();
  // A frame, "[1,234567]," is three values in ten bytes.
  nodes_.reserve(
      static_cast<size_t>(std::min<uint64_t>(max_values, text.size() / 3) + 1));
  TapeBuilder builder(*this, max_depth, max_values);
  // The JSON parser reports errors to the handler; it does not throw.
  const bool parsed =
      Json::sax_parse(text.data(), text.data() + text.size(), &builder,
                      Json::input_format_t::json, /*strict=*/true);
  if (builder.too_deep()) return Outcome::kTooDeep;
  if (!parsed) return Outcome::kInvalid;
  if (builder.too_many()) return Outcome::kTooManyValues;
  return Outcome::kOk;
}

std::string_view JsonRef::string() const {
  return is_string() ? tape_->Text(tape_->nodes_[index_]) : std::string_view();
}

std::optional<JsonRef> JsonRef::Find(std::string_view key) const {
  std::optional<JsonRef> found;
  size_t member = index_ + 1;  // its name; the value follows
  for (size_t i = 0; i < size() && is_object(); ++i) {
    if (tape_->Text(tape_->nodes_[member]) == key)
      found = JsonRef(tape_, member + 1);
    member = tape_->After(member + 1);
  }
  return found;
}

}  // namespace crashbox::symbolicate::internal
