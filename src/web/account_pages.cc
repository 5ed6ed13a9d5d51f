// Signing in and out. Signing in rotates the session token (no fixation) and carries a
// guest's drafts over to the account.
#include <spdlog/spdlog.h>

#include "usecases/resident_accounts.h"
#include "usecases/sessions.h"
#include "web/app.h"
#include "web/route.h"

namespace madoguchi::web {
namespace {

// Only paths of this site (http::same_origin_path), so the login form cannot be used to send
// people elsewhere ("/\t/evil.example" is "//evil.example" to a browser).
std::string safe_next(const std::string& next, bool staff) {
  if (auto path = http::same_origin_path(next); path && *path != "/") return *path;
  return staff ? "/staff" : "/applications";
}

http::Response login_form(Call& c) {
  if (Status s = ensure_session(c.app, &c.v); !s.ok()) return c.error(500, "error.internal");
  Json view;
  view["next"] = c.req.query_param("next");
  // Sign-up and reset need mail (resident_account_pages.cc); without it they are not offered.
  view["accounts_offered"] = usecases::resident_accounts_offered(env(c.app));
  return c.render(200, "login", view, "login.title");
}

http::Response login(Call& c) {
  App& app = c.app;
  const std::string login_name = c.field("login");
  const std::string next = c.field("next");
  auto result = usecases::sign_in(env(app), c.v.session->token_hash, login_name, c.field("password"),
                                  client_address(app, c.req));
  if (!result.ok()) return c.error(500, "error.internal");
  if (result->needs_code || result->needs_enrolment) {
    // The password was right; the second page asks for the code (second_factor_pages.cc).
    const std::string to = result->needs_code ? "/login/code" : "/login/enrol";
    return http::Response::redirect(next.empty() ? to : to + "?next=" + http::percent_encode(next));
  }
  if (!result->account || result->wait_seconds > 0) {
    const int64_t wait = result->wait_seconds;
    Json view;
    view["login"] = login_name;
    view["next"] = next;
    view["accounts_offered"] = usecases::resident_accounts_offered(env(app));
    view["error"] = wait > 0 ? app.locales.t(c.v.locale, "login.too_many", {{"minutes", std::to_string((wait + 59) / 60)}})
                             : app.locales.t(c.v.locale, "login.failed");
    return c.render(wait > 0 ? 429 : 200, "login", view, "login.title");
  }
  http::Response res = http::Response::redirect(safe_next(next, result->account->is_staff()));
  res.set_cookie("sid", result->token, -1, app.config.secure_cookies);
  return res;
}

http::Response logout(Call& c) {
  if (Status s = usecases::sign_out(env(c.app), c.v.session->token_hash); !s.ok()) {
    spdlog::error("signing out failed: {}", s.message());
    return c.error(500, "error.internal");
  }
  http::Response res = http::Response::redirect("/");
  res.set_cookie("sid", "", 0, c.app.config.secure_cookies);
  return res;
}

}  // namespace

// Staff's second factor after the password (second_factor_pages.cc).
void register_second_factor_routes(http::Router& r, App& app);

void register_account_routes(http::Router& r, App& app) {
  add_route(r, app, "GET", "/login", kOpen, login_form);
  add_route(r, app, "POST", "/login", kCsrf, login);
  add_route(r, app, "POST", "/logout", kCsrf, logout);
  register_resident_account_routes(r, app);
  register_second_factor_routes(r, app);
}

}  // namespace madoguchi::web
