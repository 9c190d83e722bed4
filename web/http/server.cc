// SPDX-License-Identifier: MPL-2.0
#include "web/http/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <http_parser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "app/base/log.h"
#include "app/base/memory_budget.h"
#include "app/base/metrics.h"
#include "app/base/strings.h"

namespace crashbox::web {
namespace {

using Clock = std::chrono::steady_clock;

constexpr uint64_t kListenerId = 0;
constexpr uint64_t kWakeId = 1;
constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kStreamChunk = 64 * 1024;
constexpr size_t kMaxHeaders = 100;
// Bytes read per connection per wake-up before the others get their turn.
constexpr size_t kReadQuantum = 1 << 20;
constexpr auto kSweepInterval = std::chrono::milliseconds(250);
// After an answer that closes the connection, unread input is drained for
// this long so the client sees the answer instead of a reset.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr uint64_t kLingerBytes = 1 << 20;
// How long stopping waits for running handlers and their answers.
constexpr auto kStopGrace = std::chrono::seconds(5);

const char* ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 302:
      return "Found";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

bool IsLoopbackAddress(std::string_view addr) {
  return addr.starts_with("127.") || addr == "::1" ||
         addr.starts_with("::ffff:127.");
}

std::string AddressText(const sockaddr_storage& ss) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(ss).sin_addr, buf,
              sizeof(buf));
  } else if (ss.ss_family == AF_INET6) {
    const auto& a6 = reinterpret_cast<const sockaddr_in6&>(ss).sin6_addr;
    inet_ntop(AF_INET6, &a6, buf, sizeof(buf));
    std::string_view v(buf);
    if (v.starts_with("::ffff:") && v.find('.') != std::string_view::npos)
      return std::string(v.substr(7));
  }
  return buf;
}

// A header value or name that could split a response line.
bool HasLineBreakOrNul(std::string_view s) {
  return s.find_first_of(std::string_view("\r\n\0", 3)) != s.npos;
}

