// SPDX-License-Identifier: MPL-2.0
#include "web/api/symbols.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/base/log.h"
#include "app/base/strings.h"
#include "app/symsvc/missing_report.h"
#include "app/wire/multipart.h"
#include "web/api/forms.h"
#include "web/http/status_map.h"

namespace crashbox::web {
namespace {

// Collects the first part that carries a file name.
class FirstFilePart final : public wire::MultipartHandler {
 public:
  explicit FirstFilePart(uint64_t reserve) : reserve_(reserve) {}
  Status OnPartBegin(const wire::PartHeaders& h) override {
    in_file_ = !found_ && h.filename.has_value();
    if (in_file_) {
      found_ = true;
      filename_ = *h.filename;
      data_.reserve(
          reserve_);  // address space: pages are touched as bytes arrive
    }
    return Status::Ok();
  }
  Status OnPartData(ByteView data) override {
    if (in_file_) data_.append(AsChars(data));
    return Status::Ok();
  }
  Status OnPartEnd() override {
    in_file_ = false;
    return Status::Ok();
  }
  uint64_t reserve_;
  bool found_ = false;
  bool in_file_ = false;
  std::string filename_;
  std::string data_;
};

// Tecken refuses these bytes in symbol paths (SOCORRO.md 7.2).
bool HasBadPathChar(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c >= 0x80) return true;
    if (std::string_view("\\^`<>{}[]#%\"'|").find(static_cast<char>(c)) !=
        std::string_view::npos)
      return true;
  }
  return false;
}

}  // namespace

Handler MakeSymbolUploadHandler(symsvc::SymbolService& service,
                                Access& access) {
  return [&service, &access](Request& req, Response& resp) {
    std::optional<auth::Caller> caller = access.Identify(req, resp);
    if (!caller || !Access::Require(*caller, auth::kUploadSymbols, resp)) {
      resp.close = true;
      return;
    }
    if (!service.BeginUpload()) {
      resp.headers.emplace_back("Retry-After", "30");
      ErrorJson(resp, 503, "too many symbol uploads at once; retry later");
      resp.close = true;
      return;
    }
    struct Slot {
      symsvc::SymbolService& s;
      ~Slot() { s.EndUpload(); }
    } slot{service};
    const uint64_t cap = service.options().max_upload_bytes;
    if (req.content_length.value_or(0) > cap) {
      ErrorJson(resp, 413, fmt::format("upload larger than {} bytes", cap));
      resp.close = true;
      return;
    }
    // A multipart body goes through the parser as it is read, so only the
    // file part is held (not the body, the parser's buffer and the part);
    // a raw body is held as sent. Either way the upload is in memory once.
    wire::MediaType media =
        wire::ParseMediaType(req.Header("Content-Type").value_or(""));
    bool multipart = media.type == "multipart/form-data";
    if (multipart && !media.boundary) {
      ErrorJson(resp, 400, "multipart upload without a boundary");
      resp.close = true;
      return;
    }
    uint64_t reserve = std::min(req.content_length.value_or(0), cap);
    std::string body;
    FirstFilePart part(reserve);
    std::optional<wire::MultipartParser> parser;
    if (multipart) {
      parser.emplace(*media.boundary, wire::MultipartLimits{}, part);
    } else {
      body.reserve(reserve);
    }
    std::string buf(1 << 16, '\0');
    uint64_t total = 0;
    while (true) {
      Result<size_t> got = req.read_body(buf.data(), buf.size());
      if (!got.ok()) {
        ErrorJson(resp, 400, "upload broken off: " + got.status().message());
        resp.close = true;
        return;
      }
      if (*got == 0) break;
      total += *got;
      if (total > cap) {
        ErrorJson(resp, 413, fmt::format("upload larger than {} bytes", cap));
        resp.close = true;
        return;
      }
      if (!multipart) {
        body.append(buf.data(), *got);
      } else if (Status s =
                     parser->Feed(AsBytes(std::string_view(buf.data(), *got)));
                 !s.ok()) {
        ErrorJson(resp, 400, "malformed multipart body: " + s.message());
        resp.close = true;
        return;
      }
    }
    if (multipart) {
      if (Status s = parser->Finish(); !s.ok())
        return ErrorJson(resp, 400, "malformed multipart body: " + s.message());
      if (!part.found_)
        return ErrorJson(resp, 400,
                         "Must be multipart form data with at least one file");
      body = std::move(part.data_);
    }
    if (body.empty()) return ErrorJson(resp, 400, "empty upload");
    Result<symsvc::UploadReport> report =
        body.starts_with("PK")
            ? service.uploader().UploadZip(AsBytes(body))
            : service.uploader().UploadSymOwned("", std::move(body));
    if (!report.ok())
      return ErrorJson(resp, HttpStatusFor(report.status()),
                       report.status().message());
    resp.Json(report->added.empty() && report->skipped.empty() ? 400 : 201,
              report->ToJson());
  };
}

