// Staff console: the department's queue, a case page (every answer with its label, in the
// definition version it was filled against; attachments; history) and the actions on it.
// What happens lives in usecases/casework.h (department limits, audit); this file turns
// requests into its calls and its results into pages.
#include <spdlog/spdlog.h>

#include "cases/cases.h"
#include "decisions/decisions.h"
#include "forms/form.h"
#include "usecases/casework.h"
#include "usecases/documents.h"
#include "web/app.h"
#include "web/route.h"
#include "web/views.h"

namespace madoguchi::web {
namespace {

http::Response queue_page(Call& c) {
  App& app = c.app;
  const Visitor& v = c.v;
  cases::QueueFilter f;
  f.procedure_id = c.req.query_param("procedure");
  f.status = c.req.query_param("status");
  if (c.req.query_param("sort") == "due") f.sort = cases::QueueFilter::Sort::kDue;
  const std::string department = v.account->department;
  auto q = usecases::view_queue(env(app), c.staff(), f);
  if (!q.ok()) return c.error(500, "error.internal");
  const std::string today = today_jst().iso();
  Json rows = Json::array();
  for (const auto& r : q->rows) {
    const auto* p = app.catalog.find(r.procedure_id);
    rows.push_back({{"href", "/staff/cases/" + std::to_string(r.id)},
                    {"receipt", r.receipt},
                    {"procedure", p ? localized(p->title, v.locale) : Json{{"text", r.procedure_id}}},
                    {"status", status_text(app, v.locale, r.status)},
                    {"received", time_parts(r.submitted_at)},
                    {"due", r.due_date},
                    {"overdue", cases::is_open(r.status) && r.due_date < today},
                    {"mine", r.assignee && *r.assignee == v.account->id}});
  }
  Json counts = Json::array();
  for (const auto& [status, n] : q->counts) {
    counts.push_back({{"status", status_text(app, v.locale, status)},
                      {"id", status},
                      {"count", n},
                      {"current", status == f.status}});
  }
  Json procs = Json::array();
  for (const auto& p : app.catalog.all()) {
    if (p.department != department) continue;
    procs.push_back(localized(p.title, v.locale, {{"id", p.id}, {"selected", p.id == f.procedure_id}}));
  }
  Json view;
  view["rows"] = rows;
  view["none"] = rows.empty();
  view["counts"] = counts;
  view["procedures"] = procs;
  view["sort_due"] = f.sort == cases::QueueFilter::Sort::kDue;
  view["status"] = f.status;
  auto dept = app.catalog.organisation().departments.find(department);
  if (dept != app.catalog.organisation().departments.end()) view["department"] = localized(dept->second, v.locale);
  return c.render(200, "staff/queue", view, "staff.queue_title");
}

std::string step_title(App& app, const procedures::Procedure& def, int step, const std::string& locale) {
  if (def.route.empty() || step < 0 || static_cast<size_t>(step) >= def.route.size()) return "";
  const auto& roles = app.catalog.organisation().roles;
  auto role = roles.find(def.route[step]);
  return role != roles.end() ? role->second.title.get(locale) : def.route[step];
}

// The decision part of a case page: what is recorded, and the form for whoever may decide
// now. `typed` and `errors` come from a post that was not complete.
void add_decision(App& app, const Visitor& v, const usecases::CaseFile& file, const decisions::Record* typed,
                  const std::vector<forms::FieldError>& errors, Json* view) {
  const auto& def = file.definition;
  if (!def.decision) return;
  const forms::Context ctx{app.locales, v.locale, today_jst()};
  const procedures::Procedure form = decisions::decision_form(*def.decision, ctx);
  (*view)["has_decision_block"] = true;
  if (file.decision) {
    (*view)["decision"] = {{"rows", forms::summary_view(form, decisions::form_answers(*file.decision), ctx)},
                           {"by", file.decision->recorded_by_name},
                           {"when", format_time(file.decision->recorded_at)}};
  }
  if (!file.can_decide) return;
  const Json answers = typed ? decisions::form_answers(*typed)
                             : (file.decision ? decisions::form_answers(*file.decision) : Json::object());
  (*view)["decision_fields"] = forms::page_view(form, form.pages[0], answers, errors, ctx);
  (*view)["decision_action"] = "/staff/cases/" + std::to_string(file.application.id) + "/decision";
  Json list = Json::array();
  for (const auto& e : errors) list.push_back({{"href", "#" + e.html_id}, {"message", e.message}});
  (*view)["errors"] = list;
}

http::Response render_case(Call& c, int status, const decisions::Record* typed = nullptr,
                           const std::vector<forms::FieldError>& errors = {}) {
  App& app = c.app;
  const Visitor& v = c.v;
  auto file = usecases::open_case(env(app), c.staff(), c.id("id"));
  if (!file.ok()) {
    if (file.status().code() == Status::Code::kNotFound) return c.error(404, "error.no_application");
    spdlog::error("case page failed: {}", file.status().message());
    return c.error(500, "error.internal");
  }
  const auto& a = file->application;
  const auto& def = file->definition;
  forms::Context ctx{app.locales, v.locale, today_jst()};
  Json view;
  view["receipt"] = a.receipt;
  view["procedure_title"] = localized(def.title, v.locale);
  view["status"] = status_text(app, v.locale, a.status);
  view["status_id"] = a.status;
  view["step"] = step_title(app, def, a.step, v.locale);
  view["submitted"] = format_time(a.submitted_at);
  view["due"] = format_date(app, v.locale, a.due_date);
  view["overdue"] = cases::is_open(a.status) && a.due_date < today_jst();
  view["fee"] = format_yen(app, v.locale, a.fee);
  view["version"] = a.procedure_version.substr(0, 12);
  view["row_version"] = a.row_version;
  view["action"] = "/staff/cases/" + std::to_string(a.id) + "/act";
  view["answers"] = forms::summary_view(def, a.answers, ctx);
  Json earlier = Json::array();
  for (const auto& [no, answers] : file->versions) {
    if (no == a.answers_version) continue;
    earlier.push_back({{"version", no}, {"pages", forms::summary_view(def, answers, ctx)}});
  }
  view["earlier_versions"] = earlier;
  Json list = Json::array();
  for (const auto& f : file->attachments) {
    list.push_back({{"name", f.filename},
                    {"type", f.content_type},
                    {"kb", (f.size + 1023) / 1024},
                    {"href", "/staff/cases/" + std::to_string(a.id) + "/attachments/" + f.id}});
  }
  view["attachments"] = list;
  // The document issued for it, if any (its download is audited: web/document_pages.cc).
  if (auto issued = usecases::issued_for(env(app), a.id); issued.ok() && *issued) {
    view["document"] = {
        {"href", "/staff/cases/" + std::to_string(a.id) + "/document"},
        {"label", app.locales.t(v.locale, "document.staff_download")},
        {"info", app.locales.t(v.locale, "document.issued_info",
                               {{"number", (*issued)->number},
                                {"date", format_date(app, v.locale, jst_date_of((*issued)->issued_at))}})}};
  }
  Json history = Json::array();
  for (const auto& e : file->events) {
    history.push_back({{"when", format_time(e.at)},
                       {"what", event_text(app, v.locale, e.action, e.step, &def)},
                       {"who", e.actor_name},
                       {"message", e.message}});
  }
  view["history"] = history;
  // Offer only the actions this member of staff may take now.
  for (auto action : file->allowed) view[std::string("can_") + cases::action_name(action)] = true;
  // Both take a message to the resident; during a correction only rejecting is left.
  view["can_message"] = view.contains("can_correction") || view.contains("can_reject");
  add_decision(app, v, *file, typed, errors, &view);
  // Approving agrees with the recorded decision; say why the button is missing.
  view["decision_first"] = file->can_decide && !view.contains("can_approve");
  const std::string title_prefix = errors.empty() ? "" : app.locales.t(v.locale, "form.error_prefix");
  return c.render(status, "staff/case", view, "", title_prefix + app.locales.t(v.locale, "staff.case_title"));
}

http::Response case_page(Call& c) { return render_case(c, 200); }

// The page for a change of a case that did not happen, by why.
http::Response after_case_change(Call& c, const Status& s, const char* what) {
  switch (s.code()) {
    case Status::Code::kNotFound:
      return c.error(404, "error.no_application");
    case Status::Code::kConflict:
      return c.error(409, "staff.conflict");
    case Status::Code::kPermissionDenied:
      return c.error(403, "staff.not_your_step");
    case Status::Code::kInvalid:
      return c.error(400, "staff.invalid_action");
    default:
      spdlog::error("{} failed: {}", what, s.message());
      return c.error(500, "error.internal");
  }
}

http::Response decide(Call& c) {
  auto row_version = parse_count(c.field("row_version"));
  if (!row_version) return c.error(400, "error.bad_request");
  forms::Posted posted;
  for (const auto& [name, value] : c.posted) {
    if (name == "csrf" || name == "row_version") continue;
    if (name.rfind("f.", 0) != 0) return c.error(400, "error.unknown_field");
    posted.emplace_back(name, value);
  }
  std::vector<forms::FieldError> errors;
  decisions::Record typed;
  const int64_t id = c.id("id");
  Status s = usecases::record_decision(env(c.app), c.staff(), id, *row_version, posted, c.v.locale, &errors,
                                       &typed);
  if (!s.ok()) return after_case_change(c, s, "recording a decision");
  // 200 like every form page that asks to fix something (the page itself is fine).
  if (!errors.empty()) return render_case(c, 200, &typed, errors);
  return http::Response::redirect("/staff/cases/" + std::to_string(id));
}

http::Response act(Call& c) {
  const int64_t id = c.id("id");
  auto action = cases::parse_action(c.field("action"));
  auto row_version = parse_count(c.field("row_version"));
  if (!action || !row_version) return c.error(400, "error.bad_request");
  Status s = usecases::act_on_case(env(c.app), c.staff(), id, *row_version, *action, c.field("message"));
  if (!s.ok()) return after_case_change(c, s, "case action");
  return http::Response::redirect("/staff/cases/" + std::to_string(id));
}

http::Response download(Call& c) {
  auto file = usecases::download_attachment(env(c.app), c.staff(), c.id("id"), c.req.params["aid"]);
  if (!file.ok()) {
    if (file.status().code() == Status::Code::kNotFound) return c.error(404, "error.not_found");
    return c.error(500, "error.internal");
  }
  http::Response res;
  res.content_type = file->first.content_type;
  res.body = std::move(file->second);
  res.as_attachment(file->first.filename);
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

}  // namespace

void register_staff_routes(http::Router& r, App& app) {
  add_route(r, app, "GET", "/staff", kStaff, queue_page);
  add_route(r, app, "GET", "/staff/cases/{id:id}", kStaff, case_page);
  add_route(r, app, "POST", "/staff/cases/{id:id}/act", kStaff | kCsrf, act);
  // The decision form's own address is the case page, so that a language link on a form
  // shown again with errors leads somewhere.
  add_route(r, app, "GET", "/staff/cases/{id:id}/decision", kStaff, case_page);
  add_route(r, app, "POST", "/staff/cases/{id:id}/decision", kStaff | kCsrf, decide);
  add_route(r, app, "GET", "/staff/cases/{id:id}/attachments/{aid}", kStaff, download);
}

}  // namespace madoguchi::web
