// HTTP requests and responses as plain structs, and a router. This header is the only http
// header the web layer includes; Boost.Beast stays inside src/http/*.cc.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace madoguchi::http {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;       // "GET", "POST", …
  std::string target;       // as received: "/p/x?y=1"
  std::string path;         // percent-decoded path without the query
  Fields query;             // decoded query parameters, in order
  Fields headers;           // names lower-cased, in order
  std::string body;         // at most ServerOptions::max_body_bytes
  std::string remote_addr;  // "127.0.0.1"
  std::string request_id;   // 16 hex chars, also sent back as X-Request-Id
  std::map<std::string, std::string> params;  // "{name}" segments matched by the Router
  std::map<std::string, int64_t> ids;         // "{name:id}" segments, already parsed
  std::string route;        // the pattern that matched, e.g. "/drafts/{draft}" (parameter kinds
                            // such as ":id" left out, so labels stay stable); for logs/metrics

  // First header with this (case-insensitive) name, or "".
  std::string header(std::string_view name) const;
  // Value of a cookie from the Cookie header, or "".
  std::string cookie(std::string_view name) const;
  // First query parameter with this name, or "".
  std::string query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  Fields headers;  // extra headers (Set-Cookie may repeat)
  std::string body;

  static Response html(int status, std::string body);
  static Response text(int status, std::string body);
  // 303 See Other by default: the answer to a POST that succeeded.
  static Response redirect(std::string location, int status = 303);
  // Adds a Set-Cookie header: HttpOnly, SameSite=Lax, Path=/; max_age_seconds < 0 = session
  // cookie, 0 = delete.
  void set_cookie(std::string_view name, std::string_view value, long max_age_seconds = -1,
                  bool secure = false);
  // Makes this response a download of a file named `filename` (as uploaded): always
  // "Content-Disposition: attachment" (attachment_disposition()) and
  // "X-Content-Type-Options: nosniff", so a browser saves it instead of showing it.
  void as_attachment(std::string_view filename);
};

using Handler = std::function<Response(Request&)>;

// --- What a visitor sent, made safe to send back ---

// `target` when it may be used as a same-origin redirect target or link (a Location header, a
// language link, a login's ?next=): a path starting with exactly one "/" that, as given and
// percent-decoded once, holds no control character (browsers drop tab and newline from URLs, so
// "/\t/evil.example" is "//evil.example"), no backslash (read as "/") and does not start with
// "//" (another host). Characters that may not stand in a URL as they are (space, quotes,
// non-ASCII) come back percent-encoded. nullopt otherwise: callers fall back to a fixed path.
std::optional<std::string> same_origin_path(std::string_view target);

// The Content-Disposition value for a download of `filename` (an uploaded file's name, any
// length, any characters): always "attachment", an ASCII `filename="..."` for old clients and
// the real name as RFC 6266/8187 `filename*=UTF-8''...`. The name loses control and bidi
// control characters and path separators, and is shortened to at most kMaxDownloadNameBytes
// of UTF-8 with its extension kept, so the value stays short (under 1 KiB): a longer header is
// dropped by the server, and a browser without it shows the file inline.
std::string attachment_disposition(std::string_view filename);
constexpr size_t kMaxDownloadNameBytes = 180;

// A set of client addresses: single addresses and CIDR blocks, IPv4 and IPv6.
class AddressList {
 public:
  // "127.0.0.1, ::1, 10.0.0.0/8, fd00::/8": entries separated by commas and/or spaces. Invalid,
  // naming the entry, for one that is neither an address nor a block.
  static Result<AddressList> parse(std::string_view text);
  // True when `address` (as Request::remote_addr spells it: "127.0.0.1", "::1") is in the
  // list. An IPv4-mapped IPv6 address ("::ffff:127.0.0.1", as a dual-stack socket reports an
  // IPv4 client) counts as its IPv4 address. False for anything that is not an address.
  bool contains(std::string_view address) const;
  bool empty() const { return blocks_.empty(); }

