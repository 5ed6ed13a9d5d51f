// Route guards: a route is declared with what it requires of the asker (as Drogon's filters
// are), so its handler starts with the visitor identified, the body read and the CSRF token
// checked, and no handler repeats those checks at its top.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cases/cases.h"
#include "http/http.h"
#include "web/app.h"

namespace madoguchi::web {

// What a route requires, checked in the order listed before its handler runs.
enum Guard : unsigned {
  kOpen = 0,
  // A signed-in resident (not staff). Otherwise a GET is redirected to the login page, which
  // returns to this path; any other method gets 403.
  kResident = 1u << 0,
  // Signed-in staff. Otherwise as kResident.
  kStaff = 1u << 1,
  // A state change. The body is read (application/x-www-form-urlencoded; with kUploads also
  // multipart/form-data): an unreadable body or a name or value that is not valid UTF-8 gets
  // 400, and a posted "csrf" that does not equal the session's token gets 403.
  kCsrf = 1u << 2,
  // With kCsrf: multipart/form-data is read too, and its non-empty files kept in Call::files.
  kUploads = 1u << 3,
  // Failures are answered with a short text body instead of a page (for script callers).
  kPlainErrors = 1u << 4,
  // Nothing about the asker is needed: no session is read (health checks, metrics, lookups
  // that must stay cheap and never touch the store for a cookie). Excludes the other guards.
  kStateless = 1u << 5,
  // A state change sent by a server, not a browser (a payment provider's signed notification):
  // no session is read and no CSRF token expected, since the sender has neither; the handler
  // must authenticate the request itself — a signature over the exact body — before acting,
  // and answers 403 when it cannot. Excludes the other guards.
  kSignedBody = 1u << 6,
};

// One request to a guarded route: the asker and what they posted.
struct Call {
  App& app;
  http::Request& req;
  Visitor v;
  http::Fields posted;            // kCsrf routes: the posted fields, "csrf" included
  std::vector<http::Part> files;  // kUploads routes: the posted files

  // The value of the route's "{name:id}" segment (the router matched digits only).
  int64_t id(const std::string& name) const { return req.ids.at(name); }
  // The signed-in member of staff as the case rules name them (id, name, department, role).
  // Only on kStaff routes, whose guard has made sure v.account is staff.
  cases::Actor staff() const {
    return {v.account->id, v.account->display_name, v.account->department, v.account->role};
  }
  // The first posted value named `name`, or "".
  std::string field(const std::string& name) const { return web::field(posted, name); }
  // A localised error page with this status and message.
  http::Response error(int status, const std::string& message_key) {
    return error_page(app, v, req, status, message_key);
  }
  // `name` rendered inside the layout (see page()).
  http::Response render(int status, const std::string& name, Json view, const std::string& title_key = "",
                        const std::string& title_text = "") {
    return page(app, v, req, status, name, std::move(view), title_key, title_text);
  }
};

using PageHandler = std::function<http::Response(Call&)>;

// Registers `handler` for `method` `pattern` behind `guards` and records the declaration in
// app.routes. Throws std::logic_error for a method other than GET without kCsrf (or
// kSignedBody), so that a state change cannot be declared unguarded, and for kStateless or
// kSignedBody with any other guard.
void add_route(http::Router& r, App& app, const std::string& method, const std::string& pattern, unsigned guards,
               PageHandler handler);

// A strict non-negative decimal integer ("12"; not "12abc", " 12", "+12" or "-1"), or nullopt.
std::optional<int64_t> parse_count(const std::string& text);

}  // namespace madoguchi::web
