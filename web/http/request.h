// SPDX-License-Identifier: MPL-2.0
// crashbox's own HTTP request and response types. Handlers see only these:
// the server (server.cc) reads a whole request, body included, fills a
// Request, calls the handler on a worker thread, and writes the Response.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/base/memory_budget.h"
#include "app/base/status.h"

namespace crashbox::web {

using Params = std::vector<std::pair<std::string, std::string>>;

// A request body held in memory: chunks that grow with what has arrived
// (never with what Content-Length merely claims), appended without copying
// what came before, charged to the memory budget, and freed one by one as
// they are read, so a handler that streams the body holds little of it twice.
class RequestBody {
 public:
  RequestBody() = default;
  explicit RequestBody(std::string_view bytes) { Append(bytes, 0); }
  RequestBody(RequestBody&&) noexcept = default;
  RequestBody& operator=(RequestBody&&) noexcept = default;

  // Charge the chunks to `budget` (may be null) from now on.
  void SetBudget(base::MemoryBudget* budget) {
    charge_ = base::BudgetCharge(budget);
  }
  // Appends; `expected` is the declared total (0 = unknown), which bounds
  // the last chunk. False when the budget has no room.
  bool Append(std::string_view bytes, uint64_t expected);
  // Bytes received in all.
  uint64_t size() const { return size_; }
  // Reads the next bytes, freeing each chunk once read; 0 at the end.
  size_t Read(char* buf, size_t n);
  // The next unread bytes in place, without a copy: valid until the next
  // call, which frees them. Empty at the end.
  std::string_view Next();
  // The unread rest as one string.
  std::string ReadAll();

 private:
  void Free(std::string& chunk);  // and give its bytes back to the budget

  std::deque<std::string> chunks_;  // each reserved to its final capacity
  std::string lent_;                // the chunk Next() returned last
  size_t front_pos_ = 0;            // read position in chunks_.front()
  uint64_t size_ = 0;
  uint64_t read_ = 0;
  base::BudgetCharge charge_;
};

struct Request {
  std::string method;        // "GET"
  std::string path;          // percent-decoded path, no query
  std::string query_string;  // raw
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<uint64_t> content_length;  // nullopt when absent
  bool chunked = false;
  // The client's address: the TCP peer, or what a configured trusted proxy
  // says the client is.
  std::string remote_addr;
  // The TCP peer itself (a proxy's address when one forwards the request).
  std::string peer_addr;
  // The client reached a trusted proxy over HTTPS (X-Forwarded-Proto).
  bool https = false;
  // The client is this machine. False whenever the request carries forwarding
  // headers that no trusted proxy vouches for: a proxy on this host would
  // otherwise make every client look local.
  bool is_loopback = false;
  // The body as received (chunked framing removed). The server has buffered
  // all of it before the handler runs, so no handler ever waits on a client.
  RequestBody body;
  // Not ok when the body was cut short: it passed the route's limit (the
  // server keeps that limit + 1 bytes and reads no more).
  Status body_error;
  // Reads up to `n` further bytes of the body into `buf`: > 0 bytes read,
  // then `body_error` if it is set, else 0 at the end of the body.
  Result<size_t> read_body(char* buf, size_t n);
  // The same without a copy: the next piece of the body in place (valid
  // until the next call), empty at the end, or `body_error` after the last.
  Result<std::string_view> read_body_piece();

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
