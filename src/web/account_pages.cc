// Signing in and out. Signing in rotates the session token (no fixation) and carries a
// guest's drafts over to the account.
#include "auth/accounts.h"
#include "auth/crypto.h"
#include "core/date.h"
#include "ratelimit/ratelimit.h"
#include "web/app.h"

namespace madoguchi::web {
namespace {

// Only local paths, so the login form cannot be used to send people elsewhere.
std::string safe_next(const std::string& next, bool staff) {
  if (next.size() > 1 && next[0] == '/' && next[1] != '/' && next.find('\\') == std::string::npos) return next;
  return staff ? "/staff" : "/applications";
}

http::Response login_form(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  if (Status s = ensure_session(app, &v); !s.ok()) return error_page(app, v, req, 500, "error.internal");
  Json view;
  view["next"] = req.query_param("next");
  return page(app, v, req, 200, "login", view, "login.title");
}

http::Response login(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  auto posted = http::parse_urlencoded(req.body);
  if (!posted.ok()) return error_page(app, v, req, 400, "error.bad_request");
  if (!csrf_ok(v, *posted)) return error_page(app, v, req, 403, "error.csrf");
  std::string login_name = field(*posted, "login");
  std::string password = field(*posted, "password");
  std::string next = field(*posted, "next");
  std::optional<auth::Account> account;
  std::string token;
  const int64_t now = unix_now();
  // Failures count per login name (ratelimit.h); the name is case-folded so "Hanako" and
  // "hanako" share one counter.
  std::string limit_key = "login:";
  for (char c : login_name) limit_key += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  int64_t wait = 0;
  // argon2id takes tens of milliseconds: check the password in a read transaction so it never
  // holds the store's single write lock.
  Status s = store::with_read(*app.store, [&](store::Transaction& tx) {
    auto blocked = ratelimit::blocked_for(tx, limit_key, ratelimit::kLogin, now);
    if (!blocked.ok()) return blocked.status();
    wait = *blocked;
    if (wait > 0) return Status::Ok();
    auto a = auth::authenticate(tx, login_name, password);
    if (a.ok()) account = *a;
    return Status::Ok();
  });
  if (s.ok() && wait == 0) s = store::with_write(*app.store, [&](store::Transaction& tx) {
    if (!account) return ratelimit::record_failure(tx, limit_key, ratelimit::kLogin, now);
    if (Status c = ratelimit::clear(tx, limit_key); !c.ok()) return c;
    auto ns = auth::create_session(tx, account->id, now, std::chrono::seconds(app.config.session_lifetime_seconds()), &token);
    if (!ns.ok()) return ns.status();
    if (Status st = auth::move_drafts(tx, v.session->token_hash, ns->token_hash, account->id); !st.ok()) return st;
    return auth::delete_session(tx, v.session->token_hash);
  });
  if (!s.ok()) return error_page(app, v, req, 500, "error.internal");
  if (!account || wait > 0) {
    Json view;
    view["login"] = login_name;
    view["next"] = next;
    view["error"] = wait > 0 ? app.locales.t(v.locale, "login.too_many", {{"minutes", std::to_string((wait + 59) / 60)}})
                             : app.locales.t(v.locale, "login.failed");
    return page(app, v, req, wait > 0 ? 429 : 200, "login", view, "login.title");
  }
  http::Response res = http::Response::redirect(safe_next(next, account->is_staff()));
  res.set_cookie("sid", token, -1, app.config.secure_cookies);
  return res;
}

http::Response logout(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  auto posted = http::parse_urlencoded(req.body);
  if (!posted.ok()) return error_page(app, v, req, 400, "error.bad_request");
  if (!csrf_ok(v, *posted)) return error_page(app, v, req, 403, "error.csrf");
  store::with_write(*app.store, [&](store::Transaction& tx) { return auth::delete_session(tx, v.session->token_hash); });
  http::Response res = http::Response::redirect("/");
  res.set_cookie("sid", "", 0, app.config.secure_cookies);
  return res;
}

}  // namespace

void register_account_routes(http::Router& r, App& app) {
  r.add("GET", "/login", [&app](http::Request& req) { return login_form(app, req); });
  r.add("POST", "/login", [&app](http::Request& req) { return login(app, req); });
  r.add("POST", "/logout", [&app](http::Request& req) { return logout(app, req); });
}

}  // namespace madoguchi::web
