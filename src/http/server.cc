// The HTTP/1.1 server on Boost.Beast, the only file under src/ that includes Beast.
//
// Threads: N threads run one io_context. Each connection (Session) has its own strand, so
// its handlers never run concurrently; a handler may block its thread. The acceptor, the
// signal set and the drain timer share the server strand.
//
// Shutdown: stop() or a signal → stop accepting, close connections that wait for a request,
// let the others finish their current request (then close), force-close what is left after
// drain_timeout_seconds. run() returns when the io_context runs out of work.
#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <spdlog/spdlog.h>

#include "http/http.h"
#include "http/internal.h"

namespace madoguchi::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

constexpr std::pair<const char*, const char*> kSecurityHeaders[] = {
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "same-origin"},
    {"X-Frame-Options", "DENY"},
    {"Content-Security-Policy",
     "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     "form-action 'self'; frame-ancestors 'none'"},
};

// After an error response whose request body was not read, how much of it we read and drop
// before closing, so that the kernel does not answer the client's data with a RST that
// destroys the response in flight.
constexpr size_t kLingerBytes = 1024 * 1024;
constexpr std::chrono::seconds kLingerTime{2};
constexpr size_t kMaxResponseHeaderValue = 8 * 1024;

std::string make_request_id() {
  thread_local std::mt19937_64 rng{[] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }()};
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t v = rng();
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) id[i] = kHex[v & 0xF];
  return id;
}

bool valid_header_name(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (c <= ' ' || c >= 127 || c == ':') return false;
  }
  return true;
}

// A handler must not be able to split the response with CR/LF in a header value.
std::string clean_header_value(std::string_view v) {
  std::string out(v);
  for (char& c : out) {
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
  return out;
}

bool is_http_parse_error(const error_code& ec) {
  return ec.category() == beast::error_code(bhttp::error::bad_target).category();
}

// Splits the target into path and query; false when it is not origin-form or badly encoded.
bool fill_path_and_query(Request& req) {
  std::string_view t = req.target;
  if (t.empty() || t.front() != '/') return false;
  size_t q = t.find('?');
  auto path = percent_decode(t.substr(0, q), false);
  if (!path.ok() || path->find('\0') != std::string::npos) return false;
  req.path = std::move(path).value();
  if (q != std::string_view::npos) {
    auto query = parse_urlencoded(t.substr(q + 1));
    if (!query.ok()) return false;
    req.query = std::move(query).value();
  }
  return true;
}

bool parse_listen(const std::string& listen, std::string* host, unsigned short* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  *host = listen.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  if (host->empty()) *host = "0.0.0.0";
  if (*host == "localhost") *host = "127.0.0.1";
  std::string p = listen.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  int n = std::stoi(p);
  if (n > 65535) return false;
  *port = static_cast<unsigned short>(n);
  return true;
}

}  // namespace

struct Server::Impl {
  class Session;

  Impl(ServerOptions o, const Router& r, RequestObserver obs)
      : options(std::move(o)),
        router(r),
        observer(std::move(obs)),
        ioc(threads()),
        strand(asio::make_strand(ioc)),
        acceptor(strand),
        signals(strand),
        drain_timer(strand),
        retry_timer(strand) {}

  ~Impl() {
    // Sessions still queued in the io_context are destroyed with it; they must not post.
    std::lock_guard lock(mu);
    destroying = true;
  }

  // Handlers block (on the store, and on the shared WAL fsync of a commit), so more threads
  // than cores keep the CPUs busy and let more commits share one fsync: with 64 residents
  // submitting on 2 cores, 8 threads submitted 1.6x and 16 threads 1.8x what 2 did
  // (bench/run.sh, SERVER_THREADS=2/8/16, 2026-11-23).
  int threads() const {
    if (options.threads > 0) return options.threads;
    return static_cast<int>(std::max(8u, 4 * std::thread::hardware_concurrency()));
  }

  bool is_stopping() {
    std::lock_guard lock(mu);
    return stopping;
  }

