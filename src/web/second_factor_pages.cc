// Staff's second factor (usecases/second_factor.h): after a right password, GET/POST
// /login/code asks for the code from the authenticator app; /login/enrol shows a new secret to
// staff who must enrol (setting staff_totp) and confirms it with a code; /staff/totp lets
// signed-in staff enrol by choice. A session that waits for nothing is sent back to /login.
#include <spdlog/spdlog.h>

#include "usecases/second_factor.h"
#include "web/app.h"
#include "web/route.h"

namespace madoguchi::web {
namespace {

// As in account_pages.cc: only this site's paths.
std::string staff_next(const std::string& next) {
  if (auto path = http::same_origin_path(next); path && *path != "/") return *path;
  return "/staff";
}

std::string with_next(const std::string& path, const std::string& next) {
  if (next.empty()) return path;
  return path + "?next=" + http::percent_encode(next);
}

Json code_view(const std::string& next) {
  Json view;
  view["next"] = next;
  return view;
}

// The answer to a checked code: the new session on success, the page again with its error.
http::Response after_code(Call& c, const Result<usecases::CodeOutcome>& r, const std::string& next,
                          const std::string& again_template, Json view, const std::string& title) {
  if (!r.ok()) {
    spdlog::error("checking a second-factor code failed: {}", r.status().message());
    return c.error(500, "error.internal");
  }
  if (r->expired) return http::Response::redirect(with_next("/login", next));
  if (r->account) {
    http::Response res = http::Response::redirect(staff_next(next));
    if (!r->token.empty()) res.set_cookie("sid", r->token, -1, c.app.config.secure_cookies);
    return res;
  }
  const int64_t wait = r->wait_seconds;
  view["error"] = wait > 0 ? c.app.locales.t(c.v.locale, "login.too_many", {{"minutes", std::to_string((wait + 59) / 60)}})
                           : c.app.locales.t(c.v.locale, "totp.wrong");
  return c.render(wait > 0 ? 429 : 200, again_template, std::move(view), title);
}

http::Response code_form(Call& c) {
  if (Status s = ensure_session(c.app, &c.v); !s.ok()) return c.error(500, "error.internal");
  const std::string next = c.req.query_param("next");
  auto stage = usecases::pending_stage(env(c.app), c.v.session->token_hash);
  if (!stage.ok()) return c.error(500, "error.internal");
  if (*stage != "code") return http::Response::redirect(with_next("/login", next));
  return c.render(200, "login_code", code_view(next), "totp.code_title");
}

http::Response code_post(Call& c) {
  const std::string next = c.field("next");
  auto r = usecases::submit_code(env(c.app), c.v.session->token_hash, c.field("code"), client_address(c.app, c.req));
  return after_code(c, r, next, "login_code", code_view(next), "totp.code_title");
}

Json enrol_view(const usecases::Enrolment& e, const std::string& action, const std::string& next) {
  Json view;
  view["secret"] = e.secret_base32;
  view["uri"] = e.uri;
  view["action"] = action;
  view["next"] = next;
  return view;
}

http::Response enrol_form(Call& c) {
  if (Status s = ensure_session(c.app, &c.v); !s.ok()) return c.error(500, "error.internal");
  const std::string next = c.req.query_param("next");
  auto e = usecases::pending_enrolment(env(c.app), c.v.session->token_hash);
  if (!e.ok() && e.status().code() == Status::Code::kNotFound) return http::Response::redirect(with_next("/login", next));
  if (!e.ok()) {
    spdlog::error("showing a TOTP enrolment failed: {}", e.status().message());
    return c.error(500, "error.internal");
  }
  http::Response res = c.render(200, "staff/totp", enrol_view(*e, "/login/enrol", next), "totp.enrol_title");
  return res;
}

http::Response enrol_post(Call& c) {
  const std::string next = c.field("next");
  auto e = usecases::pending_enrolment(env(c.app), c.v.session->token_hash);
  if (!e.ok() && e.status().code() == Status::Code::kNotFound) return http::Response::redirect(with_next("/login", next));
  if (!e.ok()) return c.error(500, "error.internal");
  auto r = usecases::submit_code(env(c.app), c.v.session->token_hash, c.field("code"), client_address(c.app, c.req));
  return after_code(c, r, next, "staff/totp", enrol_view(*e, "/login/enrol", next), "totp.enrol_title");
}

http::Response staff_totp_page(Call& c, const std::string& error) {
  auto enrolled = usecases::has_second_factor(env(c.app), c.v.account->id);
  if (!enrolled.ok()) return c.error(500, "error.internal");
  Json view;
  if (*enrolled) {
    view["enrolled"] = true;
    return c.render(200, "staff/totp", view, "totp.enrol_title");
  }
  auto e = usecases::staff_enrolment(env(c.app), *c.v.account);
  if (!e.ok()) {
    spdlog::error("showing a TOTP enrolment failed: {}", e.status().message());
    return c.error(500, "error.internal");
  }
  view = enrol_view(*e, "/staff/totp", "");
  if (!error.empty()) view["error"] = error;
  return c.render(200, "staff/totp", view, "totp.enrol_title");
}

}  // namespace

void register_second_factor_routes(http::Router& r, App& app) {
  add_route(r, app, "GET", "/login/code", kOpen, code_form);
  add_route(r, app, "POST", "/login/code", kCsrf, code_post);
  add_route(r, app, "GET", "/login/enrol", kOpen, enrol_form);
  add_route(r, app, "POST", "/login/enrol", kCsrf, enrol_post);
  add_route(r, app, "GET", "/staff/totp", kStaff, [](Call& c) { return staff_totp_page(c, ""); });
  add_route(r, app, "POST", "/staff/totp", kStaff | kCsrf, [](Call& c) {
    auto r = usecases::confirm_staff_enrolment(env(c.app), *c.v.account, c.field("code"), client_address(c.app, c.req));
    if (!r.ok()) return c.error(500, "error.internal");
    if (r->account) return http::Response::redirect("/staff/totp");
    if (r->wait_seconds > 0) {
      return staff_totp_page(
          c, c.app.locales.t(c.v.locale, "login.too_many", {{"minutes", std::to_string((r->wait_seconds + 59) / 60)}}));
    }
    return staff_totp_page(c, c.app.locales.t(c.v.locale, "totp.wrong"));
  });
}

}  // namespace madoguchi::web
