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

Status GzipInflater::Feed(ByteView input,
                          const std::function<Status(ByteView)>& sink) {
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
      return Status::Corrupt(
          fmt::format("gzip: {}", zs.msg ? zs.msg : "invalid data"));
    }
    size_t produced = kChunk - zs.avail_out;
    total_out_ += produced;
    if (total_out_ > max_output_bytes_) {
      return Status::LimitExceeded(fmt::format(
          "gzip: decompressed size exceeds {} bytes", max_output_bytes_));
    }
    if (produced > 0) CB_RETURN_IF_ERROR(sink(ByteView(out, produced)));
    if (rc == Z_STREAM_END) ended_ = true;
    if (rc == Z_BUF_ERROR && produced == 0) break;  // needs more input
  }
  if (ended_ && zs.avail_in > 0)
    return Status::Corrupt("gzip: data after end of stream");
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
std::string Deflate(ByteView input, int level, int window_bits,
                    size_t reserve_prefix) {
  z_stream zs{};
  CB_CHECK(deflateInit2(&zs, level, Z_DEFLATED, window_bits, 8,
                        Z_DEFAULT_STRATEGY) == Z_OK);
  // The output grows as deflate fills it rather than being sized by
  // deflateBound (a little more than the input, all of it zero-filled):
  // symbol text packs to about a quarter, so the bound cost 4x what is kept.
  // Each step zero-fills what it adds, so a small input (a raw crash's JSON)
  // steps by its own bound (16 KiB at least, for what deflate still holds
  // once the input is in), not by a whole MiB.
  constexpr size_t kStep = size_t{1} << 20;
  auto step_for = [&](size_t remaining_in) {
    size_t bound = deflateBound(
        &zs, static_cast<uLong>(std::min<size_t>(remaining_in, kStep)));
    return std::clamp<size_t>(bound, size_t{16} << 10, kStep);
  };
  std::string out(reserve_prefix, '\0');
  out.reserve(reserve_prefix + std::min<size_t>(input.size() / 4 + kStep,
                                                step_for(input.size())));
  size_t in_pos = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    // avail_in is 32 bits: feed large inputs in pieces.
    if (zs.avail_in == 0 && in_pos < input.size()) {
      size_t piece = std::min<size_t>(input.size() - in_pos, size_t{1} << 30);
      zs.next_in = const_cast<Bytef*>(input.data() + in_pos);
      zs.avail_in = static_cast<uInt>(piece);
      in_pos += piece;
    }
    size_t used = out.size();
    size_t step = step_for(zs.avail_in + (input.size() - in_pos));
    if (out.capacity() - used < step)
      out.reserve(std::max(out.capacity() + out.capacity() / 4, used + step));
    out.resize(used + step);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + used);
    zs.avail_out = static_cast<uInt>(step);
    rc = deflate(&zs, in_pos == input.size() ? Z_FINISH : Z_NO_FLUSH);
    CB_CHECK(rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR);
    out.resize(used + (step - zs.avail_out));
  }
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

std::string Gzip(ByteView input, int level) {
  return Deflate(input, level, 16 + MAX_WBITS, 0);
}

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
    if (payload.size() > max_output_bytes)
      return Status::LimitExceeded("blob: too large");
    return std::string(AsChars(payload));
  }
  if (blob[0] != 'z')
    return Status::Corrupt(
        fmt::format("blob: unknown codec tag {:#x}", blob[0]));
  z_stream zs{};
  if (inflateInit2(&zs, MAX_WBITS) != Z_OK)
    return Status::IoError("blob: inflateInit failed");
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
    out.append(reinterpret_cast<const char*>(buf.data()),
               kChunk - zs.avail_out);
    if (out.size() > max_output_bytes) {
      inflateEnd(&zs);
      return Status::LimitExceeded("blob: too large");
    }
  }
  inflateEnd(&zs);
  return out;
}

struct BlobReader::State {
  ByteView payload;
  size_t pos = 0;  // next payload byte not yet given to zlib
  bool raw = false;
  bool ended = false;
  Status error;  // sticky: a damaged blob stays damaged
  z_stream zs{};
  bool initialized = false;
};

BlobReader::BlobReader(ByteView blob) : state_(std::make_unique<State>()) {
  State& s = *state_;
  if (blob.empty()) {
    s.error = Status::Corrupt("blob: empty");
    return;
  }
  s.payload = blob.subspan(1);
  if (blob[0] == 'r') {
    s.raw = true;
  } else if (blob[0] != 'z') {
    s.error =
        Status::Corrupt(fmt::format("blob: unknown codec tag {:#x}", blob[0]));
  } else if (inflateInit2(&s.zs, MAX_WBITS) != Z_OK) {
    s.error = Status::IoError("blob: inflateInit failed");
  } else {
    s.initialized = true;
  }
}

BlobReader::~BlobReader() {
  if (state_->initialized) inflateEnd(&state_->zs);
}

Result<size_t> BlobReader::Read(uint8_t* out, size_t n) {
  State& s = *state_;
  if (!s.error.ok()) return s.error;
  if (n == 0 || s.ended) return size_t{0};
  if (s.raw) {
    size_t take = std::min(n, s.payload.size() - s.pos);
    std::memcpy(out, s.payload.data() + s.pos, take);
    s.pos += take;
    s.ended = s.pos == s.payload.size();
    return take;
  }
  z_stream& zs = s.zs;
  zs.next_out = out;
  zs.avail_out = static_cast<uInt>(std::min<size_t>(n, kChunk));
  uInt want = zs.avail_out;
  while (zs.avail_out == want) {  // until some output, the end, or an error
    if (zs.avail_in == 0) {
      if (s.pos == s.payload.size()) {
        s.error = Status::Corrupt("blob: zlib data truncated");
        return s.error;
      }
      size_t piece = std::min(s.payload.size() - s.pos, kChunk);
      zs.next_in = const_cast<Bytef*>(s.payload.data() + s.pos);
      zs.avail_in = static_cast<uInt>(piece);
      s.pos += piece;
    }
    int rc = inflate(&zs, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in > 0 || s.pos != s.payload.size()) {
        s.error =
            Status::Corrupt("blob: data after the end of the zlib stream");
        return s.error;
      }
      s.ended = true;
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      s.error = Status::Corrupt("blob: bad zlib data");
      return s.error;
    }
  }
  return static_cast<size_t>(want - zs.avail_out);
}

}  // namespace crashbox::base