// Content-Length per RFC 9110 §8.6: digits only (no sign, no list).
std::optional<uint64_t> ParseContentLength(std::string_view v) {
  v = base::Trim(v);
  if (v.empty() || v.size() > 19) return std::nullopt;
  uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

// The client named by a trusted proxy: the last X-Forwarded-For entry (the
// one the proxy itself added), else X-Real-IP.
std::optional<std::string> ForwardedClient(const Request& req) {
  if (auto xff = req.Header("X-Forwarded-For")) {
    std::string_view v = *xff;
    size_t comma = v.rfind(',');
    std::string_view last =
        base::Trim(comma == v.npos ? v : v.substr(comma + 1));
    if (!last.empty()) return std::string(last);
  }
  if (auto real = req.Header("X-Real-IP")) {
    std::string_view v = base::Trim(*real);
    if (!v.empty()) return std::string(v);
  }
  return std::nullopt;
}

bool HasForwardingHeaders(const Request& req) {
  return req.Header("Forwarded") || req.Header("X-Forwarded-For") ||
         req.Header("X-Real-IP") || req.Header("X-Forwarded-Host") ||
         req.Header("X-Forwarded-Proto");
}

enum class Phase {
  kWaiting,    // no byte of the next request yet (new or kept-alive connection)
  kHeaders,    // request line and headers
  kBody,       // body
  kHandling,   // a worker has the request
  kWriting,    // the answer is going out
  kLingering,  // answered, write side shut; draining input before close
};

// What a worker hands back to the I/O thread.
struct Answer {
  uint64_t conn_id = 0;
  std::string head_and_body;  // serialized status line, headers, body
  std::function<Result<size_t>(char*, size_t)> stream;
  bool chunked = false;
  bool close = false;
};

struct Job {
  uint64_t conn_id = 0;
  std::unique_ptr<Request> req;
  bool head = false;
  bool close = false;  // the connection cannot carry another request
};

// A queue of jobs served by a fixed set of threads.
class WorkerPool {
 public:
  using Fn = std::function<void(Job&)>;
  WorkerPool(int threads, Fn fn) : fn_(std::move(fn)) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Run(); });
  }
  ~WorkerPool() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  void Push(Job job) {
    {
      std::lock_guard lock(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }

 private:
  void Run() {
    while (true) {
      Job job;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      fn_(job);
    }
  }
  Fn fn_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(const HttpOptions& options, const Router& router, HttpServerDeps deps)
      : options_(options), router_(router), deps_(deps) {
    std::memset(&settings_, 0, sizeof(settings_));
    settings_.on_message_begin = &Impl::OnMessageBegin;
    settings_.on_url = &Impl::OnUrl;
    settings_.on_header_field = &Impl::OnHeaderField;
    settings_.on_header_value = &Impl::OnHeaderValue;
    settings_.on_headers_complete = &Impl::OnHeadersComplete;
    settings_.on_body = &Impl::OnBody;
    settings_.on_message_complete = &Impl::OnMessageComplete;
  }
  ~Impl() { Stop(); }

  Status Listen(int* port);
  void StartThreads();
  void Stop();

 private:
  struct Conn {
    uint64_t id = 0;
    int fd = -1;
    std::string peer;
    bool capped = false;  // counted in per_address_
    uint32_t events = 0;  // registered epoll events
    bool in_epoll = true;
    http_parser parser;
    Impl* server = nullptr;
    Phase phase = Phase::kWaiting;
    Clock::time_point phase_start;
    Clock::time_point last_progress;
    uint64_t phase_bytes = 0;
    // The request being read.
    std::unique_ptr<Request> req;
    std::string url;
    std::string field, value;
    bool in_value = false;
    size_t header_bytes = 0;
    int content_lengths = 0;
    bool bad_content_length = false;
    bool has_transfer_encoding = false;
    RouteOptions route;
    int fail_status = 0;  // set by a callback that aborts parsing
    std::string fail_reason;
    bool dispatch = false;  // the request is ready for a worker
    // Input read past the current request (pipelining), parsed after the
    // answer.
    std::string pending;
    // The answer going out.
    std::string out;
    size_t out_pos = 0;
    std::function<Result<size_t>(char*, size_t)> stream;
    bool chunked = false;
    bool close_after = false;
    uint64_t lingered = 0;
  };

  static Conn* ConnOf(http_parser* p) { return static_cast<Conn*>(p->data); }
  static int OnMessageBegin(http_parser* p);
  static int OnUrl(http_parser* p, const char* at, size_t n);
  static int OnHeaderField(http_parser* p, const char* at, size_t n);
  static int OnHeaderValue(http_parser* p, const char* at, size_t n);
  static int OnHeadersComplete(http_parser* p);
  static int OnBody(http_parser* p, const char* at, size_t n);
  static int OnMessageComplete(http_parser* p);
  static void EndHeader(Conn& c);
  int HeadersComplete(Conn& c);
  int Fail(Conn& c, int status, std::string reason);

  void Loop();
  void AcceptAll();
  void Refuse(int fd, std::string_view reason, std::string_view text);
  void OnEvent(uint64_t id, uint32_t events);
  void ReadFrom(Conn& c);
  void Feed(Conn& c, const char* data, size_t n);
  void Dispatch(Conn& c);
  void Work(Job& job);
  void TakeAnswers();
  void StartAnswer(Conn& c, Answer a);
  void WriteTo(Conn& c);
  void AnswerDone(Conn& c);
  void SendError(Conn& c, int status, std::string_view text,
                 std::string_view reason);
  void BeginLinger(Conn& c);
  void Sweep();
  void Close(uint64_t id, std::string_view reason = {});
  void SetEvents(Conn& c, uint32_t events);
  void Count(std::string_view reason);
  bool Trusted(std::string_view addr) const {
    const auto& proxies = options_.trusted_proxies;
    return std::find(proxies.begin(), proxies.end(), addr) != proxies.end();
  }

  HttpOptions options_;
  const Router& router_;
  HttpServerDeps deps_;
  http_parser_settings settings_;
  int listen_fd_ = -1;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::thread io_thread_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<WorkerPool> priority_workers_;
  std::atomic<bool> stopping_{false};
  bool stopped_ = false;

  // I/O thread only.
  std::unordered_map<uint64_t, std::unique_ptr<Conn>> conns_;
  std::unordered_map<std::string, int> per_address_;
  uint64_t next_id_ = 2;
  bool listener_paused_ =
      false;  // out of descriptors: not accepting until the next sweep
  Clock::time_point last_sweep_;
  std::vector<char> read_buf_ = std::vector<char>(kReadChunk);

  // Worker → I/O thread.
  std::mutex answers_mu_;
  std::vector<Answer> answers_;
};

// ---- parser callbacks (I/O thread) ----

int HttpServer::Impl::OnMessageBegin(http_parser* p) {
  Conn& c = *ConnOf(p);
  c.req = std::make_unique<Request>();
  c.req->body.SetBudget(c.server->deps_.budget);
  c.url.clear();
  c.field.clear();
  c.value.clear();
  c.in_value = false;
  c.header_bytes = 0;
  c.content_lengths = 0;
  c.bad_content_length = false;
  c.has_transfer_encoding = false;
  c.route = {};
  c.fail_status = 0;
  c.fail_reason.clear();
  c.dispatch = false;
  return 0;
}

int HttpServer::Impl::Fail(Conn& c, int status, std::string reason) {
  c.fail_status = status;
  c.fail_reason = std::move(reason);
  return -1;  // an error for every callback (1 from on_headers_complete would
              // mean "no body")
}

int HttpServer::Impl::OnUrl(http_parser* p, const char* at, size_t n) {
  Conn& c = *ConnOf(p);
  c.header_bytes += n;
  if (c.header_bytes > c.server->options_.max_header_bytes)
    return c.server->Fail(c, 414, "header_too_large");
  c.url.append(at, n);
  return 0;
}

void HttpServer::Impl::EndHeader(Conn& c) {
  if (!c.in_value) return;
  c.req->headers.emplace_back(std::move(c.field), std::move(c.value));
  c.field.clear();
  c.value.clear();
  c.in_value = false;
}

int HttpServer::Impl::OnHeaderField(http_parser* p, const char* at, size_t n) {
  Conn& c = *ConnOf(p);
  c.header_bytes += n;
  if (c.header_bytes > c.server->options_.max_header_bytes)
    return c.server->Fail(c, 431, "header_too_large");
  if (c.in_value) {
    EndHeader(c);
    if (c.req->headers.size() >= kMaxHeaders)
      return c.server->Fail(c, 431, "header_too_large");
  }
  c.field.append(at, n);
  return 0;
}

int HttpServer::Impl::OnHeaderValue(http_parser* p, const char* at, size_t n) {
  Conn& c = *ConnOf(p);
  c.header_bytes += n;
  if (c.header_bytes > c.server->options_.max_header_bytes)
    return c.server->Fail(c, 431, "header_too_large");
  c.value.append(at, n);
  c.in_value = true;
  return 0;
}

int HttpServer::Impl::OnHeadersComplete(http_parser* p) {
  return ConnOf(p)->server->HeadersComplete(*ConnOf(p));
}

int HttpServer::Impl::HeadersComplete(Conn& c) {
  EndHeader(c);
  Request& req = *c.req;
  const http_parser& p = c.parser;
  if (p.http_major != 1) return Fail(c, 505, "bad_framing");
  req.method = http_method_str(static_cast<http_method>(p.method));

  // Framing (RFC 9112 §6.3): one plain Content-Length, or chunked alone.
  std::optional<uint64_t> length;
  for (const auto& [k, v] : req.headers) {
    if (base::EqualsIgnoreCase(k, "Content-Length")) {
      ++c.content_lengths;
      length = ParseContentLength(v);
      if (!length) c.bad_content_length = true;
    } else if (base::EqualsIgnoreCase(k, "Transfer-Encoding")) {
      if (c.has_transfer_encoding ||
          !base::EqualsIgnoreCase(base::Trim(v), "chunked")) {
        return Fail(c, 501, "bad_framing");
      }
      c.has_transfer_encoding = true;
    }
  }
  if (c.content_lengths > 1 || c.bad_content_length)
    return Fail(c, 400, "bad_framing");
  if (c.has_transfer_encoding && c.content_lengths > 0)
    return Fail(c, 400, "bad_framing");
  req.chunked = c.has_transfer_encoding;
  req.content_length = length;

  // Target: origin form, or absolute form (a proxy's), whose path we take.
  std::string_view target = c.url;
  if (!target.starts_with('/')) {
    http_parser_url u;
    http_parser_url_init(&u);
    if (target == "*" && req.method == "OPTIONS") {
      target = "/";
    } else if (http_parser_parse_url(c.url.data(), c.url.size(), 0, &u) == 0 &&
               (u.field_set & (1 << UF_PATH))) {
      target = std::string_view(c.url).substr(u.field_data[UF_PATH].off);
    } else {
      return Fail(c, 400, "bad_request");
    }
  }
  size_t q = target.find('?');
  std::string raw_path(target.substr(0, q));
  size_t hash = raw_path.find('#');
  if (hash != std::string::npos) raw_path.resize(hash);
  req.path = PercentDecode(raw_path, false).value_or(raw_path);
  req.query_string =
      q == std::string_view::npos ? "" : std::string(target.substr(q + 1));

  // Who is asking.
  req.remote_addr = c.peer;
  req.peer_addr = c.peer;
  bool forwarded = HasForwardingHeaders(req);
  if (Trusted(c.peer)) {
    if (auto client = ForwardedClient(req)) req.remote_addr = *client;
    req.https =
        base::ToLower(req.Header("X-Forwarded-Proto").value_or("")) == "https";
    req.is_loopback = IsLoopbackAddress(req.remote_addr);
  } else {
    req.is_loopback = IsLoopbackAddress(c.peer) && !forwarded;
  }

  c.route = router_.OptionsFor(req.method, req.path);
  bool has_body = req.chunked || req.content_length.value_or(0) > 0;
  if (!has_body) return 0;
  if (req.content_length && *req.content_length > c.route.max_body_bytes) {
    // Not read: the handler answers (413 or its own code) and the connection
    // closes.
    req.body_error = Status::LimitExceeded(
        "request body is larger than this endpoint accepts");
    Count("body_too_large");
    c.dispatch = true;
    http_parser_pause(&c.parser, 1);
    return 0;
  }
  c.phase = Phase::kBody;
  c.phase_start = c.last_progress = Clock::now();
  c.phase_bytes = 0;
  if (auto expect = req.Header("Expect");
      expect && base::EqualsIgnoreCase(base::Trim(*expect), "100-continue")) {
    static constexpr std::string_view kContinue =
        "HTTP/1.1 100 Continue\r\n\r\n";
    // A fresh connection's send buffer always has room for these bytes.
    if (send(c.fd, kContinue.data(), kContinue.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(kContinue.size())) {
      return Fail(c, 400, "bad_request");
    }
  }
  return 0;
}

int HttpServer::Impl::OnBody(http_parser* p, const char* at, size_t n) {
  Conn& c = *ConnOf(p);
  Request& req = *c.req;
  c.phase_bytes += n;
  c.last_progress = Clock::now();
  uint64_t limit = c.route.max_body_bytes + 1;
  size_t take =
      static_cast<size_t>(std::min<uint64_t>(n, limit - req.body.size()));
  if (!req.body.Append(std::string_view(at, take),
                       req.content_length.value_or(0))) {
    return c.server->Fail(c, 503, "memory_budget");
  }
  if (req.body.size() == limit) {
    req.body_error = Status::LimitExceeded(
        "request body is larger than this endpoint accepts");
    c.server->Count("body_too_large");
    c.dispatch = true;
    http_parser_pause(p, 1);
  }
  return 0;
}

int HttpServer::Impl::OnMessageComplete(http_parser* p) {
  Conn& c = *ConnOf(p);
  c.dispatch = true;
  http_parser_pause(p, 1);
  return 0;
}

// ---- set-up ----

Status HttpServer::Impl::Listen(int* port) {
  std::string_view address = options_.listen;
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos)
    return Status::InvalidArgument("listen address must be host:port");
  std::string host(address.substr(0, colon));
  std::string service(address.substr(colon + 1));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(),
                           service.c_str(), &hints, &res);
      rc != 0) {
    return Status::InvalidArgument(fmt::format(
        "cannot resolve {}: {}", options_.listen, gai_strerror(rc)));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> guard(res, freeaddrinfo);
  int fd =
      socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return Status::IoError(fmt::format("socket: {}", std::strerror(errno)));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
      ::listen(fd, SOMAXCONN) != 0) {
    int err = errno;
    close(fd);
    return Status::Unavailable(fmt::format(
        "cannot listen on {}: {}", options_.listen, std::strerror(err)));
  }
  sockaddr_storage bound{};
  socklen_t len = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
  *port = ntohs(bound.ss_family == AF_INET6
                    ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                    : reinterpret_cast<sockaddr_in&>(bound).sin_port);
  listen_fd_ = fd;

  // Each connection is a descriptor: allow as many as the hard limit does.
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }

  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0)
    return Status::IoError(fmt::format("epoll: {}", std::strerror(errno)));
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenerId;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.u64 = kWakeId;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  return Status::Ok();
}

