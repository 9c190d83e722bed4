// SPDX-License-Identifier: MPL-2.0
// Status and Result<T>: how an operation reports failure across module
// boundaries. No exceptions cross a module; third-party exceptions are caught
// at the call site and converted. Messages are lowercase, without a final
// period, and say what and which.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "app/base/check.h"

namespace crashbox {

class Status {
 public:
  enum class Code : uint8_t {
    kOk,
    kNotFound,         // a normal "absent" outcome
    kCorrupt,          // input bytes are malformed
    kInvalidArgument,  // a caller or user supplied a bad value
    kIoError,          // the OS or a library failed
    kUnavailable,      // try again later (full disk, shutting down, overloaded)
    kLimitExceeded,    // input larger than a configured bound
    kPermissionDenied  // not allowed for this caller
  };

  Status() = default;  // OK
  static Status Ok() { return Status(); }
  static Status NotFound(std::string msg) {
    return {Code::kNotFound, std::move(msg)};
  }
  static Status Corrupt(std::string msg) {
    return {Code::kCorrupt, std::move(msg)};
  }
  static Status InvalidArgument(std::string msg) {
    return {Code::kInvalidArgument, std::move(msg)};
  }
  static Status IoError(std::string msg) {
    return {Code::kIoError, std::move(msg)};
  }
  static Status Unavailable(std::string msg) {
    return {Code::kUnavailable, std::move(msg)};
  }
  static Status LimitExceeded(std::string msg) {
    return {Code::kLimitExceeded, std::move(msg)};
  }
  static Status PermissionDenied(std::string msg) {
    return {Code::kPermissionDenied, std::move(msg)};
  }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "corrupt: thread list: 3 entries exceed stream of 10 bytes"
  std::string ToString() const;
  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(std::string_view context) const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

std::string_view CodeName(Status::Code code);

// Holds a T or a non-OK Status.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status error) : v_(std::move(error)) {
    CB_CHECK(!std::get<Status>(v_).ok());
  }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & {
    CB_CHECK(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    CB_CHECK(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    CB_CHECK(ok());
    return std::get<T>(std::move(v_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace crashbox

#define CB_CONCAT_INNER(a, b) a##b
#define CB_CONCAT(a, b) CB_CONCAT_INNER(a, b)

#define CB_RETURN_IF_ERROR(expr) \
  CB_RETURN_IF_ERROR_IMPL(CB_CONCAT(cb_s_, __LINE__), expr)
#define CB_RETURN_IF_ERROR_IMPL(tmp, expr)                      \
  do {                                                          \
    if (::crashbox::Status tmp = (expr); !tmp.ok()) return tmp; \
  } while (0)

// CB_ASSIGN_OR_RETURN(auto x, MakeX()); declares x from a Result or returns its
// Status.
#define CB_ASSIGN_OR_RETURN(decl, expr) \
  CB_ASSIGN_OR_RETURN_IMPL(CB_CONCAT(cb_r_, __LINE__), decl, expr)
#define CB_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  decl = std::move(tmp).value()
