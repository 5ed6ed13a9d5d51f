// Request accessors and Response helpers: no I/O here.
#include <cctype>

#include "http/http.h"
#include "http/internal.h"

namespace madoguchi::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

std::string Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return "";
}

std::string Request::cookie(std::string_view name) const {
  // Proxies may split cookies over several Cookie headers, so look at all of them.
  for (const auto& [k, v] : headers) {
    if (!iequals(k, "cookie")) continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      size_t semi = rest.find(';');
      std::string_view pair = internal::trim_ows(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      size_t eq = pair.find('=');
      if (eq == std::string_view::npos || internal::trim_ows(pair.substr(0, eq)) != name) continue;
      std::string_view value = internal::trim_ows(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return std::string(value);
    }
  }
  return "";
}

std::string Request::query_param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return v;
  }
  return "";
}

Response Response::html(int status, std::string body) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Response Response::text(int status, std::string body) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

Response Response::redirect(std::string location, int status) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Location", std::move(location));
  return r;
}

void Response::set_cookie(std::string_view name, std::string_view value, long max_age_seconds,
                          bool secure) {
  std::string c;
  c.reserve(name.size() + value.size() + 80);
  c.append(name).append("=").append(value).append("; Path=/; HttpOnly; SameSite=Lax");
  if (max_age_seconds >= 0) {
    c.append("; Max-Age=").append(std::to_string(max_age_seconds));
    // Old browsers ignore Max-Age; an Expires in the past makes deletion reliable there too.
    if (max_age_seconds == 0) c.append("; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  }
  if (secure) c.append("; Secure");
  headers.emplace_back("Set-Cookie", std::move(c));
}

}  // namespace madoguchi::http
