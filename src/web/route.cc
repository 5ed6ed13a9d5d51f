#include "web/route.h"

#include <charconv>
#include <stdexcept>

#include "ja/text.h"

namespace madoguchi::web {
namespace {

// Reads the posted body into the call. Invalid UTF-8 in any name or value is a client error.
Status read_body(Call& c, bool uploads) {
  const std::string type = c.req.header("content-type");
  if (uploads && type.rfind("multipart/form-data", 0) == 0) {
    auto parts = http::parse_multipart(type, c.req.body);
    if (!parts.ok()) return parts.status();
    for (auto& part : *parts) {
      if (!part.filename.empty() || part.content_type == "application/octet-stream") {
        // An empty file input posts a part without bytes: nothing was chosen.
        if (!part.data.empty()) c.files.push_back(std::move(part));
      } else {
        c.posted.emplace_back(part.name, std::move(part.data));
      }
    }
  } else {
    auto f = http::parse_urlencoded(c.req.body);
    if (!f.ok()) return f.status();
    c.posted = std::move(*f);
  }
  for (const auto& [k, val] : c.posted) {
    if (!ja::is_clean_utf8(k) || !ja::is_clean_utf8(val)) return Status::Invalid("invalid UTF-8");
  }
  for (const auto& f : c.files) {
    if (!ja::is_clean_utf8(f.name) || !ja::is_clean_utf8(f.filename)) return Status::Invalid("invalid UTF-8");
  }
  return Status::Ok();
}

http::Response refuse(Call& c, unsigned guards, int status, const std::string& message_key) {
  if (guards & kPlainErrors) {
    http::Response res = http::Response::text(status, status == 403 ? "forbidden\n" : "bad request\n");
    res.headers.emplace_back("Cache-Control", "no-store");
    return res;
  }
  return c.error(status, message_key);
}

// The guards' verdict: nullopt when the handler may run.
std::optional<http::Response> check(Call& c, unsigned guards) {
  const bool resident = c.v.account && !c.v.account->is_staff();
  const bool staff = c.v.account && c.v.account->is_staff();
  if (((guards & kResident) && !resident) || ((guards & kStaff) && !staff)) {
    if (c.req.method == "GET" || c.req.method == "HEAD") {
      return http::Response::redirect("/login?next=" + http::percent_encode(c.req.path));
    }
    return refuse(c, guards, 403, "error.csrf");
  }
  if (guards & kCsrf) {
    if (!read_body(c, guards & kUploads).ok()) return refuse(c, guards, 400, "error.bad_request");
    if (!csrf_ok(c.v, c.posted)) return refuse(c, guards, 403, "error.csrf");
  }
  return std::nullopt;
}

}  // namespace

void add_route(http::Router& r, App& app, const std::string& method, const std::string& pattern, unsigned guards,
               PageHandler handler) {
  if (method != "GET" && !(guards & (kCsrf | kSignedBody))) {
    throw std::logic_error("a " + method + " route must be declared with kCsrf: " + pattern);
  }
  if ((guards & kStateless) && guards != kStateless) {
    throw std::logic_error("a stateless route has no other guard: " + pattern);
  }
  if ((guards & kSignedBody) && guards != kSignedBody) {
    throw std::logic_error("a signed-body route has no other guard: " + pattern);
  }
  app.routes.push_back({method, pattern, guards});
  r.add(method, pattern, [&app, guards, handler = std::move(handler)](http::Request& req) {
    Call c{app, req, {}, {}, {}};
    if (guards & (kStateless | kSignedBody)) return handler(c);
    c.v = identify(app, req);
    if (auto refused = check(c, guards)) return std::move(*refused);
    return handler(c);
  });
}

std::optional<int64_t> parse_count(const std::string& text) {
  int64_t n = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, n);
  if (text.empty() || ec != std::errc() || ptr != end || text[0] == '-') return std::nullopt;
  return n;
}

}  // namespace madoguchi::web
