// SPDX-License-Identifier: MPL-2.0
#include "web/submit/submit_handler.h"

#include <chrono>
#include <memory>
#include <vector>

namespace crashbox::web {
namespace {

using collector::Outcome;

int HttpStatusFor(Outcome::Kind kind) {
  switch (kind) {
    case Outcome::Kind::kAccepted:
    case Outcome::Kind::kRejected:
      return 200;
    case Outcome::Kind::kMalformed:
      return 400;
    case Outcome::Kind::kUnauthorized:
      return 401;
    case Outcome::Kind::kTooLarge:
      return 413;
    case Outcome::Kind::kUnavailable:
      return 503;
    case Outcome::Kind::kFailed:
      return 500;
  }
  return 500;
}

}  // namespace

Handler MakeSubmitHandler(collector::Collector& collector,
                          base::MetricsRegistry& metrics) {
  return [&collector, &metrics](Request& req, Response& resp) {
    auto started = std::chrono::steady_clock::now();
    collector::SubmitRequest sr;
    sr.content_type = req.Header("Content-Type");
    sr.content_encoding = req.Header("Content-Encoding");
    sr.content_length = req.content_length;
    sr.chunked = req.chunked;
    sr.user_agent = req.Header("User-Agent");
    sr.authorization = req.Header("Authorization");
    sr.query = req.Query();

    Outcome out;
    bool body_left = req.chunked || req.content_length.value_or(0) > 0;
    collector::UploadPtr upload = collector.Begin(sr, &out);
    if (upload) {
      Status read_error;
      // The server holds the whole body: feed it in place, piece by piece.
      while (true) {
        Result<std::string_view> piece = req.read_body_piece();
        if (!piece.ok()) {
          read_error = piece.status();
          break;
        }
        if (piece.value().empty()) {
          body_left = false;
          break;
        }
        if (!collector.Feed(*upload, AsBytes(piece.value()))) break;
      }
      out = collector.Finish(std::move(upload), read_error);
    }
    resp.Text(HttpStatusFor(out.kind), out.body);
    if (out.retry_after_seconds > 0)
      resp.headers.emplace_back("Retry-After",
                                std::to_string(out.retry_after_seconds));
    // An unread body cannot be followed by another request on this connection.
    resp.close = body_left;
    metrics
        .GetHistogram("collector.breakpad_resource.on_post.time",
                      base::LatencyBucketsMs)
        ->Observe(std::chrono::duration<double, std::milli>(
                      std::chrono::steady_clock::now() - started)
                      .count());
  };
}

}  // namespace crashbox::web
