#include "web/app.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <vector>

#include "auth/crypto.h"
#include "core/date.h"
#include "usecases/sessions.h"
#include "web/document_pages.h"

namespace madoguchi::web {

std::string field(const http::Fields& f, const std::string& name) {
  for (const auto& [k, v] : f) {
    if (k == name) return v;
  }
  return "";
}

std::string pick_locale(const http::Request& req) {
  std::string q = req.query_param("lang");
  if (Locales::supported(q)) return q;
  std::string c = req.cookie("lang");
  if (Locales::supported(c)) return c;
  // Accept-Language: the first supported primary tag wins; ja-easy is never negotiated.
  std::string al = req.header("accept-language");
  size_t pos = 0;
  while (pos < al.size()) {
    size_t end = al.find(',', pos);
    std::string tag = al.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    tag = tag.substr(0, tag.find(';'));
    while (!tag.empty() && tag.front() == ' ') tag.erase(0, 1);
    if (tag.rfind("ja", 0) == 0) return "ja";
    if (tag.rfind("en", 0) == 0) return "en";
    if (tag.rfind("ko", 0) == 0) return "ko";
    if (tag.rfind("zh", 0) == 0) return "zh-Hans";
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return "ja";
}

Visitor identify(App& app, const http::Request& req) {
  Visitor v;
  v.locale = pick_locale(req);
  auto visit = usecases::resume_session(env(app), req.cookie("sid"));
  v.session = std::move(visit.session);
  v.account = std::move(visit.account);
  return v;
}

Status ensure_session(App& app, Visitor* v) {
  if (v->session) return Status::Ok();
  auto s = usecases::start_guest_session(env(app), &v->new_session_token);
  if (!s.ok()) return s.status();
  v->session = *s;
  return Status::Ok();
}

bool csrf_ok(const Visitor& v, const http::Fields& posted) {
  if (!v.session) return false;
  std::string sent = field(posted, "csrf");
  return !sent.empty() && auth::constant_time_equal(sent, v.session->csrf);
}

namespace {

// The query parameters each page reads, by route pattern: only these are carried into its
// language links. Anything else a visitor adds ("?utm=…", "?next=//evil.example" on a page
// that has no use for it) is dropped, because a page may be cached (PageCache) under a key
// made of the parameters it reads and then shown to later visitors with the links of the
// first. A page that starts reading a parameter lists it here, or a language switch loses it.
// The home page's list must equal its cache key's parameters (src/web/catalog_pages.cc).
const std::map<std::string, std::vector<std::string>, std::less<>> kLanguageLinkParams = {
    {"/", {"q", "category", "event"}},
    {"/login", {"next"}},
    {"/staff", {"procedure", "status", "sort"}},
    {"/drafts/{draft}/pages/{page}", {"return", "errors"}},
    {"/status", {"resubmitted", "withdrawn"}},
    {"/applications/{receipt}", {"resubmitted", "withdrawn"}},
    {"/account", {"welcome", "reset", "saved"}},
};

std::string language_link_query(const http::Request& req) {
  auto params = kLanguageLinkParams.find(req.route);
  if (params == kLanguageLinkParams.end()) return "";
  std::string query;
  for (const auto& [name, value] : req.query) {
    if (std::find(params->second.begin(), params->second.end(), name) == params->second.end()) continue;
    query += http::percent_encode(name) + "=" + http::percent_encode(value) + "&";
  }
  return query;
}

// This page's path as the visitor sent it, when it is a path of this site; else "/". The
// request line of "GET //evil.example/x" is a path to this server, but the same text in a
// link is a URL of another host.
std::string same_origin_path(const http::Request& req) {
  std::string_view sent = req.target.empty() ? std::string_view(req.path) : std::string_view(req.target);
  sent = sent.substr(0, sent.find('?'));
  return http::same_origin_path(sent).value_or("/");
}

}  // namespace

Json base_view(App& app, const Visitor& v, const http::Request& req) {
  // The locale's strings ({{t.key}}, and {{{t_html.key}}} for the few with readings) are not
  // copied in: page() renders with the converted copy share_locales() keeps in the templates.
  Json view;
  view["locale"] = v.locale;
  view["html_lang"] = Locales::html_lang(v.locale);
  view["csrf"] = v.session ? v.session->csrf : "";
  if (v.session) {
    // The timeout warning (static/madoguchi.js): how long this session has left as the page
    // leaves the server, and how early to warn. Seconds, so clock differences between the
    // server and the browser do not matter.
    view["session_timer"] = true;
    view["session_remaining"] = std::max<int64_t>(0, v.session->expires_at - unix_now());
    view["session_warn"] = app.config.session_warning_seconds;
  }
  // A language link shows this same page in another language: the same path and the query
  // parameters the page reads (a search, a filter, where a login returns to), with only ?lang=
  // replaced.
  const std::string kept_query = language_link_query(req);
  const std::string here = same_origin_path(req);
  Json langs = Json::array();
  for (const auto& id : Locales::ids()) {
    langs.push_back({{"id", id},
                     {"name", app.locales.t(id, "lang.self")},
                     {"html_lang", Locales::html_lang(id)},
                     {"href", here + "?" + kept_query + "lang=" + id},
                     {"current", id == v.locale}});
  }
  view["languages"] = langs;
  if (v.account) {
    view["signed_in"] = true;
    view["account_name"] = v.account->display_name;
    view["is_staff"] = v.account->is_staff();
  }
  return view;
}

http::Response page(App& app, const Visitor& v, const http::Request& req, int status,
                    const std::string& name, Json view, const std::string& title_key,
                    const std::string& title_text) {
  Json base = base_view(app, v, req);
  for (auto it = base.begin(); it != base.end(); ++it) {
    if (!view.contains(it.key())) view[it.key()] = it.value();
  }
  std::string title = !title_text.empty() ? title_text
                      : !title_key.empty() ? app.locales.t(v.locale, title_key)
                                           : "";
  view["document_title"] = title;
  http::Response res = http::Response::html(status, app.templates.render_in_layout("layout", name, view, v.locale));
  finish_html(app, v, req, &res);
  return res;
}

void share_locales(App& app) {
  for (const auto& id : Locales::ids()) {
    app.templates.share(id, {{"t", app.locales.view(id)}, {"t_html", app.locales.html_view(id)}});
  }
}

void finish_html(App& app, const Visitor& v, const http::Request& req, http::Response* res) {
  if (!v.new_session_token.empty()) {
    res->set_cookie("sid", v.new_session_token, -1, app.config.secure_cookies);
  }
  if (Locales::supported(req.query_param("lang"))) {
    res->set_cookie("lang", req.query_param("lang"), 365L * 24 * 3600, app.config.secure_cookies);
  }
  res->headers.emplace_back("Cache-Control", v.session ? "no-store" : "no-cache");
}

http::Response error_page(App& app, const Visitor& v, const http::Request& req, int status,
                          const std::string& message_key) {
  Json view;
  view["status"] = status;
  view["message"] = app.locales.t(v.locale, message_key);
  return page(app, v, req, status, "error", view, "error.title." + std::to_string(status));
}

void register_routes(http::Router& router, App& app) {
  register_ops_routes(router, app);
  register_postal_routes(router, app);
  register_session_routes(router, app);
  register_resident_routes(router, app);
  register_account_routes(router, app);
  register_staff_routes(router, app);
  register_document_routes(router, app);
  register_payment_routes(router, app);
  router.add_static("/static/", app.config.static_dir);
  if (app.config.secure_cookies) {
    // secure_cookies says the site is reached over HTTPS: browsers then refuse plain HTTP to it
    // (and its subdomains) for a year, so a network attacker cannot strip TLS from the next
    // visit. Not sent on plain-HTTP deployments, where it would lock visitors out.
    router.add_response_header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  }
  router.set_error_page([&app](const http::Request& req, int status) {
    Visitor v;
    v.locale = pick_locale(req);
    std::string key = status == 404 ? "error.not_found"
                      : status == 405 ? "error.method"
                      : status == 413 ? "error.too_large"
                                      : "error.internal";
    try {
      return error_page(app, v, req, status, key);
    } catch (const std::exception& e) {
      spdlog::error("error page failed: {}", e.what());
      return http::Response::text(status, "error");
    }
  });
}

}  // namespace madoguchi::web
