// Following an application: my applications (signed in), one application's status and
// history, a guest's lookup by receipt number + access code, and starting a correction.
#include <spdlog/spdlog.h>

#include <functional>

#include "applications/applications.h"
#include "core/receipt.h"
#include "ratelimit/ratelimit.h"
#include "core/wareki.h"
#include "forms/form.h"
#include "web/app.h"
#include "web/views.h"

namespace madoguchi::web {
namespace {

Json history_view(App& app, const std::string& locale, const std::vector<applications::Event>& events,
                  const procedures::Procedure* proc) {
  Json list = Json::array();
  for (const auto& e : events) {
    list.push_back({{"when", format_time(e.at)},
                    {"what", event_text(app, locale, e.action, e.step, proc)},
                    {"who", e.actor_kind == "staff" ? app.locales.t(locale, "actor.staff") : e.actor_name},
                    {"message", e.message}});
  }
  return list;
}

Json application_view(App& app, const std::string& locale, const applications::Application& a) {
  Json view;
  const auto* p = app.catalog.find(a.procedure_id);
  view["procedure_title"] = p ? localized(p->title, locale) : Json{{"text", a.procedure_id}};
  view["receipt"] = a.receipt;
  view["status"] = status_text(app, locale, a.status);
  view["status_id"] = a.status;
  view["submitted"] = format_time(a.submitted_at);
  view["submitted_parts"] = time_parts(a.submitted_at);
  view["decide_by"] = format_date(app, locale, a.due_date);
  view["href"] = "/applications/" + a.receipt;
  return view;
}

http::Response my_applications(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  if (!v.account || v.account->is_staff()) return http::Response::redirect("/login?next=%2Fapplications");
  Json list = Json::array();
  Json drafts = Json::array();
  store::with_read(*app.store, [&](store::Transaction& tx) {
    for (const auto& a : applications::list_for_account(tx, v.account->id)) list.push_back(application_view(app, v.locale, a));
    auto d = applications::list_drafts(tx, applications::Owner{v.session->token_hash, v.account->id});
    if (!d.ok()) return d.status();
    for (const auto& [draft, updated] : *d) {
      const auto* p = app.catalog.find(draft.procedure_id);
      drafts.push_back({{"procedure_title", p ? localized(p->title, v.locale) : Json{{"text", draft.procedure_id}}},
                        {"saved", format_time(updated)},
                        {"correction", draft.application_id.has_value()},
                        {"href", "/drafts/" + std::to_string(draft.id) + "/resume"}});
    }
    return Status::Ok();
  });
  Json view;
  view["drafts"] = drafts;
  view["applications"] = list;
  view["none"] = list.empty();
  return page(app, v, req, 200, "my_applications", view, "mine.title");
}

// Renders one application for someone entitled to see it.
// `access_code` is set when a guest proved ownership with it; it is echoed in the correction
// form so the guest need not type it again.
http::Response show(App& app, Visitor& v, const http::Request& req, const applications::Application& a,
                    const std::string& access_code = "") {
  Json view = application_view(app, v.locale, a);
  Status s = store::with_read(*app.store, [&](store::Transaction& tx) {
    auto ev = applications::events(tx, a.id);
    if (!ev.ok()) return ev.status();
    view["history"] = history_view(app, v.locale, *ev, app.catalog.find(a.procedure_id));
    // What was sent, with the labels of the definition version it was filled against.
    if (auto def = definition_for(app, tx, a.procedure_id, a.procedure_version)) {
      view["answers"] = forms::summary_view(*def, a.answers, forms::Context{app.locales, v.locale, today_jst()});
    }
    // The newest correction request's message, shown prominently while a fix is awaited.
    for (auto it = ev->rbegin(); it != ev->rend(); ++it) {
      if (it->action == "correction") {
        view["correction_message"] = it->message;
        break;
      }
    }
    return Status::Ok();
  });
  if (!s.ok()) return error_page(app, v, req, 500, "error.internal");
  bool owner = v.account && a.account_id && *a.account_id == v.account->id;
  if (a.status == "correction" && owner) {
    view["can_correct"] = true;
    view["correct_action"] = "/applications/" + a.receipt + "/correct";
  } else if (a.status == "correction" && !access_code.empty()) {
    view["can_correct"] = true;
    view["correct_action"] = "/status/correct";
    view["access_code"] = access_code;
  }
  if (a.status != "correction") view.erase("correction_message");
  if (Status st = ensure_session(app, &v); !st.ok()) return error_page(app, v, req, 500, "error.internal");
  return page(app, v, req, 200, "application", view, "application.title");
}

http::Response application_page(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  auto receipt = canonical_receipt_number(req.params["receipt"]);
  if (!receipt || !v.account) return error_page(app, v, req, 404, "error.no_application");
  std::optional<applications::Application> found;
  store::with_read(*app.store, [&](store::Transaction& tx) {
    auto a = applications::find_by_receipt(tx, *receipt);
    if (a.ok() && a->account_id && *a->account_id == v.account->id) found = *a;
    return Status::Ok();
  });
  // Someone else's receipt number looks exactly like a missing one.
  if (!found) return error_page(app, v, req, 404, "error.no_application");
  return show(app, v, req, *found);
}

http::Response lookup_form(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  if (Status s = ensure_session(app, &v); !s.ok()) return error_page(app, v, req, 500, "error.internal");
  Json view = Json::object();
  if (req.query_param("resubmitted") == "1") view["resubmitted"] = true;
  return page(app, v, req, 200, "lookup", view, "lookup.title");
}

// Wrong access codes count per receipt number (ratelimit.h): seconds until the receipt may be
// tried again, and counting one more wrong code.
int64_t access_code_wait(App& app, const std::string& receipt, int64_t now) {
  int64_t wait = 0;
  store::with_read(*app.store, [&](store::Transaction& tx) {
    auto b = ratelimit::blocked_for(tx, "receipt:" + receipt, ratelimit::kAccessCode, now);
    if (b.ok()) wait = *b;
    return b.status();
  });
  return wait;
}
void count_wrong_access_code(App& app, const std::string& receipt, int64_t now) {
  store::with_write(*app.store, [&](store::Transaction& tx) {
    return ratelimit::record_failure(tx, "receipt:" + receipt, ratelimit::kAccessCode, now);
  });
}
std::string too_many_tries(App& app, const Visitor& v, int64_t wait) {
  return app.locales.t(v.locale, "lookup.too_many", {{"minutes", std::to_string((wait + 59) / 60)}});
}

http::Response lookup(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  auto posted = http::parse_urlencoded(req.body);
  if (!posted.ok()) return error_page(app, v, req, 400, "error.bad_request");
  if (!csrf_ok(v, *posted)) return error_page(app, v, req, 403, "error.csrf");
  std::string typed_receipt = field(*posted, "receipt");
  std::string code = field(*posted, "code");
  auto receipt = canonical_receipt_number(typed_receipt);
  std::optional<applications::Application> found;
  const int64_t now = unix_now();
  const int64_t wait = receipt ? access_code_wait(app, *receipt, now) : 0;
  if (receipt && wait == 0) {
    store::with_read(*app.store, [&](store::Transaction& tx) {
      auto a = applications::find_by_receipt(tx, *receipt);
      if (a.ok() && applications::access_code_matches(tx, a->id, code)) found = *a;
      return Status::Ok();
    });
    if (!found) count_wrong_access_code(app, *receipt, now);
  }
  if (!found) {
    Json view;
    view["receipt"] = typed_receipt;
    view["error"] = wait > 0 ? too_many_tries(app, v, wait) : app.locales.t(v.locale, "lookup.not_found");
    return page(app, v, req, wait > 0 ? 429 : 200, "lookup", view, "lookup.title");
  }
  return show(app, v, req, *found, code);
}

// Opens the correction draft of an application awaiting a correction, for a visitor whom
// `owns` accepts, and sends them to its check page (they change only what is needed).
http::Response open_correction_for(App& app, Visitor& v, const http::Request& req, const std::string& typed_receipt,
                                   const std::function<bool(store::Transaction&, const applications::Application&)>& owns) {
  auto receipt = canonical_receipt_number(typed_receipt);
  if (!receipt) return error_page(app, v, req, 404, "error.no_application");
  int64_t draft_id = 0;
  Status s = store::with_write(*app.store, [&](store::Transaction& tx) {
    auto a = applications::find_by_receipt(tx, *receipt);
    if (!a.ok() || !owns(tx, *a)) return Status::NotFound("no application");
    if (a->status != "correction") return Status::Conflict("no correction requested");
    applications::Owner o{v.session->token_hash, std::nullopt};
    if (v.account) o.account_id = v.account->id;
    auto d = applications::open_correction(tx, o, *a, unix_now());
    if (!d.ok()) return d.status();
    draft_id = d->id;
    return Status::Ok();
  });
  if (s.code() == Status::Code::kNotFound) return error_page(app, v, req, 404, "error.no_application");
  if (!s.ok()) return error_page(app, v, req, 409, "error.conflict");
  return http::Response::redirect("/drafts/" + std::to_string(draft_id) + "/check");
}

// A guest proves ownership again with receipt number + access code.
http::Response guest_correction(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  auto posted = http::parse_urlencoded(req.body);
  if (!posted.ok()) return error_page(app, v, req, 400, "error.bad_request");
  if (!csrf_ok(v, *posted)) return error_page(app, v, req, 403, "error.csrf");
  std::string code = field(*posted, "code");
  const int64_t now = unix_now();
  auto receipt = canonical_receipt_number(field(*posted, "receipt"));
  if (receipt) {
    if (int64_t wait = access_code_wait(app, *receipt, now); wait > 0) {
      Json view;
      view["receipt"] = field(*posted, "receipt");
      view["error"] = too_many_tries(app, v, wait);
      return page(app, v, req, 429, "lookup", view, "lookup.title");
    }
  }
  bool wrong_code = false;
  http::Response res = open_correction_for(app, v, req, field(*posted, "receipt"),
                                           [&](store::Transaction& tx, const applications::Application& a) {
                                             wrong_code = !applications::access_code_matches(tx, a.id, code);
                                             return !wrong_code;
                                           });
  if (wrong_code && receipt) count_wrong_access_code(app, *receipt, now);
  return res;
}

// A signed-in resident corrects their own application.
http::Response start_correction(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  auto posted = http::parse_urlencoded(req.body);
  if (!posted.ok()) return error_page(app, v, req, 400, "error.bad_request");
  if (!csrf_ok(v, *posted)) return error_page(app, v, req, 403, "error.csrf");
  if (!v.account) return error_page(app, v, req, 404, "error.no_application");
  return open_correction_for(app, v, req, req.params["receipt"],
                             [&](store::Transaction&, const applications::Application& a) {
                               return a.account_id && *a.account_id == v.account->id;
                             });
}

}  // namespace

void register_status_routes(http::Router& r, App& app) {
  r.add("GET", "/applications", [&app](http::Request& req) { return my_applications(app, req); });
  r.add("GET", "/applications/{receipt}", [&app](http::Request& req) { return application_page(app, req); });
  r.add("POST", "/applications/{receipt}/correct", [&app](http::Request& req) { return start_correction(app, req); });
  r.add("GET", "/status", [&app](http::Request& req) { return lookup_form(app, req); });
  r.add("POST", "/status", [&app](http::Request& req) { return lookup(app, req); });
  r.add("POST", "/status/correct", [&app](http::Request& req) { return guest_correction(app, req); });
}

void register_resident_routes(http::Router& r, App& app) {
  register_catalog_routes(r, app);
  register_form_routes(r, app);
  register_status_routes(r, app);
}

}  // namespace madoguchi::web