  void start_serving();  // on strand
  void accept();         // on strand
  void on_accept(error_code ec, tcp::socket socket);
  void begin_shutdown(bool from_signal);  // on strand
  void force_close_all();
  void arm_signals();  // on strand
  std::vector<std::shared_ptr<Session>> live_sessions();
  void finish();  // on strand: nothing left to drain
  void unregister(Session* s);

  const ServerOptions options;
  const Router& router;
  const RequestObserver observer;

  // Before ioc: Session destructors use these while ioc is being destroyed.
  std::mutex mu;
  bool stopping = false;                                          // guarded by mu
  bool destroying = false;                                        // guarded by mu
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;  // guarded by mu

  asio::io_context ioc;
  asio::strand<asio::io_context::executor_type> strand;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::steady_timer drain_timer;
  asio::steady_timer retry_timer;  // backs off after accept errors such as EMFILE
  bool signal_armed = false;       // on strand
  bool bound = false;
  int port = 0;
};

class Server::Impl::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(Impl& impl, tcp::socket socket) : impl_(impl), stream_(std::move(socket)) {
    error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_addr_ = ep.address().to_string();
    stream_.socket().set_option(tcp::no_delay(true), ec);
  }
  ~Session() { impl_.unregister(this); }

  auto get_executor() { return stream_.get_executor(); }

  void start() {
    asio::dispatch(stream_.get_executor(),
                   beast::bind_front_handler(&Session::wait_for_request, shared_from_this()));
  }
  // Posted to the session's strand by the shutdown.
  void close_if_idle() {
    if (state_ == State::kIdle) stream_.cancel();
  }
  void force_close() {
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

 private:
  enum class State { kIdle, kReading, kBusy, kClosing };

  // Waits for the first byte of the next request under the idle timeout; only then does
  // the (shorter) read timeout start, so keep-alive connections may rest between requests.
  void wait_for_request() {
    if (impl_.is_stopping()) return close();
    if (buffer_.size() > 0) return read_request(true);  // a pipelined request is buffered
    state_ = State::kIdle;
    expire_in(first_request_ ? impl_.options.read_timeout_seconds
                             : impl_.options.idle_timeout_seconds);
    stream_.async_read_some(
        buffer_.prepare(4096),
        beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
  }

  void on_first_bytes(error_code ec, size_t n) {
    if (ec) return close();
    buffer_.commit(n);
    // On a new connection the read timeout already runs since the accept.
    read_request(!first_request_);
  }

  void read_request(bool restart_timer) {
    state_ = State::kReading;
    parser_.emplace();
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<size_t>(impl_.options.max_header_bytes, UINT32_MAX)));
    parser_->body_limit(static_cast<std::uint64_t>(impl_.options.max_body_bytes));
    if (restart_timer) expire_in(impl_.options.read_timeout_seconds);
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::on_header, shared_from_this()));
  }

  // Clients such as curl send "Expect: 100-continue" before a large body and wait a second
  // for the go-ahead unless they get it. An oversized Content-Length has already failed here.
  void on_header(error_code ec, size_t) {
    if (ec) return on_read(ec, 0);
    const auto& h = parser_->get();
    if (!framing_is_plain(h)) return refuse_before_body();
    auto expect = h.find(bhttp::field::expect);
    bool wants_continue = h.version() == 11 && expect != h.end() &&
                          beast::iequals(expect->value(), "100-continue") && !parser_->is_done();
    if (!wants_continue) return read_body();
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](error_code write_ec, size_t) {
                        if (write_ec) return self->close();
                        self->read_body();
                      });
  }

  // RFC 9112 §6.1 and §6.3: a body is framed by Content-Length or by exactly the "chunked"
  // transfer coding, never both. Beast reads "Transfer-Encoding: xchunked" (or "chunked,
  // identity", or "identity") with a Content-Length by the Content-Length, and without one
  // as no body at all; a proxy in front that reads it otherwise would see another request
  // boundary than this server (request smuggling). So anything but one "chunked" is refused,
  // as is Transfer-Encoding in HTTP/1.0, which has no transfer codings.
  static bool framing_is_plain(const bhttp::request_parser<bhttp::string_body>::value_type& h) {
    int codings = 0;
    bool chunked_only = true;
    for (const auto& f : h) {
      if (f.name() != bhttp::field::transfer_encoding) continue;
      ++codings;
      chunked_only = chunked_only && beast::iequals(f.value(), "chunked");
    }
    if (codings == 0) return true;
    return codings == 1 && chunked_only && h.version() == 11 && h.find(bhttp::field::content_length) == h.end();
  }

  // Answers 400 to a request refused after its header, before its body was read; the
  // connection is then closed (its rest cannot be told from a next request).
  void refuse_before_body() {
    state_ = State::kBusy;
    started_ = std::chrono::steady_clock::now();
    req_ = Request{};
    req_.remote_addr = remote_addr_;
    req_.request_id = make_request_id();
    note_request_line();
    respond(Response::text(400, "Bad Request\n"), false, true);
  }

  void read_body() {
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::on_read, shared_from_this()));
  }

  void on_read(error_code ec, size_t) {
    state_ = State::kBusy;
    started_ = std::chrono::steady_clock::now();
    req_ = Request{};
    req_.remote_addr = remote_addr_;
    req_.request_id = make_request_id();
    if (ec) {
      if (ec == bhttp::error::body_limit) {
        note_request_line();
        // The whole body was not read, but the headers were: answer with the localised page.
        return respond(impl_.router.error_response(req_, 413), false, true);
      }
      if (ec == bhttp::error::header_limit) {
        return respond(Response::text(431, "Request Header Fields Too Large\n"), false, true);
      }
      if (is_http_parse_error(ec) && ec != bhttp::error::partial_message) {
        return respond(Response::text(400, "Bad Request\n"), false, true);
      }
      return close();  // EOF, timeout, reset: nobody to answer
    }

    auto msg = parser_->release();
    req_.method = std::string(msg.method_string());
    req_.target = std::string(msg.target());
    for (const auto& f : msg) {
      req_.headers.emplace_back(internal::ascii_lower(f.name_string()), std::string(f.value()));
    }
    req_.body = std::move(msg.body());
    version_ = msg.version();
    bool keep_alive = msg.keep_alive();
    if (version_ != 10 && version_ != 11) {
      version_ = 11;
      return respond(Response::text(400, "Bad Request\n"), false, false);
    }
    if (!fill_path_and_query(req_)) {
      return respond(Response::text(400, "Bad Request\n"), false, false);
    }

    Response res;
    try {
      res = impl_.router.dispatch(req_);
    } catch (const std::exception& e) {  // the router catches handler errors; this is a bug
      spdlog::error("request {}: dispatch failed: {}", req_.request_id, e.what());
      res = Response::text(500, "Internal Server Error\n");
    }
    respond(std::move(res), keep_alive, false);
  }

  // For logs of a refused request: what the parser saw of the request line.
  void note_request_line() {
    if (!parser_ || !parser_->is_header_done()) return;
    const auto& h = parser_->get();
    req_.method = std::string(h.method_string());
    req_.target = std::string(h.target());
    // Headers too, so an error page can be in the visitor's language (cookie, Accept-Language).
    for (const auto& field : h) {
      std::string name(field.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      req_.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    req_.path = req_.target.substr(0, req_.target.find('?'));
  }

  void respond(Response res, bool keep_alive, bool linger) {
    if (res.status < 100 || res.status > 599) {
      spdlog::error("request {}: handler returned status {}", req_.request_id, res.status);
      res = Response::text(500, "Internal Server Error\n");
    }
    keep_alive = keep_alive && !impl_.is_stopping();
    res_ = {};
    res_.version(version_);
    res_.result(static_cast<unsigned>(res.status));
    if (!res.content_type.empty()) {
      res_.set(bhttp::field::content_type, clean_header_value(res.content_type));
    }
    for (const auto& [name, value] : res.headers) {
      if (!valid_header_name(name) || value.size() > kMaxResponseHeaderValue) {
        spdlog::warn("request {}: dropped an invalid response header", req_.request_id);
        continue;
      }
      res_.insert(name, clean_header_value(value));
    }
    for (const auto& [name, value] : kSecurityHeaders) {
      if (res_.find(name) == res_.end()) res_.set(name, value);
    }
    res_.set("X-Request-Id", req_.request_id);
    res_.keep_alive(keep_alive);
    status_ = res.status;
    bool no_body = res.status < 200 || res.status == 204 || res.status == 304;
    if (no_body) {
      // Beast refuses a body here, and so does HTTP.
    } else if (req_.method == "HEAD") {
      res_.content_length(res.body.size());
    } else {
      res_.body() = std::move(res.body);
      res_.prepare_payload();
    }
    // Writing gets at least a minute: a slow phone may be fetching a large file.
    int write_timeout = impl_.options.read_timeout_seconds;
    expire_in(write_timeout <= 0 ? 0 : std::max(write_timeout, 60));
    bhttp::async_write(
        stream_, res_,
        beast::bind_front_handler(&Session::on_write, shared_from_this(), keep_alive, linger));
  }

  void on_write(bool keep_alive, bool linger, error_code ec, size_t bytes) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    if (impl_.observer) {
      try {
        impl_.observer(req_, status_, seconds, bytes);
      } catch (const std::exception& e) {
        spdlog::error("request {}: observer failed: {}", req_.request_id, e.what());
      }
    }
    req_ = Request{};  // drop the body now rather than at the next request
    res_ = {};
    if (ec) return close();
    if (linger) return linger_close();
    if (!keep_alive) return close();
    first_request_ = false;
    wait_for_request();
  }

  // Zero or less: no timeout.
  void expire_in(int seconds) {
    if (seconds <= 0) {
      stream_.expires_never();
    } else {
      stream_.expires_after(std::chrono::seconds(seconds));
    }
  }

  void linger_close() {
    state_ = State::kClosing;
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    stream_.expires_after(kLingerTime);
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(drain_buf_),
                            [self = shared_from_this()](error_code ec, size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ >= kLingerBytes) return self->close();
                              self->drain();
                            });
  }

  void close() {
    state_ = State::kClosing;
    error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  Impl& impl_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> res_;
  Request req_;
  std::string remote_addr_;
  State state_ = State::kIdle;
  unsigned version_ = 11;
  int status_ = 0;
  bool first_request_ = true;
  std::chrono::steady_clock::time_point started_;
  std::array<char, 8192> drain_buf_;
  size_t drained_ = 0;
};