Handler MakeMissingSymbolsHandler(symsvc::SymbolService& service) {
  return [&service](Request& req, Response& resp) {
    Result<std::vector<store::MissingSymbols>> rows = service.ListMissing();
    if (!rows.ok())
      return ErrorJson(resp, HttpStatusFor(rows.status()),
                       rows.status().message());
    if (req.QueryParam("format").value_or("") == "csv") {
      resp.Text(200, symsvc::MissingSymbolsCsv(*rows));
      resp.content_type = "text/csv; charset=utf-8";
      return;
    }
    resp.Json(200, symsvc::MissingSymbolsJson(*rows));
  };
}

Handler MakeSymbolListHandler(symsvc::SymbolService& service) {
  constexpr size_t kMaxListed = 1000;
  return [&service](Request& req, Response& resp) {
    std::string prefix = req.QueryParam("prefix").value_or("");
    if (prefix.size() > 256 || HasBadPathChar(prefix))
      return ErrorJson(resp, 400,
                       "prefix: at most 256 characters of a file name");
    // One more than shown tells whether there are more.
    Result<std::vector<store::SymbolKey>> keys =
        service.List(prefix, kMaxListed + 1);
    if (!keys.ok())
      return ErrorJson(resp, HttpStatusFor(keys.status()),
                       keys.status().message());
    const bool more = keys->size() > kMaxListed;
    if (more) keys->pop_back();
    nlohmann::json hits = nlohmann::json::array();
    for (const store::SymbolKey& k : *keys) {
      hits.push_back(
          {{"debug_file", k.debug_file},
           {"debug_id", k.debug_id},
           {"path", fmt::format("{}/{}/{}", k.debug_file, k.debug_id,
                                symsvc::SymFileName(k.debug_file))}});
    }
    resp.Json(200,
              nlohmann::json{{"hits", hits}, {"more", more}}.dump(
                  -1, ' ', false, nlohmann::json::error_handler_t::replace));
  };
}

Handler MakeSymbolDownloadHandler(symsvc::SymbolService& service) {
  return [&service](Request& req, Response& resp) {
    std::string_view path = req.path;
    if (path.starts_with("/")) path.remove_prefix(1);
    size_t a = path.find('/');
    size_t b = a == std::string_view::npos ? a : path.find('/', a + 1);
    if (b == std::string_view::npos ||
        path.find('/', b + 1) != std::string_view::npos) {
      resp.Text(404, "Not Found\n");
      return;
    }
    std::string_view debug_file = path.substr(0, a),
                     debug_id = path.substr(a + 1, b - a - 1),
                     name = path.substr(b + 1);
    resp.headers.emplace_back("Access-Control-Allow-Origin", "*");
    if (HasBadPathChar(path))
      return resp.Text(400, "Invalid character in symbol path");
    // The body is streamed (Response::stream): a file is read with pread, a
    // stored text inflated, piece by piece as the client takes it. HEAD only
    // looks the text up: no slot, no copy.
    Status status;
    if (req.method == "HEAD") {
      Result<std::optional<uint64_t>> found =
          service.StatSymText(debug_file, debug_id, name);
      if (found.ok()) {
        resp.status = 200;
        resp.content_type = "text/plain";
        resp.stream = [](char*, size_t) -> Result<size_t> { return size_t{0}; };
        resp.stream_size = *found;
        return;
      }
      status = found.status();
    } else {
      Result<std::unique_ptr<store::SymTextReader>> text =
          service.OpenSymText(debug_file, debug_id, name);
      if (text.ok()) {
        // Destroying the response destroys the reader, which frees the slot.
        std::shared_ptr<store::SymTextReader> reader = std::move(text).value();
        resp.status = 200;
        resp.content_type = "text/plain";
        resp.stream_size = reader->size();
        resp.stream = [reader](char* buf, size_t n) {
          return reader->Read(buf, n);
        };
        return;
      }
      status = text.status();
    }
    if (status.code() == Status::Code::kNotFound ||
        status.code() == Status::Code::kInvalidArgument) {
      // Perhaps a code file and id (Windows DLLs): redirect to the debug path
      // (percent-encoded by the service: stored names never reach a header
      // raw).
      Result<std::string> location =
          service.FindCodeRedirect(debug_file, debug_id);
      if (location.ok()) {
        resp.status = 302;
        resp.headers.emplace_back("Location", *location);
        return;
      }
      return resp.Text(404, "Symbol Not Found");
    }
    if (status.code() == Status::Code::kUnavailable) {
      resp.headers.emplace_back("Retry-After", "5");
      return resp.Text(503, "Too many symbol downloads at once; retry later\n");
    }
    // Messages name server paths: logged, not sent.
    CB_LOG_ERROR("symbol download {}: {}", req.path, status.ToString());
    resp.Text(HttpStatusFor(status), "Symbol download failed\n");
  };
}

}  // namespace crashbox::web
