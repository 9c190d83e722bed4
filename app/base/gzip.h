// SPDX-License-Identifier: MPL-2.0
// zlib wrappers: streaming gzip decompression with a cap on the output (a
// gzip bomb ends with kLimitExceeded, never with memory exhaustion), gzip
// compression for clients, and the blob codec the stores use.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "app/base/byte_reader.h"
#include "app/base/status.h"

namespace crashbox::base {

// Decompresses a gzip stream fed in pieces. Not thread-safe; one per stream.
class GzipInflater {
 public:
  // `max_output_bytes` bounds the total decompressed size.
  explicit GzipInflater(uint64_t max_output_bytes);
  ~GzipInflater();
  GzipInflater(const GzipInflater&) = delete;
  GzipInflater& operator=(const GzipInflater&) = delete;

  // Feeds compressed bytes; calls `sink` with each decompressed piece (a view
  // valid only during the call). A non-OK status from `sink` stops and is
  // returned. kCorrupt on bad gzip data or bytes after the end of the stream,
  // kLimitExceeded past the output cap.
  Status Feed(ByteView input, const std::function<Status(ByteView)>& sink);
  // kCorrupt unless the gzip stream ended (with its trailer) exactly.
  Status Finish() const;
  uint64_t total_out() const { return total_out_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  uint64_t max_output_bytes_;
  uint64_t total_out_ = 0;
  bool ended_ = false;
};

// Whole-buffer helpers.
Result<std::string> Gunzip(ByteView input, uint64_t max_output_bytes);
std::string Gzip(ByteView input, int level = 6);

// The stores' blob codec: one tag byte then the payload. Tag 'z' = zlib
// (deflate with zlib header), tag 'r' = raw bytes (used when compression does
// not pay, e.g. already-compressed or random data).
std::string PackBlob(ByteView input, int level = 1);
// kCorrupt on an unknown tag or bad zlib data; kLimitExceeded past the cap.
Result<std::string> UnpackBlob(ByteView blob, uint64_t max_output_bytes);

// Unpacks a PackBlob blob piece by piece, for a body sent while it is
// produced (symbol downloads): each Read runs inflate over at most 64 KiB of
// input at a time and returns as soon as it has output, so a call costs
// about one inflate step. Holds zlib's state (about 45 KiB), not the output.
// `blob` must outlive the reader. Not thread-safe.
class BlobReader {
 public:
  explicit BlobReader(ByteView blob);
  ~BlobReader();
  BlobReader(const BlobReader&) = delete;
  BlobReader& operator=(const BlobReader&) = delete;

  // Fills up to `n` bytes of `out`; 0 at the end of the blob. kCorrupt on an
  // unknown tag, bad or truncated zlib data, or bytes after the stream's end.
  Result<size_t> Read(uint8_t* out, size_t n);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace crashbox::base