void Server::Impl::start_serving() {
  if (is_stopping()) return;
  error_code ec;
  signals.add(SIGTERM, ec);
  if (!ec) signals.add(SIGINT, ec);
  if (ec) spdlog::warn("cannot handle signals: {}", ec.message());
  arm_signals();
  accept();
}

void Server::Impl::arm_signals() {
  // One wait at a time: a signal completes every pending wait, and two waits would turn one
  // SIGTERM into "shut down" plus "force close".
  if (signal_armed) return;
  signal_armed = true;
  signals.async_wait([this](error_code ec, int signo) {
    signal_armed = false;
    if (ec) return;
    spdlog::info("received signal {}, shutting down", signo);
    begin_shutdown(true);
  });
}

void Server::Impl::accept() {
  acceptor.async_accept(asio::make_strand(ioc), beast::bind_front_handler(&Impl::on_accept, this));
}

void Server::Impl::on_accept(error_code ec, tcp::socket socket) {
  if (!acceptor.is_open() || ec == asio::error::operation_aborted) return;
  if (ec) {
    // EMFILE and friends: retry later instead of spinning on the same error.
    spdlog::warn("accept failed: {}", ec.message());
    retry_timer.expires_after(std::chrono::milliseconds(100));
    retry_timer.async_wait([this](error_code timer_ec) {
      if (!timer_ec && acceptor.is_open()) accept();
    });
    return;
  }
  std::shared_ptr<Session> session;
  {
    std::lock_guard lock(mu);
    if (!stopping) {
      session = std::make_shared<Session>(*this, std::move(socket));
      sessions.emplace(session.get(), session);
    }
  }
  if (session) session->start();
  accept();
}