void HttpServer::Impl::StartThreads() {
  int threads = options_.num_threads;
  if (threads <= 0)
    threads =
        4 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  workers_ = std::make_unique<WorkerPool>(threads, [this](Job& j) { Work(j); });
  priority_workers_ =
      std::make_unique<WorkerPool>(2, [this](Job& j) { Work(j); });
  io_thread_ = std::thread([this] { Loop(); });
}

void HttpServer::Impl::Stop() {
  if (stopped_) return;
  stopped_ = true;
  stopping_ = true;
  uint64_t one = 1;
  if (wake_fd_ >= 0) (void)!write(wake_fd_, &one, sizeof(one));
  if (io_thread_.joinable()) io_thread_.join();
  // Workers finish the handlers they run; their answers have nowhere to go.
  workers_.reset();
  priority_workers_.reset();
  answers_.clear();
  for (auto& [id, c] : conns_) close(c->fd);
  conns_.clear();
  for (int* fd : {&listen_fd_, &epoll_fd_, &wake_fd_}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

// ---- the I/O loop ----

void HttpServer::Impl::Loop() {
  std::vector<epoll_event> events(256);
  last_sweep_ = Clock::now();
  Clock::time_point stop_deadline{};
  while (true) {
    int n =
        epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                   static_cast<int>(kSweepInterval.count()));
    for (int i = 0; i < n; ++i) {
      uint64_t id = events[i].data.u64;
      if (id == kListenerId) {
        AcceptAll();
      } else if (id == kWakeId) {
        uint64_t v;
        while (read(wake_fd_, &v, sizeof(v)) > 0) {
        }
        TakeAnswers();
      } else {
        OnEvent(id, events[i].events);
      }
    }
    Clock::time_point now = Clock::now();
    if (now - last_sweep_ >= kSweepInterval) {
      last_sweep_ = now;
      Sweep();
    }
    if (stopping_) {
      if (listen_fd_ >= 0) {
        if (!listener_paused_)
          epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
        close(listen_fd_);
        listen_fd_ = -1;
        stop_deadline = now + kStopGrace;
      }
      bool busy = false;
      std::vector<uint64_t> idle;
      for (auto& [id, c] : conns_) {
        if (c->phase == Phase::kHandling || c->phase == Phase::kWriting) {
          busy = true;
        } else {
          idle.push_back(id);
        }
      }
      for (uint64_t id : idle) Close(id);
      if (!busy || now >= stop_deadline) return;
    }
  }
}

void HttpServer::Impl::Refuse(int fd, std::string_view reason,
                              std::string_view text) {
  Count(reason);
  std::string answer = fmt::format(
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; "
      "charset=utf-8\r\nContent-Length: {}\r\n"
      "Retry-After: {}\r\nConnection: close\r\n\r\n{}",
      text.size(), options_.retry_after_seconds, text);
  (void)!send(fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  close(fd);
}

void HttpServer::Impl::AcceptAll() {
  while (true) {
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&ss), &len,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE) {
        // The listener stays readable while the backlog waits; stop watching
        // it for a moment instead of spinning (the sweep watches it again).
        Count("descriptors");
        CB_LOG_WARNING("http: out of file descriptors with {} connections open",
                       conns_.size());
        epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
        listener_paused_ = true;
      }
      return;
    }
    std::string peer = AddressText(ss);
    if (static_cast<int>(conns_.size()) >= options_.max_connections) {
      Refuse(fd, "max_connections", "server busy: too many connections\n");
      continue;
    }
    bool capped = !Trusted(peer);
    if (capped && per_address_[peer] >= options_.max_connections_per_address) {
      Refuse(fd, "per_address", "too many connections from your address\n");
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto c = std::make_unique<Conn>();
    c->id = next_id_++;
    c->fd = fd;
    c->peer = std::move(peer);
    c->capped = capped;
    if (capped) ++per_address_[c->peer];
    c->server = this;
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c.get();
    c->phase = Phase::kWaiting;
    // A new connection gets the header deadline, not the keep-alive time.
    c->phase_start = c->last_progress =
        Clock::now() - options_.keep_alive_timeout + options_.header_timeout;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = c->id;
    c->events = EPOLLIN;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
      if (capped) --per_address_[c->peer];
      close(fd);
      continue;
    }
    conns_.emplace(c->id, std::move(c));
  }
}

