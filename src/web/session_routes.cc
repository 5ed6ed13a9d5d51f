// POST /session/extend: "Continue" on the session timeout warning (static/madoguchi.js).
// Sessions slide on activity, but a resident typing a long page makes no requests; the page
// warns a few minutes before expiry and this route moves the expiry to now + the lifetime, so
// no typed answer is lost to a timeout. Needs the session's CSRF token like every other
// state-changing request; 204 on success, 403 when the session is gone or the token is wrong.
// Without JavaScript nothing calls it and nothing changes.
#include <chrono>

#include "core/date.h"
#include "web/app.h"

namespace madoguchi::web {

void register_session_routes(http::Router& r, App& app) {
  r.add("POST", "/session/extend", [&app](http::Request& req) {
    Visitor v = identify(app, req);
    auto posted = http::parse_urlencoded(req.body);
    if (!posted.ok() || !csrf_ok(v, *posted)) {
      http::Response res = http::Response::text(403, "forbidden\n");
      res.headers.emplace_back("Cache-Control", "no-store");
      return res;
    }
    const std::chrono::seconds lifetime(app.config.session_lifetime_seconds());
    int64_t remaining = 0;
    Status s = store::with_write(*app.store, [&](store::Transaction& tx) {
      auto ext = auth::extend_session(tx, v.session->token_hash, unix_now(), lifetime);
      if (!ext.ok()) return ext.status();
      remaining = ext->expires_at - ext->last_seen;
      return Status::Ok();
    });
    if (!s.ok()) {
      http::Response res = http::Response::text(s.code() == Status::Code::kNotFound ? 403 : 500, "\n");
      res.headers.emplace_back("Cache-Control", "no-store");
      return res;
    }
    http::Response res = http::Response::text(204, "");
    res.headers.emplace_back("Cache-Control", "no-store");
    // The new remaining lifetime, so the page's timer restarts from the server's figure.
    res.headers.emplace_back("X-Session-Remaining", std::to_string(remaining));
    return res;
  });
}

}  // namespace madoguchi::web