std::vector<std::shared_ptr<Server::Impl::Session>> Server::Impl::live_sessions() {
  std::vector<std::shared_ptr<Session>> live;
  std::lock_guard lock(mu);
  for (auto& [_, weak] : sessions) {
    if (auto s = weak.lock()) live.push_back(std::move(s));
  }
  return live;
}

void Server::Impl::begin_shutdown(bool from_signal) {
  bool already_stopping;
  {
    std::lock_guard lock(mu);
    already_stopping = stopping;
    stopping = true;
  }
  if (already_stopping) {
    // A second SIGTERM/SIGINT means "now"; a repeated stop() changes nothing.
    if (from_signal) force_close_all();
    return;
  }
  error_code ec;
  acceptor.close(ec);
  retry_timer.cancel();
  auto live = live_sessions();
  for (auto& s : live) asio::post(s->get_executor(), [s] { s->close_if_idle(); });
  if (live.empty()) return finish();
  live.clear();  // the posted handlers keep them alive; unregister() must be able to finish
  drain_timer.expires_after(std::chrono::seconds(options.drain_timeout_seconds));
  drain_timer.async_wait([this](error_code timer_ec) {
    if (timer_ec) return;
    spdlog::warn("drain timeout: closing remaining connections");
    force_close_all();
  });
  arm_signals();  // a second signal forces the close
}

