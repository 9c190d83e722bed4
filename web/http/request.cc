// SPDX-License-Identifier: MPL-2.0
#include "web/http/request.h"

#include <algorithm>
#include <cstring>

#include "app/base/strings.h"

namespace crashbox::web {

std::optional<std::string> Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (base::EqualsIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

bool RequestBody::Append(std::string_view bytes, uint64_t expected) {
  while (!bytes.empty()) {
    if (chunks_.empty() || chunks_.back().size() == chunks_.back().capacity()) {
      // The next chunk doubles what has arrived (64 KiB at least), but never
      // passes the declared total: the allocation stays within 2x the bytes
      // received, and a declared length alone reserves nothing.
      uint64_t want = std::max<uint64_t>(64 * 1024, size_);
      if (expected > size_) want = std::min(want, expected - size_);
      want = std::min<uint64_t>(want, 64ull << 20);
      if (!charge_.Grow(charge_.held() + want)) return false;
      chunks_.emplace_back();
      chunks_.back().reserve(want);
    }
    std::string& back = chunks_.back();
    size_t take = std::min(bytes.size(), back.capacity() - back.size());
    back.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    size_ += take;
  }
  return true;
}

void RequestBody::Free(std::string& chunk) {
  uint64_t cap = chunk.capacity();
  std::string().swap(chunk);
  charge_.Shrink(charge_.held() > cap ? charge_.held() - cap : 0);
}

size_t RequestBody::Read(char* buf, size_t n) {
  size_t done = 0;
  while (done < n && !chunks_.empty()) {
    std::string& front = chunks_.front();
    size_t take = std::min(n - done, front.size() - front_pos_);
    std::memcpy(buf + done, front.data() + front_pos_, take);
    done += take;
    front_pos_ += take;
    if (front_pos_ == front.size()) {
      Free(front);
      chunks_.pop_front();
      front_pos_ = 0;
    }
  }
  read_ += done;
  return done;
}

std::string_view RequestBody::Next() {
  Free(lent_);
  if (chunks_.empty()) return {};
  lent_ = std::move(chunks_.front());
  chunks_.pop_front();
  std::string_view piece = std::string_view(lent_).substr(front_pos_);
  front_pos_ = 0;
  read_ += piece.size();
  return piece;
}

std::string RequestBody::ReadAll() {
  std::string out(size_ - read_, '\0');
  out.resize(Read(out.data(), out.size()));
  return out;
}

Result<std::string_view> Request::read_body_piece() {
  std::string_view piece = body.Next();
  if (piece.empty() && !body_error.ok()) return body_error;
  return piece;
}

Result<size_t> Request::read_body(char* buf, size_t n) {
  size_t got = body.Read(buf, n);
  if (got == 0 && !body_error.ok()) return body_error;
  return got;
}

Params Request::Query() const { return ParseQuery(query_string); }

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  for (auto& [k, v] : Query()) {
    if (k == name) return v;
  }
  return std::nullopt;
}

std::optional<std::string> PercentDecode(std::string_view s, bool form) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+' && form) {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      auto hex = [](char h) -> int {
        if (h >= '0' && h <= '9') return h - '0';
        if (h >= 'a' && h <= 'f') return h - 'a' + 10;
        if (h >= 'A' && h <= 'F') return h - 'A' + 10;
        return -1;
      };
      int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Params ParseQuery(std::string_view query) {
  Params out;
  if (query.empty()) return out;
  for (std::string_view pair : base::Split(query, '&')) {
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::optional<std::string> k = PercentDecode(pair.substr(0, eq), true);
    std::optional<std::string> v = PercentDecode(
        eq == std::string_view::npos ? "" : pair.substr(eq + 1), true);
    if (k && v) out.emplace_back(std::move(*k), std::move(*v));
  }
  return out;
}

}  // namespace crashbox::web
