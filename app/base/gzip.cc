// SPDX-License-Identifier: MPL-2.0
#include "app/base/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include <fmt/format.h>

namespace crashbox::base {

// Buffers live on the heap: they are too large for a worker thread's stack.
constexpr size_t kChunk = 64 * 1024;

struct GzipInflater::State {
  z_stream zs{};
  bool initialized = false;
  std::vector<uint8_t> out = std::vector<uint8_t>(kChunk);
};

GzipInflater::GzipInflater(uint64_t max_output_bytes)
    : state_(std::make_unique<State>()), max_output_bytes_(max_output_bytes) {
  // 16 + MAX_WBITS: gzip wrapper required, as Antenna's decoder.
  state_->initialized = inflateInit2(&state_->zs, 16 + MAX_WBITS) == Z_OK;
}

GzipInflater::~GzipInflater() {
  if (state_->initialized) inflateEnd(&state_->zs);
}

Status GzipInflater::Feed(ByteView input, const std::function<Status(ByteView)>& sink) {
  if (!state_->initialized) return Status::IoError("gzip: inflateInit2 failed");
  if (input.empty()) return Status::Ok();
  if (ended_) return Status::Corrupt("gzip: data after end of stream");
  z_stream& zs = state_->zs;
  zs.next_in = const_cast<Bytef*>(input.data());
  zs.avail_in = static_cast<uInt>(input.size());
  uint8_t* out = state_->out.data();
  while (zs.avail_in > 0 && !ended_) {
    zs.next_out = out;
    zs.avail_out = kChunk;
    int rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      return Status::Corrupt(fmt::format("gzip: {}", zs.msg ? zs.msg : "invalid data"));
    }
    size_t produced = kChunk - zs.avail_out;
    total_out_ += produced;
    if (total_out_ > max_output_bytes_) {
      return Status::LimitExceeded(
          fmt::format("gzip: decompressed size exceeds {} bytes", max_output_bytes_));
    }
    if (produced > 0) CB_RETURN_IF_ERROR(sink(ByteView(out, produced)));
    if (rc == Z_STREAM_END) ended_ = true;
    if (rc == Z_BUF_ERROR && produced == 0) break;  // needs more input
  }
  if (ended_ && zs.avail_in > 0) return Status::Corrupt("gzip: data after end of stream");
  return Status::Ok();
}

Status GzipInflater::Finish() const {
  if (!ended_) return Status::Corrupt("gzip: stream truncated");
  return Status::Ok();
}

Result<std::string> Gunzip(ByteView input, uint64_t max_output_bytes) {
  GzipInflater inflater(max_output_bytes);
  std::string out;
  CB_RETURN_IF_ERROR(inflater.Feed(input, [&](ByteView piece) {
    out.append(AsChars(piece));
    return Status::Ok();
  }));
  CB_RETURN_IF_ERROR(inflater.Finish());
  return out;
}

namespace {
std::string Deflate(ByteView input, int level, int window_bits, size_t reserve_prefix) {
  z_stream zs{};
  CB_CHECK(deflateInit2(&zs, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(reserve_prefix + deflateBound(&zs, input.size()), '\0');
  zs.next_in = const_cast<Bytef*>(input.data());
  zs.avail_in = static_cast<uInt>(input.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data() + reserve_prefix);
  zs.avail_out = static_cast<uInt>(out.size() - reserve_prefix);
  int rc = deflate(&zs, Z_FINISH);
  CB_CHECK(rc == Z_STREAM_END);
  out.resize(reserve_prefix + zs.total_out);
  deflateEnd(&zs);
  return out;
}

// Cheap test whether compression pays: the order-0 entropy of a few samples.
// Random or already-compressed bytes sit near 8 bits per byte; minidumps,
// JSON and text far below. A histogram costs a fraction of a trial deflate.
bool LooksCompressible(ByteView input) {
  constexpr size_t kSample = 4096;
  if (input.size() <= 4 * kSample) return true;
  uint32_t counts[256] = {};
  size_t total = 0;
  for (size_t k = 0; k < 4; ++k) {
    size_t start = (input.size() - kSample) * k / 3;
    for (size_t i = start; i < start + kSample; ++i) counts[input[i]]++;
    total += kSample;
  }
  double bits = 0;
  for (uint32_t c : counts) {
    if (c == 0) continue;
    double p = static_cast<double>(c) / static_cast<double>(total);
    bits -= p * std::log2(p);
  }
  return bits < 7.5;
}
}  // namespace

std::string Gzip(ByteView input, int level) { return Deflate(input, level, 16 + MAX_WBITS, 0); }

std::string PackBlob(ByteView input, int level) {
  if (!LooksCompressible(input)) {
    std::string out;
    out.reserve(input.size() + 1);
    out.push_back('r');
    out.append(AsChars(input));
    return out;
  }
  std::string out = Deflate(input, level, MAX_WBITS, 1);
  out[0] = 'z';
  return out;
}

Result<std::string> UnpackBlob(ByteView blob, uint64_t max_output_bytes) {
  if (blob.empty()) return Status::Corrupt("blob: empty");
  ByteView payload = blob.subspan(1);
  if (blob[0] == 'r') {
    if (payload.size() > max_output_bytes) return Status::LimitExceeded("blob: too large");
    return std::string(AsChars(payload));
  }
  if (blob[0] != 'z') return Status::Corrupt(fmt::format("blob: unknown codec tag {:#x}", blob[0]));
  z_stream zs{};
  if (inflateInit2(&zs, MAX_WBITS) != Z_OK) return Status::IoError("blob: inflateInit failed");
  std::string out;
  zs.next_in = const_cast<Bytef*>(payload.data());
  zs.avail_in = static_cast<uInt>(payload.size());
  std::vector<uint8_t> buf(kChunk);
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = buf.data();
    zs.avail_out = kChunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Status::Corrupt("blob: bad zlib data");
    }
    out.append(reinterpret_cast<const char*>(buf.data()), kChunk - zs.avail_out);
    if (out.size() > max_output_bytes) {
      inflateEnd(&zs);
      return Status::LimitExceeded("blob: too large");
    }
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace crashbox::base
