// SPDX-License-Identifier: MPL-2.0
#include "app/wire/multipart.h"

#include <cstring>

#include <fmt/format.h>

#include "app/base/strings.h"

namespace crashbox::wire {
namespace {

using base::EqualsIgnoreCase;
using base::ToLower;
using base::Trim;

// Splits `a; b=c; d="e;f"` into the first item and key/value parameters,
// honouring quoted strings with backslash escapes.
struct HeaderValue {
  std::string main;
  std::vector<std::pair<std::string, std::string>> params;  // key lower-cased
};

HeaderValue ParseHeaderValue(std::string_view v) {
  HeaderValue out;
  size_t i = 0;
  auto read_token = [&](std::string_view stops) {
    size_t start = i;
    while (i < v.size() && stops.find(v[i]) == std::string_view::npos) ++i;
    return std::string(Trim(v.substr(start, i - start)));
  };
  out.main = read_token(";");
  while (i < v.size()) {
    ++i;  // ';'
    std::string key = ToLower(read_token("=;"));
    std::string value;
    if (i < v.size() && v[i] == '=') {
      ++i;
      while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
      if (i < v.size() && v[i] == '"') {
        ++i;
        while (i < v.size() && v[i] != '"') {
          if (v[i] == '\\' && i + 1 < v.size()) ++i;
          value.push_back(v[i++]);
        }
        if (i < v.size()) ++i;  // closing quote
        read_token(";");        // ignore junk up to the next parameter
      } else {
        value = read_token(";");
      }
    }
    if (!key.empty()) out.params.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

const uint8_t* Find(const std::string& hay, size_t from,
                    std::string_view needle) {
  if (from >= hay.size()) return nullptr;
  return static_cast<const uint8_t*>(memmem(
      hay.data() + from, hay.size() - from, needle.data(), needle.size()));
}

}  // namespace

MediaType ParseMediaType(std::string_view header) {
  HeaderValue hv = ParseHeaderValue(header);
  MediaType mt;
  mt.type = ToLower(hv.main);
  for (auto& [k, v] : hv.params) {
    if (k == "boundary") mt.boundary = v;
    if (k == "charset") mt.charset = ToLower(v);
  }
  return mt;
}

MultipartParser::MultipartParser(std::string boundary, MultipartLimits limits,
                                 MultipartHandler& handler)
    : dash_boundary_("--" + boundary),
      delimiter_("\r\n--" + boundary),
      limits_(limits),
      handler_(handler) {}

Status MultipartParser::Feed(ByteView data) {
  if (state_ == State::kEpilogue)
    return Status::Ok();  // the epilogue is ignored
  // Fast path inside a part body: when no delimiter can start in the pending
  // tail or in `data`, hand the bytes over straight from the input instead of
  // copying them through the buffer (dumps are most of a request).
  if (state_ == State::kBody && data.size() > 2 * delimiter_.size()) {
    std::string_view pending = std::string_view(buf_).substr(pos_);
    std::string_view in = AsChars(data);
    std::string seam(pending);
    seam.append(in.substr(0, delimiter_.size()));
    if (pending.size() < delimiter_.size() &&
        seam.find(delimiter_) == std::string::npos &&
        memmem(in.data(), in.size(), delimiter_.data(), delimiter_.size()) ==
            nullptr) {
      size_t keep = delimiter_.size() - 1;
      if (!pending.empty())
        CB_RETURN_IF_ERROR(handler_.OnPartData(AsBytes(pending)));
      CB_RETURN_IF_ERROR(handler_.OnPartData(data.first(data.size() - keep)));
      buf_.assign(in.substr(in.size() - keep));
      pos_ = 0;
      return Status::Ok();
    }
  }
  buf_.append(AsChars(data));
  bool progressed = true;
  while (progressed) {
    progressed = false;
    CB_RETURN_IF_ERROR(Step(&progressed));
  }
  // Drop consumed bytes once they dominate the buffer (amortized O(1)).
  if (pos_ > 0 && pos_ * 2 >= buf_.size()) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  return Status::Ok();
}

Status MultipartParser::Step(bool* progressed) {
  switch (state_) {
    case State::kPreamble: {
      // The first delimiter may open the body without a preceding CRLF.
      if (buf_.size() - pos_ >= dash_boundary_.size() &&
          std::string_view(buf_).substr(pos_, dash_boundary_.size()) ==
              dash_boundary_) {
        pos_ += dash_boundary_.size();
      } else {
        const uint8_t* hit = Find(buf_, pos_, delimiter_);
        if (hit == nullptr) {
          if (buf_.size() - pos_ > 64 * 1024)
            return Status::Corrupt("multipart: no opening boundary");
          return Status::Ok();
        }
        pos_ = (reinterpret_cast<const char*>(hit) - buf_.data()) +
               delimiter_.size();
      }
      state_ = State::kAfterDelimiter;
      *progressed = true;
      return Status::Ok();
    }
    case State::kAfterDelimiter: {
      // "--" closes the body; otherwise optional whitespace then CRLF opens a
      // part.
      size_t i = pos_;
      if (buf_.size() - i < 2) return Status::Ok();
      if (buf_.compare(i, 2, "--") == 0) {
        state_ = State::kEpilogue;
        pos_ = buf_.size();
        if (parts_ > 0) CB_RETURN_IF_ERROR(handler_.OnPartEnd());
        *progressed = true;
        return Status::Ok();
      }
      while (i < buf_.size() && (buf_[i] == ' ' || buf_[i] == '\t')) ++i;
      if (buf_.size() - i < 2) {
        if (i - pos_ > 256)
          return Status::Corrupt("multipart: junk after boundary");
        return Status::Ok();
      }
      if (buf_.compare(i, 2, "\r\n") != 0)
        return Status::Corrupt("multipart: boundary not followed by CRLF");
      if (parts_ > 0) CB_RETURN_IF_ERROR(handler_.OnPartEnd());
      if (++parts_ > limits_.max_parts) {
        return Status::LimitExceeded(
            fmt::format("multipart: more than {} parts", limits_.max_parts));
      }
      pos_ = i + 2;
      state_ = State::kHeaders;
      *progressed = true;
      return Status::Ok();
    }
    case State::kHeaders: {
      std::string_view rest = std::string_view(buf_).substr(pos_);
      size_t end;
      size_t skip;
      if (rest.substr(0, 2) == "\r\n") {
        end = 0;  // no headers at all
        skip = 2;
      } else {
        end = rest.find("\r\n\r\n");
        skip = 4;
      }
      if (end == std::string_view::npos) {
        if (rest.size() > limits_.max_header_bytes) {
          return Status::Corrupt(
              fmt::format("multipart: part headers exceed {} bytes",
                          limits_.max_header_bytes));
        }
        return Status::Ok();
      }
      if (end > limits_.max_header_bytes) {
        return Status::Corrupt(
            fmt::format("multipart: part headers exceed {} bytes",
                        limits_.max_header_bytes));
      }
      CB_RETURN_IF_ERROR(ParseHeaders(rest.substr(0, end)));
      pos_ += end + skip;
      state_ = State::kBody;
      *progressed = true;
      return Status::Ok();
    }
    case State::kBody: {
      const uint8_t* hit = Find(buf_, pos_, delimiter_);
      if (hit == nullptr) {
        // Hand over everything that cannot be the start of a delimiter.
        size_t keep = delimiter_.size() - 1;
        if (buf_.size() - pos_ > keep) {
          size_t n = buf_.size() - pos_ - keep;
          CB_RETURN_IF_ERROR(handler_.OnPartData(
              AsBytes(std::string_view(buf_).substr(pos_, n))));
          pos_ += n;
        }
        return Status::Ok();
      }
      size_t at = reinterpret_cast<const char*>(hit) - buf_.data();
      if (at > pos_)
        CB_RETURN_IF_ERROR(handler_.OnPartData(
            AsBytes(std::string_view(buf_).substr(pos_, at - pos_))));
      pos_ = at + delimiter_.size();
      state_ = State::kAfterDelimiter;
      *progressed = true;
      return Status::Ok();
    }
    case State::kEpilogue:
      return Status::Ok();
  }
  return Status::Ok();
}

Status MultipartParser::ParseHeaders(std::string_view block) {
  PartHeaders h;
  for (std::string_view line : base::Split(block, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos)
      return Status::Corrupt("multipart: part header without ':'");
    std::string_view key = Trim(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    if (EqualsIgnoreCase(key, "content-disposition")) {
      HeaderValue hv = ParseHeaderValue(value);
      for (auto& [k, v] : hv.params) {
        if (k == "name") h.name = v;
        if (k == "filename") h.filename = v;
      }
    } else if (EqualsIgnoreCase(key, "content-type")) {
      MediaType mt = ParseMediaType(value);
      h.content_type = mt.type;
      h.charset = mt.charset;
    }
  }
  return handler_.OnPartBegin(h);
}

Status MultipartParser::Finish() {
  if (state_ != State::kEpilogue)
    return Status::Corrupt(
        "multipart: body truncated before the closing boundary");
  return Status::Ok();
}

}  // namespace crashbox::wire
