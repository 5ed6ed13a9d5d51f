// Staff console: the department's queue, a case page (every answer with its label, in the
// definition version it was filled against; attachments; history) and the actions on it.
// Staff see only their own department: another department's case is a 404, as if absent.
// Every view of a case and every download is audit-logged in the same transaction as the read.
#include <spdlog/spdlog.h>

#include "applications/applications.h"
#include "audit/audit.h"
#include "cases/cases.h"
#include "core/wareki.h"
#include "forms/form.h"
#include "web/app.h"
#include "web/notices.h"
#include "web/views.h"

namespace madoguchi::web {
namespace {

bool is_staff(const Visitor& v) { return v.account && v.account->is_staff(); }

std::string actor_of(const Visitor& v) { return "staff:" + std::to_string(v.account->id); }

http::Response queue_page(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  if (!is_staff(v)) return http::Response::redirect("/login?next=%2Fstaff");
  cases::QueueFilter f;
  f.department = v.account->department;
  f.procedure_id = req.query_param("procedure");
  f.status = req.query_param("status");
  if (req.query_param("sort") == "due") f.sort = cases::QueueFilter::Sort::kDue;
  Json rows = Json::array();
  Json counts = Json::array();
  std::string today = today_jst().iso();
  Status s = store::with_write(*app.store, [&](store::Transaction& tx) {
    auto q = cases::queue(tx, f);
    if (!q.ok()) return q.status();
    for (const auto& r : *q) {
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
    auto c = cases::counts(tx, f.department);
    if (!c.ok()) return c.status();
    for (const auto& [status, n] : *c) {
      counts.push_back({{"status", status_text(app, v.locale, status)}, {"id", status}, {"count", n},
                        {"current", status == f.status}});
    }
    return audit::record(tx, {actor_of(v), "queue.view", "department:" + f.department, ""}, unix_now());
  });
  if (!s.ok()) return error_page(app, v, req, 500, "error.internal");
  Json procs = Json::array();
  for (const auto& p : app.catalog.all()) {
    if (p.department != f.department) continue;
    procs.push_back(localized(p.title, v.locale, {{"id", p.id}, {"selected", p.id == f.procedure_id}}));
  }
  Json view;
  view["rows"] = rows;
  view["none"] = rows.empty();
  view["counts"] = counts;
  view["procedures"] = procs;
  view["sort_due"] = f.sort == cases::QueueFilter::Sort::kDue;
  view["status"] = f.status;
  auto dept = app.catalog.organisation().departments.find(f.department);
  if (dept != app.catalog.organisation().departments.end()) view["department"] = localized(dept->second, v.locale);
  return page(app, v, req, 200, "staff/queue", view, "staff.queue_title");
}

std::optional<int64_t> case_id(const http::Request& req) {
  try {
    size_t used = 0;
    int64_t id = std::stoll(req.params.at("id"), &used);
    if (used != req.params.at("id").size()) return std::nullopt;
    return id;
  } catch (...) {
    return std::nullopt;
  }
}

http::Response case_page(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  if (!is_staff(v)) return http::Response::redirect("/login?next=%2Fstaff");
  auto id = case_id(req);
  if (!id) return error_page(app, v, req, 404, "error.no_application");
  Json view;
  bool found = false;
  forms::Context ctx{app.locales, v.locale, today_jst()};
  Status s = store::with_write(*app.store, [&](store::Transaction& tx) {
    auto a = applications::find_by_id(tx, *id);
    if (!a.ok() || a->department != v.account->department) return Status::Ok();
    found = true;
    auto def = definition_for(app, tx, a->procedure_id, a->procedure_version);
    if (!def) return Status::Internal("definition missing");
    view["receipt"] = a->receipt;
    view["procedure_title"] = localized(def->title, v.locale);
    view["status"] = status_text(app, v.locale, a->status);
    view["status_id"] = a->status;
    view["step"] = def->route.empty() ? "" : app.catalog.organisation().roles.count(def->route[a->step])
                                                 ? app.catalog.organisation().roles.at(def->route[a->step]).title.get(v.locale)
                                                 : def->route[a->step];
    view["submitted"] = format_time(a->submitted_at);
    view["due"] = format_date(app, v.locale, a->due_date);
    view["overdue"] = cases::is_open(a->status) && a->due_date < today_jst();
    view["fee"] = format_yen(app, v.locale, a->fee);
    view["version"] = a->procedure_version.substr(0, 12);
    view["row_version"] = a->row_version;
    view["action"] = "/staff/cases/" + std::to_string(a->id) + "/act";
    view["answers"] = forms::summary_view(*def, a->answers, ctx);
    auto versions = applications::answer_versions(tx, a->id);
    if (!versions.ok()) return versions.status();
    Json earlier = Json::array();
    for (const auto& [no, answers] : *versions) {
      if (no == a->answers_version) continue;
      earlier.push_back({{"version", no}, {"pages", forms::summary_view(*def, answers, ctx)}});
    }
    view["earlier_versions"] = earlier;
    auto files = applications::attachments_of(tx, a->id);
    if (!files.ok()) return files.status();
    Json list = Json::array();
    for (const auto& f : *files) {
      list.push_back({{"name", f.filename}, {"type", f.content_type}, {"kb", (f.size + 1023) / 1024},
                      {"href", "/staff/cases/" + std::to_string(a->id) + "/attachments/" + f.id}});
    }
    view["attachments"] = list;
    auto ev = applications::events(tx, a->id);
    if (!ev.ok()) return ev.status();
    Json history = Json::array();
    for (const auto& e : *ev) {
      history.push_back({{"when", format_time(e.at)}, {"what", event_text(app, v.locale, e.action, e.step, &*def)},
                         {"who", e.actor_name}, {"message", e.message}});
    }
    view["history"] = history;
    // Offer only the actions this member of staff may take now.
    cases::State state{a->status, a->step};
    for (const char* name : {"assign", "approve", "correction", "reject", "complete"}) {
      auto act = cases::parse_action(name);
      if (act && cases::transition(state, *act, def->route, v.account->role).ok()) view[std::string("can_") + name] = true;
    }
    // Both take a message to the resident; during a correction only rejecting is left.
    view["can_message"] = view.contains("can_correction") || view.contains("can_reject");
    return audit::record(tx, {actor_of(v), "case.view", "application:" + std::to_string(a->id), ""}, unix_now());
  });
  if (!s.ok()) {
    spdlog::error("case page failed: {}", s.message());
    return error_page(app, v, req, 500, "error.internal");
  }
  if (!found) return error_page(app, v, req, 404, "error.no_application");
  return page(app, v, req, 200, "staff/case", view, "staff.case_title");
}

http::Response act(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  if (!is_staff(v)) return error_page(app, v, req, 403, "error.csrf");
  auto posted = http::parse_urlencoded(req.body);
  if (!posted.ok()) return error_page(app, v, req, 400, "error.bad_request");
  if (!csrf_ok(v, *posted)) return error_page(app, v, req, 403, "error.csrf");
  auto id = case_id(req);
  auto action = cases::parse_action(field(*posted, "action"));
  int64_t row_version = 0;
  try {
    row_version = std::stoll(field(*posted, "row_version"));
  } catch (...) {
    return error_page(app, v, req, 400, "error.bad_request");
  }
  if (!id || !action) return error_page(app, v, req, 400, "error.bad_request");
  cases::Actor actor{v.account->id, v.account->display_name, v.account->department, v.account->role};
  Status s = store::with_write(*app.store, [&](store::Transaction& tx) {
    auto a = applications::find_by_id(tx, *id);
    if (!a.ok() || a->department != v.account->department) return Status::NotFound("no case");
    auto def = definition_for(app, tx, a->procedure_id, a->procedure_version);
    if (!def) return Status::Internal("definition missing");
    const int64_t now = unix_now();
    if (Status st = cases::act(tx, *id, row_version, *action, actor, def->route, field(*posted, "message"), now);
        !st.ok()) {
      return st;
    }
    auto after = applications::find_by_id(tx, *id);
    if (!after.ok()) return after.status();
    const std::string notice = notice_after_action(after->status);
    return notice.empty() ? Status::Ok() : queue_notice(app, tx, *after, notice, now);
  });
  switch (s.code()) {
    case Status::Code::kOk: return http::Response::redirect("/staff/cases/" + std::to_string(*id));
    case Status::Code::kNotFound: return error_page(app, v, req, 404, "error.no_application");
    case Status::Code::kConflict: return error_page(app, v, req, 409, "staff.conflict");
    case Status::Code::kPermissionDenied: return error_page(app, v, req, 403, "staff.not_your_step");
    case Status::Code::kInvalid: return error_page(app, v, req, 400, "staff.invalid_action");
    default:
      spdlog::error("case action failed: {}", s.message());
      return error_page(app, v, req, 500, "error.internal");
  }
}

http::Response download(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  if (!is_staff(v)) return http::Response::redirect("/login?next=%2Fstaff");
  auto id = case_id(req);
  if (!id) return error_page(app, v, req, 404, "error.not_found");
  std::optional<std::pair<applications::Attachment, std::string>> file;
  Status s = store::with_write(*app.store, [&](store::Transaction& tx) {
    auto a = applications::find_by_id(tx, *id);
    if (!a.ok() || a->department != v.account->department) return Status::Ok();
    auto f = applications::read_attachment(tx, *id, req.params["aid"]);
    if (!f.ok()) return Status::Ok();
    file = *f;
    return audit::record(tx, {actor_of(v), "attachment.download", "application:" + std::to_string(*id), f->first.id},
                         unix_now());
  });
  if (!s.ok()) return error_page(app, v, req, 500, "error.internal");
  if (!file) return error_page(app, v, req, 404, "error.not_found");
  http::Response res;
  res.content_type = file->first.content_type;
  res.body = std::move(file->second);
  res.headers.emplace_back("Content-Disposition",
                           "attachment; filename=\"attachment\"; filename*=UTF-8''" + http::percent_encode(file->first.filename));
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

}  // namespace

void register_staff_routes(http::Router& r, App& app) {
  r.add("GET", "/staff", [&app](http::Request& req) { return queue_page(app, req); });
  r.add("GET", "/staff/cases/{id}", [&app](http::Request& req) { return case_page(app, req); });
  r.add("POST", "/staff/cases/{id}/act", [&app](http::Request& req) { return act(app, req); });
  r.add("GET", "/staff/cases/{id}/attachments/{aid}", [&app](http::Request& req) { return download(app, req); });
}

}  // namespace madoguchi::web
