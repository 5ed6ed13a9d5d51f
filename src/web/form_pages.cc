// Filling in a procedure: start, one page at a time (every Next saves the draft), check your
// answers, submit. The receipt is rendered only after the submitting transaction committed.
#include <spdlog/spdlog.h>

#include "applications/applications.h"
#include "auth/accounts.h"
#include "forms/form.h"
#include "usecases/drafts.h"
#include "usecases/save_page.h"
#include "usecases/submit.h"
#include "web/app.h"
#include "web/route.h"
#include "web/views.h"

namespace madoguchi::web {
namespace {

using procedures::Page;
using procedures::Procedure;

applications::Owner owner_of(const Visitor& v) {
  applications::Owner o;
  o.session_hash = v.session ? v.session->token_hash : "";
  if (v.account) o.account_id = v.account->id;
  return o;
}

std::vector<const Page*> visible_pages(const Procedure& p, const Json& answers) {
  std::vector<const Page*> out;
  for (const auto& page : p.pages) {
    if (forms::page_visible(page, answers)) out.push_back(&page);
  }
  return out;
}

const Page* find_page(const Procedure& p, const std::string& id) {
  for (const auto& page : p.pages) {
    if (page.id == id) return &page;
  }
  return nullptr;
}

std::string draft_base(int64_t id) { return "/drafts/" + std::to_string(id); }

struct Loaded {
  applications::Draft draft;
  const Procedure* proc = nullptr;
};

// The draft of this visitor with its procedure, or an error response.
std::optional<http::Response> load(Call& c, Loaded* out) {
  if (!c.v.session) return c.error(404, "error.no_draft");
  auto d = usecases::load_draft(env(c.app), owner_of(c.v), c.id("draft"));
  if (!d.ok()) return c.error(404, "error.no_draft");
  out->draft = std::move(*d);
  out->proc = c.app.catalog.find(out->draft.procedure_id);
  if (!out->proc) return c.error(404, "error.no_procedure");
  return std::nullopt;
}

forms::Context context(App& app, const Visitor& v) { return forms::Context{app.locales, v.locale, today_jst()}; }

http::Response render_form_page(Call& c, const Loaded& l, const Page& page,
                                const std::vector<forms::FieldError>& errors, int status) {
  App& app = c.app;
  const Visitor& v = c.v;
  auto ctx = context(app, v);
  auto pages = visible_pages(*l.proc, l.draft.answers);
  size_t index = 0;
  for (size_t i = 0; i < pages.size(); ++i) {
    if (pages[i] == &page) index = i;
  }
  Json view;
  view["procedure_title"] = localized(l.proc->title, v.locale);
  view["page_title"] = localized(page.title, v.locale);
  if (!page.intro.empty()) view["page_intro"] = localized(page.intro, v.locale);
  view["fields"] = forms::page_view(*l.proc, page, l.draft.answers, errors, ctx);
  view["action"] =
      draft_base(l.draft.id) + "/pages/" + page.id + (c.req.query_param("return") == "check" ? "?return=check" : "");
  view["progress"] = app.locales.t(v.locale, "form.progress",
                                   {{"current", std::to_string(index + 1)}, {"total", std::to_string(pages.size())}});
  view["has_back"] = index > 0;
  view["stop"] = page.stop;
  view["multipart"] = true;
  // The address enhancement asks GET /postal/{code} only when the server has the table.
  view["postal_lookup"] = !app.postal.empty();
  if (!errors.empty()) {
    Json list = Json::array();
    for (const auto& e : errors) list.push_back({{"href", "#" + e.html_id}, {"message", e.message}});
    view["errors"] = list;
  }
  std::string title = page.title.get(v.locale) + " - " + l.proc->title.get(v.locale);
  if (!errors.empty()) title = app.locales.t(v.locale, "form.error_prefix") + title;
  return c.render(status, "form_page", view, "", title);
}

// Start (or resume) a draft for a procedure.
http::Response start(Call& c) {
  App& app = c.app;
  const Procedure* p = app.catalog.find(c.req.params["id"]);
  if (!p) return c.error(404, "error.no_procedure");
  if (!p->online || p->identity == procedures::IdentityLevel::kVerified) return c.error(404, "error.not_online");
  if (p->identity == procedures::IdentityLevel::kAccount && !(c.v.account && !c.v.account->is_staff())) {
    return http::Response::redirect("/login?next=" + http::percent_encode("/procedures/" + p->id));
  }
  // Once-only: never ask a signed-in resident for what their profile already says.
  Json prefill = c.v.account ? forms::prefill_from_profile(*p, c.v.account->profile) : Json::object();
  auto d = usecases::open_draft(env(app), owner_of(c.v), *p, prefill);
  if (!d.ok()) return c.error(500, "error.internal");
  auto pages = visible_pages(*p, Json::object());
  if (pages.empty()) return c.error(500, "error.internal");
  return http::Response::redirect(draft_base(d->id) + "/pages/" + pages.front()->id);
}

http::Response show_page(Call& c) {
  Loaded l;
  if (auto err = load(c, &l)) return *err;
  const Page* pg = find_page(*l.proc, c.req.params["page"]);
  if (!pg) return c.error(404, "error.not_found");
  std::vector<forms::FieldError> errors;
  if (c.req.query_param("errors") == "1") {
    errors = forms::validate_page(*l.proc, *pg, l.draft.answers, context(c.app, c.v));
  }
  return render_form_page(c, l, *pg, errors, 200);
}

http::Response post_page(Call& c) {
  Loaded l;
  if (auto err = load(c, &l)) return *err;
  const Page* pg = find_page(*l.proc, c.req.params["page"]);
  if (!pg) return c.error(400, "error.unknown_field");
  usecases::PagePost post;
  post.action = c.field("action");
  for (const auto& [k, val] : c.posted) {
    if (k == "csrf" || k == "action") continue;
    if (!forms::page_accepts_name(*pg, k)) return c.error(400, "error.unknown_field");
    post.fields.emplace_back(k, val);
  }
  for (auto& part : c.files) post.files.push_back({part.name, part.filename, std::move(part.data)});
  auto saved = usecases::save_page(env(c.app), &l.draft, *l.proc, *pg, post, context(c.app, c.v));
  if (!saved.ok()) {
    if (saved.status().code() == Status::Code::kInvalid) return c.error(400, "error.unknown_field");
    spdlog::error("saving draft failed: {}", saved.status().message());
    return c.error(500, "error.internal");
  }
  const std::string& action = post.action;
  std::string here = draft_base(l.draft.id) + "/pages/" + pg->id;
  std::string keep_return = c.req.query_param("return") == "check" ? "?return=check" : "";
  if (action.rfind("add:", 0) == 0 || action.rfind("remove:", 0) == 0) {
    return http::Response::redirect(here + keep_return);
  }
  auto pages = visible_pages(*l.proc, l.draft.answers);
  auto it = std::find(pages.begin(), pages.end(), pg);
  if (action == "back") {
    if (it != pages.end() && it != pages.begin()) {
      return http::Response::redirect(draft_base(l.draft.id) + "/pages/" + (*(it - 1))->id);
    }
    return http::Response::redirect("/procedures/" + l.proc->id);
  }
  if (!saved->empty() || pg->stop) return render_form_page(c, l, *pg, *saved, 200);
  if (!keep_return.empty()) return http::Response::redirect(draft_base(l.draft.id) + "/check");
  if (it != pages.end() && it + 1 != pages.end()) {
    return http::Response::redirect(draft_base(l.draft.id) + "/pages/" + (*(it + 1))->id);
  }
  return http::Response::redirect(draft_base(l.draft.id) + "/check");
}

// Continue a saved draft where it is incomplete: the first visible page that does not
// validate, else the check page.
http::Response resume(Call& c) {
  Loaded l;
  if (auto err = load(c, &l)) return *err;
  auto ctx = context(c.app, c.v);
  for (const Page* pg : visible_pages(*l.proc, l.draft.answers)) {
    if (pg->stop || !forms::validate_page(*l.proc, *pg, l.draft.answers, ctx).empty()) {
      return http::Response::redirect(draft_base(l.draft.id) + "/pages/" + pg->id);
    }
  }
  return http::Response::redirect(draft_base(l.draft.id) + "/check");
}

http::Response check_page(Call& c) {
  App& app = c.app;
  Loaded l;
  if (auto err = load(c, &l)) return *err;
  auto ctx = context(app, c.v);
  Json summary = forms::summary_view(*l.proc, l.draft.answers, ctx);
  // A change link per answer, to its page and straight to its field.
  for (auto& pg : summary) {
    if (!pg.contains("id")) continue;
    std::string href = draft_base(l.draft.id) + "/pages/" + pg["id"].get<std::string>() + "?return=check";
    for (auto& row : pg["rows"]) row["change_href"] = href + "#" + row.value("html_id", std::string());
  }
  Json view;
  view["procedure_title"] = localized(l.proc->title, c.v.locale);
  view["pages"] = summary;
  view["fee"] = format_yen(app, c.v.locale, forms::fee_for(*l.proc, l.draft.answers));
  view["action"] = draft_base(l.draft.id) + "/submit";
  view["is_correction"] = l.draft.application_id.has_value();
  return c.render(200, "check", view, "check.title");
}

http::Response submit(Call& c) {
  Loaded l;
  if (auto err = load(c, &l)) return *err;
  const int64_t draft_id = l.draft.id;
  usecases::Submitter who{c.v.session->token_hash, c.v.account, c.v.locale};
  auto out = usecases::submit_draft(env(c.app), who, std::move(l.draft), *l.proc, context(c.app, c.v));
  if (!out.ok()) {
    if (out.status().code() == Status::Code::kConflict || out.status().code() == Status::Code::kNotFound) {
      return c.error(409, "error.conflict");
    }
    spdlog::error("submission failed: {}", out.status().message());
    return c.error(500, "error.internal");
  }
  using Kind = usecases::SubmitOutcome::Kind;
  if (out->kind == Kind::kIncomplete) {
    return http::Response::redirect(draft_base(draft_id) + "/pages/" + out->page_id +
                                    (out->show_errors ? "?errors=1" : ""));
  }
  // Only now, after the commit, is the receipt number shown.
  if (c.app.metrics) c.app.metrics->inc("madoguchi_submissions_total", "Applications submitted (committed).");
  if (out->kind == Kind::kResubmitted) {
    // Guests have no "my applications"; they follow it with receipt number and access code.
    return http::Response::redirect(c.v.account ? "/applications/" + out->receipt : "/status?resubmitted=1");
  }
  return http::Response::redirect("/receipt/" + out->receipt);
}

// The receipt page, a GET so a reload or a language switch does not resubmit. Only the
// session that submitted sees it (with the guest's access code); anyone else gets a 404.
http::Response receipt_page(Call& c) {
  App& app = c.app;
  const Visitor& v = c.v;
  Json flash = v.session ? Json::parse(v.session->flash, nullptr, false) : Json();
  if (!flash.is_object() || flash.value("receipt", "") != c.req.params["receipt"]) {
    return c.error(404, "error.no_application");
  }
  const Procedure* p = app.catalog.find(flash.value("procedure", ""));
  Date due = Date::parse_iso(flash.value("due", "")).value_or(today_jst());
  long long fee = flash.value("fee", 0LL);
  Json view;
  if (p) {
    view["procedure_title"] = localized(p->title, v.locale);
    view["processing_days"] = p->processing_days;
  }
  view["receipt"] = flash["receipt"];
  view["guest"] = flash.value("guest", true);
  // The access code is shown once: it leaves the session before this page is sent, so a
  // reload, the Back button or the next person at a shared computer no longer sees it.
  std::string code = flash.value("code", "");
  if (!code.empty()) {
    flash.erase("code");
    if (Status s = usecases::forget_access_code(env(app), v.session->token_hash, flash.dump()); !s.ok()) {
      spdlog::error("receipt page failed: {}", s.message());
      return c.error(500, "error.internal");
    }
    view["access_code"] = code;
  }
  view["decide_by"] = format_date(app, v.locale, due);
  view["fee"] = format_yen(app, v.locale, fee);
  view["has_fee"] = fee > 0;
  if (Json pay = payment_panel(app, v, flash["receipt"].get<std::string>(), !flash.value("guest", true), code);
      !pay.is_null()) {
    view["payment"] = pay;
  }
  return c.render(200, "receipt", view, "receipt.title");
}

}  // namespace

void register_form_routes(http::Router& r, App& app) {
  add_route(r, app, "POST", "/procedures/{id}/start", kCsrf, start);
  add_route(r, app, "GET", "/drafts/{draft:id}/pages/{page}", kOpen, show_page);
  add_route(r, app, "POST", "/drafts/{draft:id}/pages/{page}", kCsrf | kUploads, post_page);
  add_route(r, app, "GET", "/drafts/{draft:id}/resume", kOpen, resume);
  add_route(r, app, "GET", "/drafts/{draft:id}/check", kOpen, check_page);
  add_route(r, app, "POST", "/drafts/{draft:id}/submit", kCsrf, submit);
  add_route(r, app, "GET", "/receipt/{receipt}", kOpen, receipt_page);
}

}  // namespace madoguchi::web