void HttpServer::Impl::SetEvents(Conn& c, uint32_t events) {
  if (!c.in_epoll || c.events == events) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = c.id;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
  c.events = events;
}

void HttpServer::Impl::OnEvent(uint64_t id, uint32_t events) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Conn& c = *it->second;
  if (c.phase == Phase::kHandling) {
    // Nothing to read or write until the worker answers; a dead peer is
    // noticed when the answer is written.
    epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
    c.in_epoll = false;
    c.events = 0;
    return;
  }
  if (events & EPOLLERR) {
    Close(id);
    return;
  }
  if (c.phase == Phase::kWriting) {
    if (events & (EPOLLOUT | EPOLLHUP))
      WriteTo(c);  // a dead peer fails the send
    return;
  }
  if (events & (EPOLLIN | EPOLLHUP)) ReadFrom(c);
}

void HttpServer::Impl::ReadFrom(Conn& c) {
  uint64_t id = c.id;
  size_t total = 0;
  while (total < kReadQuantum) {
    ssize_t n = recv(c.fd, read_buf_.data(), read_buf_.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) Close(id);
      return;
    }
    if (n == 0) {
      // The client is done sending. Before a request or in the middle of one,
      // nothing more can come; while lingering, that is what we waited for.
      Close(id);
      return;
    }
    total += static_cast<size_t>(n);
    if (c.phase == Phase::kLingering) {
      c.lingered += static_cast<uint64_t>(n);
      if (c.lingered > kLingerBytes) {
        Close(id);
        return;
      }
      continue;
    }
    Feed(c, read_buf_.data(), static_cast<size_t>(n));
    if (conns_.find(id) == conns_.end()) return;  // closed while parsing
    if (c.phase != Phase::kWaiting && c.phase != Phase::kHeaders &&
        c.phase != Phase::kBody)
      return;
  }
}

