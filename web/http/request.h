// SPDX-License-Identifier: MPL-2.0
// crashbox's own HTTP request and response types. Handlers see only these,
// never civetweb's: the server adapter (civet_server.cc) fills a Request,
// calls the handler, and writes the Response.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/base/status.h"

namespace crashbox::web {

using Params = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;        // "GET"
  std::string path;          // percent-decoded path, no query
  std::string query_string;  // raw
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<uint64_t> content_length;  // nullopt when absent
  bool chunked = false;
  std::string remote_addr;
  bool is_loopback = false;
  // Reads up to `n` body bytes into `buf`: > 0 bytes read, 0 at the end of the
  // body, kIoError when the client broke off or stalled past the read timeout.
  std::function<Result<size_t>(char* buf, size_t n)> read_body;

  // Case-insensitive header lookup (the first match).
  std::optional<std::string> Header(std::string_view name) const;
  // Decoded query parameters, in order (repeated keys kept).
  Params Query() const;
  // The first value of a query parameter.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // A body produced while it is sent (downloads), instead of `body`: called
  // whenever the connection can take more, it fills up to `n` bytes of `buf`
  // and returns how many, 0 at the end, or an error that aborts the connection
  // (the status line has gone out already). It runs on the server's I/O
  // thread, so it must not block for long: a file read or one inflate step.
  // Whatever it captures is destroyed when the response is done or abandoned,
  // so a cap on concurrent streams can be released from a destructor.
  std::function<Result<size_t>(char* buf, size_t n)> stream;
  // The length of `stream`, sent as Content-Length; unknown = chunked.
  std::optional<uint64_t> stream_size;
  // Close the connection after answering (used when the body was not read).
  bool close = false;

  void Json(int code, std::string json_text) {
    status = code;
    content_type = "application/json";
    body = std::move(json_text);
  }
  void Text(int code, std::string text) {
    status = code;
    content_type = "text/plain; charset=utf-8";
    body = std::move(text);
  }
};

using Handler = std::function<void(Request&, Response&)>;

// Percent-decoding ('+' as space when `form` is true); nullopt on bad escapes.
std::optional<std::string> PercentDecode(std::string_view s, bool form);
Params ParseQuery(std::string_view query);

}  // namespace crashbox::web