 private:
  struct Block {
    bool v6 = false;
    unsigned char bytes[16] = {};
    int prefix = 0;  // leading bits that must match
  };
  std::vector<Block> blocks_;
};

// Routes "METHOD pattern" to a handler. Patterns are literal segments, "{name}" segments
// ("/procedures/{id}/pages/{page}") and "{name:id}" segments ("/drafts/{draft:id}"). A "{name}"
// segment matches one non-empty segment; a "{name:id}" segment matches only 1 to 18 ASCII
// digits, so "12abc" or "-1" find no route (404) instead of reaching a handler half-parsed, and
// its value is in Request::ids as well as Request::params. A literal segment beats a parameter. Registration happens before the server starts;
// lookups are then read-only and thread-safe.
class Router {
 public:
  void add(std::string method, std::string pattern, Handler handler);
  // Serves files under `dir` for GET/HEAD paths starting with `prefix` ("/static/"), with a
  // content type from the extension and Cache-Control. Never serves outside dir ("..", NUL).
  void add_static(std::string prefix, std::string dir);
  // The response for a request: the handler's, 404 when no pattern matches the path, 405 when
  // the path matches but not the method. Fills req.params and req.route. An exception thrown
  // by a handler becomes a 500 (logged with the request id) and never reaches the server.
  Response dispatch(Request& req) const;
  // A header every response from dispatch() and error_response() carries unless its handler
  // set one of that name (e.g. Strict-Transport-Security on an HTTPS deployment).
  void add_response_header(std::string name, std::string value);
  // Used for 404/405/500 bodies so they can be localised by the web layer.
  void set_error_page(std::function<Response(const Request&, int status)> make);
  // The error page for `status` (the web layer's, else a plain one); never throws. Used by the
  // server for errors found before routing, such as 413.
  Response error_response(const Request& req, int status) const;

 private:
  struct Route;
  std::vector<std::shared_ptr<Route>> routes_;
  std::vector<std::pair<std::string, std::string>> static_dirs_;
  std::function<Response(const Request&, int status)> error_page_;
  Fields response_headers_;

  Response dispatch_unheaded(Request& req) const;
  Response with_response_headers(Response r) const;
};

// application/x-www-form-urlencoded → ordered fields. Fails on bad percent-encoding.
Result<Fields> parse_urlencoded(std::string_view body);

struct Part {
  std::string name;
  std::string filename;      // empty for ordinary fields
  std::string content_type;  // as sent; never trusted for files
  std::string data;
};

// multipart/form-data body with the Content-Type header value it came with. Fails (Invalid)
// on a missing/odd boundary, a part without Content-Disposition name, or a truncated body.
Result<std::vector<Part>> parse_multipart(std::string_view content_type, std::string_view body);

// Percent-decodes; nullopt-like failure as Invalid.
Result<std::string> percent_decode(std::string_view s, bool plus_is_space);
std::string percent_encode(std::string_view s);

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";  // "host:port"; port 0 picks a free one
  int threads = 0;                        // 0 = four per core, at least 8
  size_t max_body_bytes = 32 * 1024 * 1024;
  size_t max_header_bytes = 16 * 1024;
  int read_timeout_seconds = 30;  // a client that has not sent a whole request by then is cut
  int idle_timeout_seconds = 60;  // keep-alive connections idle this long are closed
  int drain_timeout_seconds = 20;  // on SIGTERM, how long in-flight requests may take
};

// Per-request observer, called after each response is written: for the request log and
// metrics. Must be thread-safe.
using RequestObserver =
    std::function<void(const Request&, int status, double seconds, size_t response_bytes)>;

// An asynchronous HTTP/1.1 server (keep-alive, size limits, timeouts). Handlers run
// synchronously on the server's threads.
class Server {
 public:
  Server(ServerOptions options, const Router& router, RequestObserver observer);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; returns the bound port (useful with port 0).
  Result<int> bind();
  // Serves until SIGTERM/SIGINT or stop(): then stops accepting, lets in-flight requests
  // finish (up to drain_timeout_seconds), closes idle connections and returns.
  void run();
  // Thread-safe; makes run() return as on SIGTERM.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace madoguchi::http
