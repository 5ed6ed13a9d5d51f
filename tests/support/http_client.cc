// Beast is used synchronously in spirit, but through async operations on a private
// io_context: tcp_stream timeouts only apply to async operations, and a test must fail
// rather than hang when the server does not answer.
#include "support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <optional>
#include <random>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace madoguchi::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string Reply::header(std::string_view name) const {
  std::string n = lower(name);
  for (const auto& [k, v] : headers) {
    if (k == n) return v;
  }
  return "";
}

std::vector<std::string> Reply::headers_named(std::string_view name) const {
  std::string n = lower(name);
  std::vector<std::string> out;
  for (const auto& [k, v] : headers) {
    if (k == n) out.push_back(v);
  }
  return out;
}

std::string urlencode(const Fields& fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += http::percent_encode(k) + "=" + http::percent_encode(v);
  }
  return out;
}

struct HttpClient::Impl {
  explicit Impl(int p) : port(p) {}

  // Runs one async operation to completion on the private io_context.
  template <typename Start>
  error_code run(Start&& start) {
    error_code result = asio::error::would_block;
    start([&result](error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  error_code connect() {
    stream.close();
    buffer.clear();
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    stream.expires_after(timeout);
    error_code ec = run([&](auto handler) { stream.async_connect(ep, handler); });
    connected = !ec;
    requests_on_connection = 0;
    if (connected) ++opened;
    return ec;
  }

  void disconnect() {
    error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream.close();
    connected = false;
  }

  // One request/response on the current connection.
  error_code exchange(bhttp::request<bhttp::string_body>& req,
                      bhttp::response_parser<bhttp::string_body>& parser) {
    stream.expires_after(timeout);
    error_code ec = run([&](auto handler) { bhttp::async_write(stream, req, handler); });
    if (ec) return ec;
    stream.expires_after(timeout);
    return run([&](auto handler) { bhttp::async_read(stream, buffer, parser, handler); });
  }

  int port;
  asio::io_context ioc;
  beast::tcp_stream stream{ioc};
  beast::flat_buffer buffer;
  bool connected = false;
  int requests_on_connection = 0;
  int opened = 0;
  std::chrono::milliseconds timeout{30000};
};

HttpClient::HttpClient(int port) : impl_(std::make_unique<Impl>(port)) {}
HttpClient::~HttpClient() = default;

Reply HttpClient::get(const std::string& path, const Fields& extra_headers) {
  return request("GET", path, "", "", extra_headers);
}

Reply HttpClient::post_form(const std::string& path, const Fields& fields,
                            const Fields& extra_headers) {
  return request("POST", path, urlencode(fields), "application/x-www-form-urlencoded",
                 extra_headers);
}

Reply HttpClient::post_multipart(const std::string& path, const Fields& fields,
                                 const std::vector<FileField>& files, const Fields& extra_headers) {
  std::mt19937_64 rng{std::random_device{}()};
  const std::string boundary = "----madoguchi-test-" + std::to_string(rng());
  std::string body;
  for (const auto& [name, value] : fields) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
            value + "\r\n";
  }
  for (const auto& f : files) {
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.name +
            "\"; filename=\"" + f.filename + "\"\r\n";
    if (!f.content_type.empty()) body += "Content-Type: " + f.content_type + "\r\n";
    body += "\r\n" + f.data + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  return request("POST", path, body, "multipart/form-data; boundary=" + boundary, extra_headers);
}

Reply HttpClient::request(const std::string& method, const std::string& path,
                          const std::string& body, const std::string& content_type,
                          const Fields& extra_headers) {
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(path);
  req.version(11);
  req.set(bhttp::field::host, "127.0.0.1:" + std::to_string(impl_->port));
  req.set(bhttp::field::user_agent, "madoguchi-tests");
  std::string cookie_header;
  for (const auto& [k, v] : cookies_) {
    cookie_header += (cookie_header.empty() ? "" : "; ") + k + "=" + v;
  }
  if (!cookie_header.empty()) req.set(bhttp::field::cookie, cookie_header);
  if (!content_type.empty()) req.set(bhttp::field::content_type, content_type);
  for (const auto& [k, v] : extra_headers) req.set(k, v);
  req.body() = body;
  req.prepare_payload();

  Reply reply;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser;
  error_code ec;
  // A reused keep-alive connection may have been closed by the server in the meantime:
  // then, and only then, the request is sent again on a new connection.
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = impl_->connected && impl_->requests_on_connection > 0;
    if (!impl_->connected) {
      ec = impl_->connect();
      if (ec) break;
    }
    parser.emplace();
    parser->body_limit(boost::none);
    parser->header_limit(1024 * 1024);
    if (method == "HEAD") parser->skip(true);
    ec = impl_->exchange(req, *parser);
    impl_->requests_on_connection++;
    if (!ec) break;
    impl_->disconnect();
    bool stale = ec == bhttp::error::end_of_stream || ec == asio::error::connection_reset ||
                 ec == asio::error::broken_pipe || ec == asio::error::eof;
    if (!(reused && stale)) break;
  }
  if (ec) {
    reply.body = "transport error: " + ec.message();
    return reply;
  }

  auto res = parser->release();
  reply.status = static_cast<int>(res.result_int());
  for (const auto& f : res) reply.headers.emplace_back(lower(f.name_string()), f.value());
  reply.body = std::move(res.body());
  if (!res.keep_alive()) impl_->disconnect();

  for (const auto& sc : reply.headers_named("set-cookie")) {
    std::string_view s = sc;
    size_t semi = s.find(';');
    std::string_view pair = s.substr(0, semi);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string name(trim(pair.substr(0, eq)));
    std::string value(trim(pair.substr(eq + 1)));
    std::string attrs = lower(semi == std::string_view::npos ? "" : s.substr(semi));
    bool expired = attrs.find("max-age=0") != std::string::npos ||
                   attrs.find("max-age=-") != std::string::npos ||
                   attrs.find("expires=thu, 01 jan 1970") != std::string::npos;
    if (expired) {
      cookies_.erase(name);
    } else {
      cookies_[name] = value;
    }
  }
  return reply;
}

std::string HttpClient::cookie(const std::string& name) const {
  auto it = cookies_.find(name);
  return it == cookies_.end() ? "" : it->second;
}

void HttpClient::set_cookie(const std::string& name, const std::string& value) {
  cookies_[name] = value;
}

void HttpClient::clear_cookies() { cookies_.clear(); }
int HttpClient::connections_opened() const { return impl_->opened; }
void HttpClient::set_timeout(std::chrono::milliseconds timeout) { impl_->timeout = timeout; }
void HttpClient::close() { impl_->disconnect(); }

RawConnection::RawConnection(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::send(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string RawConnection::read_until(std::string_view needle, std::chrono::milliseconds timeout) {
  std::string out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (fd_ >= 0 && (needle.empty() || out.find(needle) == std::string::npos)) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

std::string RawConnection::read_until_close(std::chrono::milliseconds timeout, bool* closed) {
  std::string out;
  if (closed) *closed = false;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  while (fd_ >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      if (closed) *closed = true;  // EOF or reset: either way the server hung up
      break;
    }
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace madoguchi::test
