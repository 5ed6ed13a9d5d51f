// A resident's own account: signing up (an e-mailed link verifies the address and signs in),
// resetting a forgotten password (an e-mailed one-time link), and the profile that fills in
// their forms. Signing in and out stay in account_pages.cc. The rules are the use cases'
// (usecases/resident_accounts.h); here a post becomes a use case's call and its outcome a page.
#include <spdlog/spdlog.h>

#include "forms/form.h"
#include "usecases/resident_accounts.h"
#include "web/app.h"
#include "web/route.h"

namespace madoguchi::web {
namespace {

using usecases::InputProblem;

// Sign-up and reset need mail: without a relay no link could arrive, so the pages are absent.
bool offered(Call& c) { return usecases::resident_accounts_offered(env(c.app)); }

// The error summary and the message next to each input, in the page's language: "errors" for
// the summary (each linking to its input), "<input>_error" beside the input.
void add_problems(Call& c, const std::vector<InputProblem>& problems, Json* view) {
  Json list = Json::array();
  for (const auto& p : problems) {
    const std::string message = c.app.locales.t(c.v.locale, p.message_key, p.params);
    list.push_back({{"href", "#" + p.input}, {"message", message}});
    if (!view->contains(p.input + "_error")) (*view)[p.input + "_error"] = message;
  }
  (*view)["errors"] = list;
  (*view)["has_errors"] = !problems.empty();
}

// The document title of a page with errors starts with "Error: ", as on the form pages, so a
// screen reader hears at once that the page came back.
http::Response render_form(Call& c, int status, const std::string& name, Json view, const std::string& title_key) {
  std::string title = c.app.locales.t(c.v.locale, title_key);
  if (view.value("has_errors", false)) title = c.app.locales.t(c.v.locale, "form.error_prefix") + title;
  return c.render(status, name, std::move(view), "", title);
}

std::string password_hint(Call& c) {
  return c.app.locales.t(c.v.locale, "account.password_hint", {{"min", std::to_string(auth::kMinPasswordCharacters)}});
}

std::string minutes_text(int64_t seconds) { return std::to_string((seconds + 59) / 60); }

// Sets the new session's cookie on a redirect: the resident is signed in.
http::Response signed_in_redirect(Call& c, const std::string& token, const std::string& to) {
  http::Response res = http::Response::redirect(to);
  res.set_cookie("sid", token, -1, c.app.config.secure_cookies);
  return res;
}

const std::string& session_hash(const Call& c) {
  static const std::string none;
  return c.v.session ? c.v.session->token_hash : none;
}

bool is_guest(const Call& c) { return !c.v.session || !c.v.session->account_id; }

// --- sign-up ---

http::Response signup_form(Call& c) {
  if (!offered(c)) return c.error(404, "error.not_found");
  if (Status s = ensure_session(c.app, &c.v); !s.ok()) return c.error(500, "error.internal");
  Json view;
  view["password_hint"] = password_hint(c);
  return render_form(c, 200, "account/signup", view, "account.signup.title");
}

http::Response signup(Call& c) {
  if (!offered(c)) return c.error(404, "error.not_found");
  usecases::SignUpForm form{c.field("email"), c.field("password"), c.field("display_name"), c.v.locale};
  auto asked = usecases::request_sign_up(env(c.app), form);
  if (!asked.ok()) {
    spdlog::error("a sign-up failed: {}", asked.status().message());
    return c.error(500, "error.internal");
  }
  Json view;
  // Every typed value comes back except the password, which is never written into a page.
  view["email"] = form.email;
  view["display_name"] = form.display_name;
  view["password_hint"] = password_hint(c);
  if (!asked->problems.empty() || asked->wait_seconds > 0) {
    std::vector<InputProblem> problems = asked->problems;
    if (asked->wait_seconds > 0) {
      problems.push_back({"email", "account.error.too_many", {{"minutes", minutes_text(asked->wait_seconds)}}});
    }
    add_problems(c, problems, &view);
    return render_form(c, asked->wait_seconds > 0 ? 429 : 200, "account/signup", view, "account.signup.title");
  }
  // The same page whether or not the address has an account: what differs is in the e-mail.
  view["sent_to"] = c.app.locales.t(c.v.locale, "account.signup_sent.sent_to", {{"email", form.email}});
  view["valid_for"] = c.app.locales.t(c.v.locale, "account.signup_sent.valid_for",
                                      {{"hours", std::to_string(c.app.config.signup_link_hours)}});
  return c.render(200, "account/signup_sent", view, "account.signup_sent.title");
}

http::Response verify_form(Call& c) {
  if (!offered(c)) return c.error(404, "error.not_found");
  auto address = usecases::sign_up_link_address(env(c.app), c.req.params["token"]);
  if (!address.ok()) {
    if (address.status().code() == Status::Code::kNotFound) return c.error(404, "account.link_invalid");
    return c.error(500, "error.internal");
  }
  // Opening the link only shows this page; the button activates. Mail scanners that fetch
  // every link in a message would otherwise use it up before the resident does.
  if (Status s = ensure_session(c.app, &c.v); !s.ok()) return c.error(500, "error.internal");
  Json view;
  view["address"] = c.app.locales.t(c.v.locale, "account.verify.address", {{"email", *address}});
  view["action"] = "/signup/verify/" + c.req.params["token"];
  return c.render(200, "account/verify", view, "account.verify.title");
}

http::Response verify(Call& c) {
  if (!offered(c)) return c.error(404, "error.not_found");
  auto done = usecases::verify_sign_up(env(c.app), c.req.params["token"], session_hash(c), is_guest(c));
  if (!done.ok()) {
    const auto code = done.status().code();
    if (code == Status::Code::kNotFound) return c.error(404, "account.link_invalid");
    if (code == Status::Code::kConflict) return c.error(409, "account.already_verified");
    spdlog::error("verifying a sign-up failed: {}", done.status().message());
    return c.error(500, "error.internal");
  }
  return signed_in_redirect(c, done->session_token, "/account?welcome=1");
}

// --- password reset ---

http::Response reset_request_form(Call& c) {
  if (!offered(c)) return c.error(404, "error.not_found");
  if (Status s = ensure_session(c.app, &c.v); !s.ok()) return c.error(500, "error.internal");
  return render_form(c, 200, "account/reset_request", Json::object(), "account.reset_request.title");
}

http::Response reset_request(Call& c) {
  if (!offered(c)) return c.error(404, "error.not_found");
  const std::string email = c.field("email");
  auto asked = usecases::request_password_reset(env(c.app), email, c.v.locale);
  if (!asked.ok()) {
    spdlog::error("a password reset request failed: {}", asked.status().message());
    return c.error(500, "error.internal");
  }
  Json view;
  view["email"] = email;
  if (!asked->problems.empty() || asked->wait_seconds > 0) {
    std::vector<InputProblem> problems = asked->problems;
    if (asked->wait_seconds > 0) {
      problems.push_back({"email", "account.error.too_many", {{"minutes", minutes_text(asked->wait_seconds)}}});
    }
    add_problems(c, problems, &view);
    return render_form(c, asked->wait_seconds > 0 ? 429 : 200, "account/reset_request", view,
                       "account.reset_request.title");
  }
  view["sent_to"] = c.app.locales.t(c.v.locale, "account.reset_sent.sent_to", {{"email", email}});
  view["valid_for"] = c.app.locales.t(c.v.locale, "account.reset_sent.valid_for",
                                      {{"minutes", std::to_string(c.app.config.reset_link_minutes)}});
  return c.render(200, "account/reset_sent", view, "account.reset_sent.title");
}

Json reset_view(Call& c) {
  Json view;
  view["action"] = "/account/reset/" + c.req.params["token"];
  view["password_hint"] = password_hint(c);
  return view;
}

http::Response reset_form(Call& c) {
  if (!offered(c)) return c.error(404, "error.not_found");
  Status link = usecases::check_reset_link(env(c.app), c.req.params["token"]);
  if (!link.ok()) {
    if (link.code() == Status::Code::kNotFound) return c.error(404, "account.link_invalid");
    return c.error(500, "error.internal");
  }
  if (Status s = ensure_session(c.app, &c.v); !s.ok()) return c.error(500, "error.internal");
  return render_form(c, 200, "account/reset", reset_view(c), "account.reset.title");
}

http::Response reset(Call& c) {
  if (!offered(c)) return c.error(404, "error.not_found");
  auto done =
      usecases::reset_password(env(c.app), c.req.params["token"], c.field("password"), session_hash(c), is_guest(c));
  if (!done.ok()) {
    if (done.status().code() == Status::Code::kNotFound) return c.error(404, "account.link_invalid");
    spdlog::error("a password reset failed: {}", done.status().message());
    return c.error(500, "error.internal");
  }
  if (!done->problems.empty()) {
    Json view = reset_view(c);
    add_problems(c, done->problems, &view);
    return render_form(c, 200, "account/reset", view, "account.reset.title");
  }
  return signed_in_redirect(c, done->signed_in->session_token, "/account?reset=1");
}

// --- profile ---

forms::Context context(Call& c) { return forms::Context{c.app.locales, c.v.locale, today_jst()}; }

http::Response render_profile(Call& c, const procedures::Procedure& form, const Json& answers,
                              const std::vector<forms::FieldError>& errors, int status) {
  Json view;
  view["email"] = c.v.account->profile.value("email", std::string());
  view["display_name"] = c.v.account->display_name;
  view["fields"] = forms::page_view(form, form.pages.front(), answers, errors, context(c));
  view["postal_lookup"] = !c.app.postal.empty();
  Json list = Json::array();
  for (const auto& e : errors) list.push_back({{"href", "#" + e.html_id}, {"message", e.message}});
  view["errors"] = list;
  view["has_errors"] = !errors.empty();
  if (c.req.method == "GET") {
    // One notice after a redirect: what just happened, said once at the top.
    if (c.req.query_param("welcome") == "1") view["notice"] = c.app.locales.t(c.v.locale, "account.profile.welcome");
    if (c.req.query_param("reset") == "1") view["notice"] = c.app.locales.t(c.v.locale, "account.profile.reset_done");
    if (c.req.query_param("saved") == "1") view["notice"] = c.app.locales.t(c.v.locale, "account.profile.saved");
  }
  return render_form(c, status, "account/profile", view, "account.profile.title");
}

http::Response profile(Call& c) {
  const procedures::Procedure form = usecases::profile_form(c.app.locales);
  return render_profile(c, form, usecases::profile_answers(form, c.v.account->profile), {}, 200);
}

http::Response save_profile(Call& c) {
  const procedures::Procedure form = usecases::profile_form(c.app.locales);
  forms::Posted posted;
  for (const auto& [k, val] : c.posted) {
    if (k == "csrf") continue;
    if (!forms::page_accepts_name(form.pages.front(), k)) return c.error(400, "error.unknown_field");
    posted.emplace_back(k, val);
  }
  auto saved = usecases::save_profile(env(c.app), c.v.account->id, posted, context(c));
  if (!saved.ok()) {
    spdlog::error("saving a profile failed: {}", saved.status().message());
    return c.error(500, "error.internal");
  }
  if (!saved->errors.empty()) return render_profile(c, form, saved->answers, saved->errors, 200);
  return http::Response::redirect("/account?saved=1");
}

// Ends every session of the account, this one too, so the resident is signed out here as well.
http::Response sign_out_everywhere(Call& c) {
  if (auto ended = usecases::sign_out_everywhere(env(c.app), c.v.account->id); !ended.ok()) {
    spdlog::error("signing out everywhere failed: {}", ended.status().message());
    return c.error(500, "error.internal");
  }
  http::Response res = http::Response::redirect("/");  // as signing out does
  res.set_cookie("sid", "", 0, c.app.config.secure_cookies);
  return res;
}

}  // namespace

void register_resident_account_routes(http::Router& r, App& app) {
  add_route(r, app, "GET", "/signup", kOpen, signup_form);
  add_route(r, app, "POST", "/signup", kCsrf, signup);
  add_route(r, app, "GET", "/signup/verify/{token}", kOpen, verify_form);
  add_route(r, app, "POST", "/signup/verify/{token}", kCsrf, verify);
  add_route(r, app, "GET", "/account/reset", kOpen, reset_request_form);
  add_route(r, app, "POST", "/account/reset", kCsrf, reset_request);
  add_route(r, app, "GET", "/account/reset/{token}", kOpen, reset_form);
  add_route(r, app, "POST", "/account/reset/{token}", kCsrf, reset);
  add_route(r, app, "GET", "/account", kResident, profile);
  add_route(r, app, "POST", "/account", kResident | kCsrf, save_profile);
  add_route(r, app, "POST", "/account/sign-out-everywhere", kResident | kCsrf, sign_out_everywhere);
}

}  // namespace madoguchi::web
