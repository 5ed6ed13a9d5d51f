// Following an application: my applications (signed in), one application's status and
// history, a guest's lookup by receipt number + access code, and starting a correction.
#include <spdlog/spdlog.h>

#include "applications/applications.h"
#include "cases/cases.h"
#include "forms/form.h"
#include "usecases/follow.h"
#include "web/app.h"
#include "web/document_pages.h"
#include "web/route.h"
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

// The decision as the resident sees it: the outcome, the decision fields the definition
// shows them, the reason of a refusal (or of a 却下, from its event) and how to appeal.
Json decision_view(App& app, const std::string& locale, const applications::Application& a,
                   const usecases::ApplicationRecord& record) {
  const procedures::Procedure* def = record.definition ? &*record.definition : nullptr;
  const procedures::Decision* decision = def && def->decision ? &*def->decision : nullptr;
  Json view = Json::object();
  if (a.status == "rejected") {
    view["outcome"] = status_text(app, locale, a.status);
    view["refused"] = true;
    for (auto it = record.events.rbegin(); it != record.events.rend(); ++it) {
      if (it->action == "reject") {
        view["reason"] = it->message;
        break;
      }
    }
  } else if (decision && record.decision) {
    const procedures::Outcome* o = decisions::outcome_of(*decision, *record.decision);
    if (!o) return Json();
    view["outcome"] = o->label.get(locale);
    view["outcome_id"] = o->value;
    view["refused"] = o->kind != procedures::Outcome::Kind::kGranted;
    if (decisions::needs_reason(*o)) view["reason"] = record.decision->reason;
    procedures::Procedure shown;
    procedures::Page page;
    for (const auto& f : decision->fields) {
      for (const auto& id : decision->shown_to_resident) {
        if (f.id == id) page.fields.push_back(f);
      }
    }
    shown.pages.push_back(std::move(page));
    Json rows = forms::summary_view(shown, decisions::form_answers(*record.decision),
                                    forms::Context{app.locales, locale, today_jst()});
    view["pages"] = rows;
  } else {
    return Json();
  }
  if (view["refused"].get<bool>() && decision && !decision->appeal.empty()) {
    view["appeal"] = localized(decision->appeal, locale);
  }
  return view;
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

http::Response my_applications(Call& c) {
  App& app = c.app;
  const Visitor& v = c.v;
  auto mine = usecases::my_applications(env(app), applications::Owner{v.session->token_hash, v.account->id});
  if (!mine.ok()) return c.error(500, "error.internal");
  Json list = Json::array();
  for (const auto& a : mine->applications) list.push_back(application_view(app, v.locale, a));
  Json drafts = Json::array();
  for (const auto& [draft, updated] : mine->drafts) {
    const auto* p = app.catalog.find(draft.procedure_id);
    drafts.push_back({{"procedure_title", p ? localized(p->title, v.locale) : Json{{"text", draft.procedure_id}}},
                      {"saved", format_time(updated)},
                      {"correction", draft.application_id.has_value()},
                      {"href", "/drafts/" + std::to_string(draft.id) + "/resume"}});
  }
  Json view;
  view["drafts"] = drafts;
  view["applications"] = list;
  view["none"] = list.empty();
  return c.render(200, "my_applications", view, "mine.title");
}

// A withdrawal form posted without a reason: what was typed and what to fix.
struct WithdrawalForm {
  std::string reason;
  std::string error;
};

// Renders one application for someone entitled to see it.
// `access_code` is set when a guest proved ownership with it; it is echoed in the correction
// and withdrawal forms so the guest need not type it again.
http::Response show(Call& c, const applications::Application& a, const std::string& access_code = "",
                    const WithdrawalForm* withdrawal = nullptr) {
  App& app = c.app;
  Visitor& v = c.v;
  Json view = application_view(app, v.locale, a);
  auto record = usecases::application_record(env(app), a);
  if (!record.ok()) return c.error(500, "error.internal");
  view["history"] = history_view(app, v.locale, record->events, app.catalog.find(a.procedure_id));
  // What was sent, with the labels of the definition version it was filled against.
  if (record->definition) {
    view["answers"] =
        forms::summary_view(*record->definition, a.answers, forms::Context{app.locales, v.locale, today_jst()});
  }
  if (Json d = decision_view(app, v.locale, a, *record); !d.is_null()) view["decision"] = d;
  if (Json pay = payment_panel(app, v, a.receipt, v.account && a.account_id && *a.account_id == v.account->id,
                               access_code);
      !pay.is_null()) {
    view["payment"] = pay;
  }
  // The newest correction request's message, shown prominently while a fix is awaited.
  for (auto it = record->events.rbegin(); it != record->events.rend(); ++it) {
    if (it->action == "correction") {
      view["correction_message"] = it->message;
      break;
    }
  }
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
  // The issued document and the copy of what was sent, for the owner (or the guest who proved it).
  if (Json docs = document_links(app, v.locale, a, owner, access_code); !docs.is_null()) view["documents"] = docs;
  // Before the decision the owner may withdraw the application, saying why.
  if (cases::is_open(a.status) && (owner || !access_code.empty())) {
    view["can_withdraw"] = true;
    view["withdraw_action"] = owner ? "/applications/" + a.receipt + "/withdraw" : "/status/withdraw";
    if (!owner) view["access_code"] = access_code;
    if (withdrawal) {
      view["withdraw_reason"] = withdrawal->reason;
      view["withdraw_error"] = withdrawal->error;
      view["withdraw_open"] = true;
    }
  }
  if (Status st = ensure_session(app, &v); !st.ok()) return c.error(500, "error.internal");
  return c.render(200, "application", view, "application.title");
}

http::Response application_page(Call& c) {
  // Someone else's receipt number looks exactly like a missing one.
  if (!c.v.account) return c.error(404, "error.no_application");
  auto a = usecases::own_application(env(c.app), c.v.account->id, c.req.params["receipt"]);
  if (!a.ok()) {
    if (a.status().code() == Status::Code::kNotFound) return c.error(404, "error.no_application");
    return c.error(500, "error.internal");
  }
  return show(c, *a);
}

http::Response lookup_form(Call& c) {
  if (Status s = ensure_session(c.app, &c.v); !s.ok()) return c.error(500, "error.internal");
  Json view = Json::object();
  if (c.req.query_param("resubmitted") == "1") view["resubmitted"] = true;
  if (c.req.query_param("withdrawn") == "1") view["withdrawn"] = true;
  return c.render(200, "lookup", view, "lookup.title");
}

// The lookup form again with the receipt as typed and why it failed.
http::Response lookup_refused(Call& c, int64_t wait) {
  Json view;
  view["receipt"] = c.field("receipt");
  view["error"] = wait > 0
                      ? c.app.locales.t(c.v.locale, "lookup.too_many", {{"minutes", std::to_string((wait + 59) / 60)}})
                      : c.app.locales.t(c.v.locale, "lookup.not_found");
  return c.render(wait > 0 ? 429 : 200, "lookup", view, "lookup.title");
}

http::Response lookup(Call& c) {
  auto result = usecases::guest_lookup(env(c.app), c.field("receipt"), c.field("code"));
  if (!result.ok()) {
    spdlog::error("guest lookup failed: {}", result.status().message());
    return c.error(500, "error.internal");
  }
  if (!result->found) return lookup_refused(c, result->wait_seconds);
  return show(c, *result->found, c.field("code"));
}

// Sends the owner to the correction draft's check page (they change only what is needed).
http::Response open_correction(Call& c, const std::string& receipt, std::optional<std::string> code) {
  usecases::CorrectionRequest request{{c.v.session->token_hash, std::nullopt}, receipt, std::move(code)};
  if (c.v.account) request.owner.account_id = c.v.account->id;
  int64_t wait = 0;
  auto draft = usecases::open_correction(env(c.app), request, &wait);
  if (wait > 0) return lookup_refused(c, wait);
  if (!draft.ok()) {
    if (draft.status().code() == Status::Code::kNotFound) return c.error(404, "error.no_application");
    return c.error(409, "error.conflict");
  }
  return http::Response::redirect("/drafts/" + std::to_string(*draft) + "/check");
}

// Withdraws for the owner: a signed-in resident (code unset) or a guest with the code.
http::Response withdraw(Call& c, const std::string& receipt, std::optional<std::string> code) {
  usecases::WithdrawalRequest request;
  if (c.v.account) {
    request.account_id = c.v.account->id;
    request.actor_name = c.v.account->display_name;
  } else {
    request.actor_name = c.app.locales.t("ja", "actor.guest");
  }
  request.receipt = receipt;
  request.access_code = code;
  request.reason = c.field("reason");
  int64_t wait = 0;
  Status s = usecases::withdraw(env(c.app), request, &wait);
  if (wait > 0) return lookup_refused(c, wait);
  switch (s.code()) {
    case Status::Code::kOk:
      if (code) return http::Response::redirect("/status?withdrawn=1");
      return http::Response::redirect("/applications/" + receipt);
    case Status::Code::kInvalid: {
      // Only an owner gets here (ownership is checked first): show the form again.
      usecases::GuestLookup found;
      std::optional<applications::Application> a;
      if (code) {
        auto r = usecases::guest_lookup(env(c.app), receipt, *code);
        if (r.ok()) a = r->found;
      } else {
        auto r = usecases::own_application(env(c.app), c.v.account->id, receipt);
        if (r.ok()) a = *r;
      }
      if (!a) return c.error(404, "error.no_application");
      WithdrawalForm form{request.reason, c.app.locales.t(c.v.locale, "withdraw.reason_missing")};
      return show(c, *a, code.value_or(""), &form);
    }
    case Status::Code::kNotFound:
      return c.error(404, "error.no_application");
    case Status::Code::kConflict:
      return c.error(409, "withdraw.too_late");
    default:
      spdlog::error("withdrawing failed: {}", s.message());
      return c.error(500, "error.internal");
  }
}

http::Response guest_withdraw(Call& c) { return withdraw(c, c.field("receipt"), c.field("code")); }

http::Response resident_withdraw(Call& c) {
  if (!c.v.account) return c.error(404, "error.no_application");
  return withdraw(c, c.req.params["receipt"], std::nullopt);
}

// The address a withdrawal form posts to, opened directly (a language link on the form
// shown again): the page it belongs to.
http::Response back_to_application(Call& c) {
  return http::Response::redirect("/applications/" + http::percent_encode(c.req.params["receipt"]));
}
http::Response back_to_lookup(Call&) { return http::Response::redirect("/status"); }

// A guest proves ownership again with receipt number + access code.
http::Response guest_correction(Call& c) { return open_correction(c, c.field("receipt"), c.field("code")); }

// A signed-in resident corrects their own application.
http::Response start_correction(Call& c) {
  if (!c.v.account) return c.error(404, "error.no_application");
  return open_correction(c, c.req.params["receipt"], std::nullopt);
}

}  // namespace

void register_status_routes(http::Router& r, App& app) {
  add_route(r, app, "GET", "/applications", kResident, my_applications);
  add_route(r, app, "GET", "/applications/{receipt}", kOpen, application_page);
  add_route(r, app, "POST", "/applications/{receipt}/correct", kCsrf, start_correction);
  add_route(r, app, "GET", "/status", kOpen, lookup_form);
  add_route(r, app, "POST", "/status", kCsrf, lookup);
  add_route(r, app, "POST", "/status/correct", kCsrf, guest_correction);
  add_route(r, app, "GET", "/applications/{receipt}/withdraw", kOpen, back_to_application);
  add_route(r, app, "POST", "/applications/{receipt}/withdraw", kCsrf, resident_withdraw);
  add_route(r, app, "GET", "/status/withdraw", kOpen, back_to_lookup);
  add_route(r, app, "POST", "/status/withdraw", kCsrf, guest_withdraw);
}

void register_resident_routes(http::Router& r, App& app) {
  register_catalog_routes(r, app);
  register_form_routes(r, app);
  register_status_routes(r, app);
}

}  // namespace madoguchi::web