void HttpServer::Impl::Feed(Conn& c, const char* data, size_t n) {
  if (c.phase == Phase::kWaiting) {
    c.phase = Phase::kHeaders;
    c.phase_start = c.last_progress = Clock::now();
    c.phase_bytes = 0;
  }
  size_t parsed = http_parser_execute(&c.parser, &settings_, data, n);
  http_errno err = HTTP_PARSER_ERRNO(&c.parser);
  if (err == HPE_PAUSED) {
    c.pending.append(data + parsed, n - parsed);
    if (c.dispatch) Dispatch(c);
    return;
  }
  if (err != HPE_OK) {
    int status = c.fail_status != 0 ? c.fail_status : 400;
    std::string reason = c.fail_reason.empty() ? "bad_request" : c.fail_reason;
    if (err == HPE_UNEXPECTED_CONTENT_LENGTH ||
        err == HPE_INVALID_CONTENT_LENGTH ||
        err == HPE_INVALID_TRANSFER_ENCODING) {
      reason = "bad_framing";
    }
    if (err == HPE_HEADER_OVERFLOW) {
      status = 431;
      reason = "header_too_large";
    }
    std::string text =
        status == 503
            ? "server busy: too many request bytes in flight; retry later\n"
            : fmt::format("{}: {}\n", ReasonPhrase(status),
                          c.fail_status != 0 ? c.fail_reason
                                             : http_errno_description(err));
    SendError(c, status, text, reason);
  }
}

