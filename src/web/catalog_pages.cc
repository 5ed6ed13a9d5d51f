// The catalogue (home, search, browse by category and life event) and a procedure's page.
#include "ja/wareki.h"
#include "usecases/resident_accounts.h"
#include "web/app.h"
#include "web/route.h"
#include "web/views.h"

namespace madoguchi::web {
namespace {

http::Response home(Call& c) {
  App& app = c.app;
  http::Request& req = c.req;
  const Visitor& v = c.v;
  std::string q = req.query_param("q");
  std::string category = req.query_param("category");
  std::string event = req.query_param("event");
  // Without a session the page holds nothing personal: serve it from the cache.
  std::string cache_key = v.locale + "\n" + q + "\n" + category + "\n" + event;
  if (!v.session) {
    if (auto html = app.public_pages.get(cache_key)) {
      http::Response res = http::Response::html(200, std::move(*html));
      finish_html(app, v, req, &res);
      return res;
    }
  }
  std::vector<const procedures::Procedure*> found;
  if (!q.empty()) {
    found = app.catalog.search(q, v.locale);
  } else {
    for (const auto& p : app.catalog.all()) found.push_back(&p);
  }
  Json list = Json::array();
  for (const auto* p : found) {
    if (!category.empty() && p->category != category) continue;
    if (!event.empty() && std::find(p->life_events.begin(), p->life_events.end(), event) == p->life_events.end()) continue;
    list.push_back(procedure_card(app, *p, v.locale));
  }
  const auto& org = app.catalog.organisation();
  Json categories = Json::array();
  for (const auto& [id, text] : org.categories) {
    categories.push_back(localized(text, v.locale, {{"id", id}, {"current", id == category}}));
  }
  Json events = Json::array();
  for (const auto& [id, text] : org.life_events) {
    events.push_back(localized(text, v.locale, {{"id", id}, {"current", id == event}}));
  }
  Json view;
  view["q"] = q;
  view["procedures"] = list;
  view["count"] = list.size();
  view["none_found"] = list.empty();
  view["searched"] = !q.empty() || !category.empty() || !event.empty();
  view["categories"] = categories;
  view["life_events"] = events;
  http::Response res = page(app, v, req, 200, "home", view, "home.title");
  if (!v.session) app.public_pages.put(cache_key, res.body);
  return res;
}

http::Response procedure_page(Call& c) {
  App& app = c.app;
  http::Request& req = c.req;
  Visitor& v = c.v;
  const procedures::Procedure* p = app.catalog.find(req.params["id"]);
  if (!p) return error_page(app, v, req, 404, "error.no_procedure");
  Json view = procedure_card(app, *p, v.locale);
  view["description"] = localized(p->description, v.locale);
  view["eligibility"] = localized(p->eligibility, v.locale);
  Json prepare = Json::array();
  for (const auto& t : p->prepare) prepare.push_back(localized(t, v.locale));
  view["prepare"] = prepare;
  Json attachments = Json::array();
  for (const auto& t : p->attachments) attachments.push_back(localized(t, v.locale));
  view["attachments"] = attachments;
  view["processing_days"] = p->processing_days;
  view["decide_by"] = format_date(app, v.locale, add_business_days(today_jst(), p->processing_days, app.holidays));
  view["online"] = p->online && p->identity != procedures::IdentityLevel::kVerified;
  view["counter"] = p->counter;
  view["needs_account"] = p->identity == procedures::IdentityLevel::kAccount;
  view["needs_signin"] = p->identity == procedures::IdentityLevel::kAccount &&
                         !(v.account && !v.account->is_staff());
  view["login_href"] = "/login?next=" + http::percent_encode("/procedures/" + p->id);
  // Someone without an account can make one when mail is on (resident_account_pages.cc).
  view["signup_offered"] = usecases::resident_accounts_offered(env(app));
  // The start button posts a form, so the page needs a CSRF token and thus a session.
  if (Status s = ensure_session(app, &v); !s.ok()) return error_page(app, v, req, 500, "error.internal");
  return page(app, v, req, 200, "procedure", view, "", p->title.get(v.locale));
}

}  // namespace

void register_catalog_routes(http::Router& r, App& app) {
  add_route(r, app, "GET", "/", kOpen, home);
  add_route(r, app, "GET", "/procedures/{id}", kOpen, procedure_page);
}

}  // namespace madoguchi::web
