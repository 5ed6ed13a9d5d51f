// POST /session/extend: "Continue" on the session timeout warning (static/madoguchi.js).
// Sessions slide on activity, but a resident typing a long page makes no requests; the page
// warns a few minutes before expiry and this route moves the expiry to now + the lifetime, so
// no typed answer is lost to a timeout. Needs the session's CSRF token like every other
// state-changing request; 204 on success, 403 when the session is gone or the token is wrong.
// Without JavaScript nothing calls it and nothing changes.
#include "usecases/sessions.h"
#include "web/app.h"
#include "web/route.h"

namespace madoguchi::web {

void register_session_routes(http::Router& r, App& app) {
  add_route(r, app, "POST", "/session/extend", kCsrf | kPlainErrors, [](Call& c) {
    auto ext = usecases::extend_session(env(c.app), c.v.session->token_hash);
    if (!ext.ok()) {
      http::Response res = http::Response::text(ext.status().code() == Status::Code::kNotFound ? 403 : 500, "\n");
      res.headers.emplace_back("Cache-Control", "no-store");
      return res;
    }
    http::Response res = http::Response::text(204, "");
    res.headers.emplace_back("Cache-Control", "no-store");
    // The new remaining lifetime, so the page's timer restarts from the server's figure.
    res.headers.emplace_back("X-Session-Remaining", std::to_string(ext->expires_at - ext->last_seen));
    return res;
  });
}

}  // namespace madoguchi::web