void HttpServer::Impl::Dispatch(Conn& c) {
  c.dispatch = false;
  c.phase = Phase::kHandling;
  SetEvents(c, 0);
  Job job;
  job.conn_id = c.id;
  job.head = c.req->method == "HEAD";
  job.close = !c.req->body_error.ok() || !http_should_keep_alive(&c.parser) ||
              c.parser.http_minor == 0;
  job.req = std::move(c.req);
  if (c.route.priority) {
    priority_workers_->Push(std::move(job));
  } else {
    workers_->Push(std::move(job));
  }
}

// ---- workers ----

void HttpServer::Impl::Work(Job& job) {
  Request& req = *job.req;
  Response resp;
  try {
    router_.Dispatch(req, resp);
  } catch (const std::exception& e) {
    CB_LOG_ERROR("http: {} {}: unhandled exception: {}", req.method, req.path,
                 e.what());
    resp = Response();
    resp.Text(500, "Internal Server Error\n");
  }
  Answer a;
  a.conn_id = job.conn_id;
  a.close = job.close || resp.close || stopping_;
  bool streaming = static_cast<bool>(resp.stream);
  std::string& out = a.head_and_body;
  out = fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\n", resp.status,
                    ReasonPhrase(resp.status),
                    HasLineBreakOrNul(resp.content_type)
                        ? "application/octet-stream"
                        : resp.content_type);
  if (!streaming) {
    out += fmt::format("Content-Length: {}\r\n", resp.body.size());
  } else if (resp.stream_size) {
    out += fmt::format("Content-Length: {}\r\n", *resp.stream_size);
  } else {
    out += "Transfer-Encoding: chunked\r\n";
    a.chunked = true;
  }
  for (const auto& [k, v] : resp.headers) {
    if (HasLineBreakOrNul(k) || HasLineBreakOrNul(v)) {
      CB_LOG_ERROR("http: {} {}: dropped a response header with a line break",
                   req.method, req.path);
      continue;
    }
    out += fmt::format("{}: {}\r\n", k, v);
  }
  if (a.close) out += "Connection: close\r\n";
  out += "\r\n";
  if (!job.head) {
    if (streaming) {
      a.stream = std::move(resp.stream);
    } else {
      out += resp.body;
    }
  }
  // The request and its body are freed here, off the I/O thread.
  job.req.reset();
  {
    std::lock_guard lock(answers_mu_);
    answers_.push_back(std::move(a));
  }
  uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
}