void Server::Impl::force_close_all() {
  // Shared pointers are dropped outside mu: the last one runs ~Session, which takes mu.
  for (auto& s : live_sessions()) asio::post(s->get_executor(), [s] { s->force_close(); });
}

void Server::Impl::finish() {
  drain_timer.cancel();
  retry_timer.cancel();
  error_code ec;
  signals.cancel(ec);
  signals.clear(ec);
}

void Server::Impl::unregister(Session* s) {
  std::lock_guard lock(mu);
  sessions.erase(s);
  if (stopping && sessions.empty() && !destroying) asio::post(strand, [this] { finish(); });
}

Server::Server(ServerOptions options, const Router& router, RequestObserver observer)
    : impl_(std::make_unique<Impl>(std::move(options), router, std::move(observer))) {}

Server::~Server() = default;

Result<int> Server::bind() {
  if (impl_->bound) return impl_->port;
  std::string host;
  unsigned short port = 0;
  if (!parse_listen(impl_->options.listen, &host, &port)) {
    return Status::Invalid("bad listen address: " + impl_->options.listen);
  }
  error_code ec;
  auto address = asio::ip::make_address(host, ec);
  if (ec) return Status::Invalid("bad listen host: " + host);
  tcp::endpoint endpoint(address, port);
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    acc.close(ignored);
    return Status::Io("cannot listen on " + impl_->options.listen + ": " + ec.message());
  }
  impl_->bound = true;
  impl_->port = acc.local_endpoint().port();
  return impl_->port;
}

void Server::run() {
  if (!impl_->bound) {
    auto bound = bind();
    if (!bound.ok()) {
      spdlog::error("{}", bound.status().message());
      return;
    }
  }
  asio::post(impl_->strand, [impl = impl_.get()] { impl->start_serving(); });
  std::vector<std::thread> extra;
  for (int i = 1; i < impl_->threads(); ++i) {
    extra.emplace_back([impl = impl_.get()] { impl->ioc.run(); });
  }
  impl_->ioc.run();
  for (auto& t : extra) t.join();
}

void Server::stop() {
  asio::post(impl_->strand, [impl = impl_.get()] { impl->begin_shutdown(false); });
}

}  // namespace madoguchi::http
