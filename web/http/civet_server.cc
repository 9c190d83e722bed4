// SPDX-License-Identifier: MPL-2.0
#include "web/http/civet_server.h"

#include <civetweb.h>

#include <cstring>
#include <mutex>
#include <vector>

#include <fmt/format.h>

#include "app/base/log.h"
#include "app/base/strings.h"

namespace crashbox::web {
namespace {

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
  }
}

bool IsLoopback(std::string_view addr) {
  return addr.starts_with("127.") || addr == "::1" || addr.starts_with("::ffff:127.");
}

}  // namespace

struct HttpServer::Impl {
  const Router* router = nullptr;
  HttpOptions options;
  mg_context* ctx = nullptr;
};

namespace {

int BeginRequest(mg_connection* conn) {
  auto* impl = static_cast<HttpServer::Impl*>(mg_get_user_data(mg_get_context(conn)));
  const mg_request_info* ri = mg_get_request_info(conn);
  Request req;
  req.method = ri->request_method ? ri->request_method : "";
  std::string raw_path = ri->local_uri_raw ? ri->local_uri_raw : (ri->local_uri ? ri->local_uri : "/");
  req.path = PercentDecode(raw_path, false).value_or(raw_path);
  req.query_string = ri->query_string ? ri->query_string : "";
  for (int i = 0; i < ri->num_headers; ++i) {
    req.headers.emplace_back(ri->http_headers[i].name, ri->http_headers[i].value);
  }
  std::optional<std::string> te = req.Header("Transfer-Encoding");
  req.chunked = te && base::EqualsIgnoreCase(base::Trim(*te), "chunked");
  if (ri->content_length >= 0 && !req.chunked) req.content_length = static_cast<uint64_t>(ri->content_length);
  req.remote_addr = ri->remote_addr;
  req.is_loopback = IsLoopback(req.remote_addr);

  auto started = std::chrono::steady_clock::now();
  uint64_t consumed = 0;
  std::chrono::seconds deadline = impl->options.body_deadline;
  req.read_body = [&, conn](char* buf, size_t n) -> Result<size_t> {
    if (std::chrono::steady_clock::now() - started > deadline) {
      return Status::IoError("request body deadline passed");
    }
    int got = mg_read(conn, buf, n);
    if (got < 0) return Status::IoError("client stalled or broke off while sending the body");
    if (got == 0 && req.content_length && consumed < *req.content_length) {
      return Status::IoError("body ended before Content-Length bytes");
    }
    consumed += static_cast<uint64_t>(got);
    return static_cast<size_t>(got);
  };

  Response resp;
  try {
    impl->router->Dispatch(req, resp);
  } catch (const std::exception& e) {
    CB_LOG_ERROR("http: {} {}: unhandled exception: {}", req.method, req.path, e.what());
    resp = Response();
    resp.Text(500, "Internal Server Error\n");
  }
  bool streaming = static_cast<bool>(resp.stream);
  std::string head = fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\n", resp.status, ReasonPhrase(resp.status),
                                 resp.content_type);
  if (!streaming) {
    head += fmt::format("Content-Length: {}\r\n", resp.body.size());
  } else if (resp.stream_size) {
    head += fmt::format("Content-Length: {}\r\n", *resp.stream_size);
  } else {
    head += "Transfer-Encoding: chunked\r\n";
  }
  for (const auto& [k, v] : resp.headers) head += fmt::format("{}: {}\r\n", k, v);
  if (resp.close) head += "Connection: close\r\n";
  head += "\r\n";
  mg_write(conn, head.data(), head.size());
  if (req.method == "HEAD") return resp.status;
  if (!streaming) {
    if (!resp.body.empty()) mg_write(conn, resp.body.data(), resp.body.size());
    return resp.status;
  }
  std::vector<char> buf(64 * 1024);
  while (true) {
    Result<size_t> got = resp.stream(buf.data(), buf.size());
    if (!got.ok()) {
      mg_disable_connection_keep_alive(conn);
      break;
    }
    if (got.value() == 0) {
      if (!resp.stream_size) mg_write(conn, "0\r\n\r\n", 5);
      break;
    }
    if (!resp.stream_size) mg_printf(conn, "%zx\r\n", got.value());
    if (mg_write(conn, buf.data(), got.value()) <= 0) break;
    if (!resp.stream_size) mg_write(conn, "\r\n", 2);
  }
  return resp.status;
}

int LogMessage(const mg_connection*, const char* message) {
  CB_LOG_DEBUG("civetweb: {}", message);
  return 1;
}

}  // namespace

Result<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpOptions& options, const Router& router) {
  static std::once_flag init_once;
  std::call_once(init_once, [] { mg_init_library(0); });

  std::unique_ptr<HttpServer> server(new HttpServer());
  server->impl_ = std::make_unique<Impl>();
  server->impl_->router = &router;
  server->impl_->options = options;

  std::string threads = std::to_string(options.num_threads);
  std::string request_timeout = std::to_string(options.request_timeout_ms);
  std::string keep_alive_timeout = std::to_string(options.keep_alive_timeout_ms);
  const char* opts[] = {"listening_ports", options.listen.c_str(),
                        "num_threads", threads.c_str(),
                        "request_timeout_ms", request_timeout.c_str(),
                        "keep_alive_timeout_ms", keep_alive_timeout.c_str(),
                        "enable_keep_alive", "yes",
                        "tcp_nodelay", "1",
                        "decode_url", "no",
                        nullptr};
  mg_callbacks callbacks;
  std::memset(&callbacks, 0, sizeof(callbacks));
  callbacks.begin_request = BeginRequest;
  callbacks.log_message = LogMessage;
  server->impl_->ctx = mg_start(&callbacks, server->impl_.get(), opts);
  if (server->impl_->ctx == nullptr) {
    return Status::Unavailable(fmt::format(
        "cannot listen on {} (address in use, or not a local address?)", options.listen));
  }
  mg_server_port ports[4];
  int n = mg_get_server_ports(server->impl_->ctx, 4, ports);
  if (n < 1) return Status::IoError("civetweb reports no listening port");
  server->port_ = ports[0].port;
  std::string_view listen = options.listen;
  size_t colon = listen.rfind(':');
  server->host_ = colon == std::string_view::npos ? "127.0.0.1" : std::string(listen.substr(0, colon));
  if (server->host_.empty() || server->host_ == "0.0.0.0") server->host_ = "127.0.0.1";
  return server;
}

HttpServer::~HttpServer() {
  if (impl_ && impl_->ctx) mg_stop(impl_->ctx);
}

std::string HttpServer::url() const { return fmt::format("http://{}:{}", host_, port_); }

}  // namespace crashbox::web