// ---- answers (I/O thread) ----

void HttpServer::Impl::TakeAnswers() {
  std::vector<Answer> ready;
  {
    std::lock_guard lock(answers_mu_);
    ready.swap(answers_);
  }
  for (Answer& a : ready) {
    auto it = conns_.find(a.conn_id);
    if (it == conns_.end()) continue;
    StartAnswer(*it->second, std::move(a));
  }
}

void HttpServer::Impl::StartAnswer(Conn& c, Answer a) {
  if (!c.in_epoll) {
    epoll_event ev{};
    ev.events = 0;
    ev.data.u64 = c.id;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &ev) != 0) {
      Close(c.id);
      return;
    }
    c.in_epoll = true;
    c.events = 0;
  }
  c.phase = Phase::kWriting;
  c.phase_start = c.last_progress = Clock::now();
  c.phase_bytes = 0;
  c.out = std::move(a.head_and_body);
  c.out_pos = 0;
  c.stream = std::move(a.stream);
  c.chunked = a.chunked;
  c.close_after = a.close;
  WriteTo(c);
}

void HttpServer::Impl::WriteTo(Conn& c) {
  uint64_t id = c.id;
  while (true) {
    if (c.out_pos == c.out.size()) {
      c.out.clear();
      c.out_pos = 0;
      if (!c.stream) {
        AnswerDone(c);
        return;
      }
      // Next piece of a streamed body.
      std::string& buf = c.out;
      size_t frame = c.chunked ? 16 : 0;
      buf.resize(frame + kStreamChunk + 2);
      Result<size_t> got = c.stream(buf.data() + frame, kStreamChunk);
      if (!got.ok()) {
        CB_LOG_WARNING("http: streamed answer failed: {}",
                       got.status().ToString());
        Close(id, "stream_error");
        return;
      }
      size_t n = got.value();
      if (n == 0) c.stream = nullptr;
      if (c.chunked) {
        std::string size_line = fmt::format("{:x}\r\n", n);
        size_t start = frame - size_line.size();
        std::memcpy(buf.data() + start, size_line.data(), size_line.size());
        std::memcpy(buf.data() + frame + n, "\r\n", 2);
        buf.resize(frame + n + 2);
        c.out_pos = start;
      } else {
        buf.resize(n);
        if (n == 0) continue;
      }
    }
    ssize_t w = send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos,
                     MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        SetEvents(c, EPOLLOUT);
        return;
      }
      Close(id);
      return;
    }
    c.out_pos += static_cast<size_t>(w);
    c.phase_bytes += static_cast<uint64_t>(w);
    c.last_progress = Clock::now();
  }
}

void HttpServer::Impl::AnswerDone(Conn& c) {
  if (c.close_after || stopping_) {
    BeginLinger(c);
    return;
  }
  c.phase = Phase::kWaiting;
  c.phase_start = c.last_progress = Clock::now();
  SetEvents(c, EPOLLIN);
  http_parser_pause(&c.parser, 0);
  if (!c.pending.empty()) {
    std::string pending;
    pending.swap(c.pending);
    uint64_t id = c.id;
    Feed(c, pending.data(), pending.size());
    if (conns_.find(id) == conns_.end()) return;
  }
}

void HttpServer::Impl::SendError(Conn& c, int status, std::string_view text,
                                 std::string_view reason) {
  Count(reason);
  Answer a;
  a.conn_id = c.id;
  a.close = true;
  a.head_and_body = fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: text/plain; "
      "charset=utf-8\r\nContent-Length: {}\r\n",
      status, ReasonPhrase(status), text.size());
  if (status == 503)
    a.head_and_body +=
        fmt::format("Retry-After: {}\r\n", options_.retry_after_seconds);
  a.head_and_body += fmt::format("Connection: close\r\n\r\n{}", text);
  c.req.reset();
  c.pending.clear();
  StartAnswer(c, std::move(a));
}

void HttpServer::Impl::BeginLinger(Conn& c) {
  shutdown(c.fd, SHUT_WR);
  c.phase = Phase::kLingering;
  c.phase_start = c.last_progress = Clock::now();
  c.lingered = 0;
  c.pending.clear();
  SetEvents(c, EPOLLIN);
}

void HttpServer::Impl::Sweep() {
  Clock::time_point now = Clock::now();
  if (listener_paused_ && listen_fd_ >= 0) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kListenerId;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev) == 0)
      listener_paused_ = false;
  }
  auto silence = std::chrono::milliseconds(options_.request_timeout_ms);
  auto below_rate = [&](const Conn& c) {
    if (options_.min_rate_bytes_per_second == 0) return false;
    auto elapsed = now - c.phase_start;
    if (elapsed < options_.min_rate_grace) return false;
    double seconds = std::chrono::duration<double>(elapsed).count();
    return static_cast<double>(c.phase_bytes) <
           seconds * static_cast<double>(options_.min_rate_bytes_per_second);
  };
  std::vector<std::pair<uint64_t, const char*>> expired;
  for (auto& [id, cp] : conns_) {
    Conn& c = *cp;
    switch (c.phase) {
      case Phase::kWaiting:
        if (now - c.phase_start > options_.keep_alive_timeout)
          expired.emplace_back(id, "idle_timeout");
        break;
      case Phase::kHeaders:
        if (now - c.phase_start > options_.header_timeout)
          expired.emplace_back(id, "header_timeout");
        break;
      case Phase::kBody:
        if (now - c.last_progress > silence ||
            now - c.phase_start > options_.body_deadline || below_rate(c)) {
          expired.emplace_back(id, "body_timeout");
        }
        break;
      case Phase::kWriting:
        if (now - c.last_progress > silence || below_rate(c))
          expired.emplace_back(id, "send_timeout");
        break;
      case Phase::kLingering:
        if (now - c.phase_start > kLingerTime)
          expired.emplace_back(id, nullptr);
        break;
      case Phase::kHandling:
        break;
    }
  }
  for (auto [id, reason] : expired) {
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;
    Conn& c = *it->second;
    if (reason != nullptr &&
        (c.phase == Phase::kHeaders || c.phase == Phase::kBody)) {
      // Tell the client why, then close.
      SendError(c, 408, "Request Timeout: the request did not arrive in time\n",
                reason);
      continue;
    }
    Close(id, reason ? std::string_view(reason) : std::string_view());
  }
}

void HttpServer::Impl::Close(uint64_t id, std::string_view reason) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Conn& c = *it->second;
  if (!reason.empty()) Count(reason);
  if (c.in_epoll) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
  close(c.fd);
  if (c.capped) {
    auto pa = per_address_.find(c.peer);
    if (pa != per_address_.end() && --pa->second <= 0) per_address_.erase(pa);
  }
  // A worker still handling this connection's request finds no connection
  // for its answer and drops it.
  conns_.erase(it);
}

void HttpServer::Impl::Count(std::string_view reason) {
  if (deps_.metrics == nullptr) return;
  deps_.metrics
      ->GetCounter("http.refused", fmt::format("reason=\"{}\"", reason),
                   "Requests and connections the HTTP server refused or "
                   "dropped, by reason")
      ->Add();
}

// ---- HttpServer ----

Result<std::unique_ptr<HttpServer>> HttpServer::Start(
    const HttpOptions& options, const Router& router, HttpServerDeps deps) {
  std::unique_ptr<HttpServer> server(new HttpServer());
  server->impl_ = std::make_unique<Impl>(options, router, deps);
  if (Status s = server->impl_->Listen(&server->port_); !s.ok()) return s;
  server->impl_->StartThreads();
  std::string_view listen = options.listen;
  std::string host(listen.substr(0, listen.rfind(':')));
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "[::]") host = "[::1]";
  server->host_ = host;
  return server;
}

HttpServer::~HttpServer() {
  if (impl_) impl_->Stop();
}

std::string HttpServer::url() const {
  return fmt::format("http://{}:{}", host_, port_);
}

}  // namespace crashbox::web
