// Filling in a procedure: start, one page at a time (every Next saves the draft), check your
// answers, submit. The receipt is rendered only after the submitting transaction committed.
#include <spdlog/spdlog.h>

#include "applications/applications.h"
#include "auth/accounts.h"
#include "applications/file_type.h"
#include "core/wareki.h"
#include "forms/form.h"
#include "ja/text.h"
#include "web/app.h"
#include "web/notices.h"
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
std::optional<http::Response> load(App& app, Visitor& v, const http::Request& req, Loaded* out) {
  if (!v.session) return error_page(app, v, req, 404, "error.no_draft");
  int64_t id = 0;
  try {
    id = std::stoll(req.params.at("draft"));
  } catch (...) {
    return error_page(app, v, req, 404, "error.no_draft");
  }
  Status s = store::with_read(*app.store, [&](store::Transaction& tx) {
    auto d = applications::load_draft(tx, owner_of(v), id);
    if (!d.ok()) return d.status();
    out->draft = *d;
    return Status::Ok();
  });
  if (!s.ok()) return error_page(app, v, req, 404, "error.no_draft");
  out->proc = app.catalog.find(out->draft.procedure_id);
  if (!out->proc) return error_page(app, v, req, 404, "error.no_procedure");
  return std::nullopt;
}

forms::Context context(App& app, const Visitor& v) { return forms::Context{app.locales, v.locale, today_jst()}; }

http::Response render_form_page(App& app, const Visitor& v, const http::Request& req, const Loaded& l,
                                const Page& page, const std::vector<forms::FieldError>& errors,
                                int status) {
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
  view["action"] = draft_base(l.draft.id) + "/pages/" + page.id +
                   (req.query_param("return") == "check" ? "?return=check" : "");
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
  return web::page(app, v, req, status, "form_page", view, "", title);
}

// Start (or resume) a draft for a procedure.
http::Response start(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  const Procedure* p = app.catalog.find(req.params["id"]);
  if (!p) return error_page(app, v, req, 404, "error.no_procedure");
  auto posted = http::parse_urlencoded(req.body);
  if (!posted.ok()) return error_page(app, v, req, 400, "error.bad_request");
  if (!csrf_ok(v, *posted)) return error_page(app, v, req, 403, "error.csrf");
  if (!p->online || p->identity == procedures::IdentityLevel::kVerified) {
    return error_page(app, v, req, 404, "error.not_online");
  }
  if (p->identity == procedures::IdentityLevel::kAccount && !(v.account && !v.account->is_staff())) {
    return http::Response::redirect("/login?next=" + http::percent_encode("/procedures/" + p->id));
  }
  int64_t draft_id = 0;
  Status s = store::with_write(*app.store, [&](store::Transaction& tx) {
    // Once-only: never ask a signed-in resident for what their profile already says.
    Json prefill = v.account ? forms::prefill_from_profile(*p, v.account->profile) : Json::object();
    auto d = applications::open_draft(tx, owner_of(v), p->id, p->version, prefill, unix_now());
    if (!d.ok()) return d.status();
    draft_id = d->id;
    return Status::Ok();
  });
  if (!s.ok()) return error_page(app, v, req, 500, "error.internal");
  auto pages = visible_pages(*p, Json::object());
  if (pages.empty()) return error_page(app, v, req, 500, "error.internal");
  return http::Response::redirect(draft_base(draft_id) + "/pages/" + pages.front()->id);
}

http::Response show_page(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  Loaded l;
  if (auto err = load(app, v, req, &l)) return *err;
  const Page* pg = find_page(*l.proc, req.params["page"]);
  if (!pg) return error_page(app, v, req, 404, "error.not_found");
  std::vector<forms::FieldError> errors;
  if (req.query_param("errors") == "1") errors = forms::validate_page(*l.proc, *pg, l.draft.answers, context(app, v));
  return render_form_page(app, v, req, l, *pg, errors, 200);
}

struct Posted {
  http::Fields fields;
  std::vector<http::Part> files;
};

// Reads a urlencoded or multipart body. Invalid UTF-8 in any field is a client error.
Result<Posted> read_body(const http::Request& req) {
  Posted out;
  std::string type = req.header("content-type");
  if (type.rfind("multipart/form-data", 0) == 0) {
    auto parts = http::parse_multipart(type, req.body);
    if (!parts.ok()) return parts.status();
    for (auto& part : *parts) {
      if (!part.filename.empty() || part.content_type == "application/octet-stream") {
        if (!part.data.empty()) out.files.push_back(std::move(part));
      } else {
        out.fields.emplace_back(part.name, std::move(part.data));
      }
    }
  } else {
    auto f = http::parse_urlencoded(req.body);
    if (!f.ok()) return f.status();
    out.fields = std::move(*f);
  }
  for (const auto& [k, val] : out.fields) {
    if (!ja::is_clean_utf8(k) || !ja::is_clean_utf8(val)) return Status::Invalid("invalid UTF-8");
  }
  for (const auto& f : out.files) {
    if (!ja::is_clean_utf8(f.name) || !ja::is_clean_utf8(f.filename)) return Status::Invalid("invalid UTF-8");
  }
  return out;
}

const procedures::Field* find_file_field(const std::vector<procedures::Field>& fields, const std::string& id) {
  for (const auto& f : fields) {
    if (f.type == procedures::FieldType::kFile && f.id == id) return &f;
    if (f.type == procedures::FieldType::kFieldset) {
      if (auto* c = find_file_field(f.children, id)) return c;
    }
  }
  return nullptr;
}

http::Response post_page(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  Loaded l;
  if (auto err = load(app, v, req, &l)) return *err;
  const Page* pg = find_page(*l.proc, req.params["page"]);
  if (!pg) return error_page(app, v, req, 400, "error.unknown_field");
  auto body = read_body(req);
  if (!body.ok()) return error_page(app, v, req, 400, "error.bad_request");
  if (!csrf_ok(v, body->fields)) return error_page(app, v, req, 403, "error.csrf");
  std::string action = field(body->fields, "action");
  forms::Posted posted;
  for (const auto& [k, val] : body->fields) {
    if (k == "csrf" || k == "action") continue;
    if (!forms::page_accepts_name(*pg, k)) return error_page(app, v, req, 400, "error.unknown_field");
    posted.emplace_back(k, val);
  }
  auto ctx = context(app, v);
  std::vector<forms::FieldError> upload_errors;
  std::map<std::string, std::vector<Json>> uploads;
  Status s = store::with_write(*app.store, [&](store::Transaction& tx) {
    auto used = applications::draft_attachment_bytes(tx, l.draft.id);
    if (!used.ok()) return used.status();
    int64_t total = *used;
    for (const auto& part : body->files) {
      if (!forms::page_accepts_name(*pg, part.name)) return Status::Invalid("unknown file field");
      std::string id = part.name.substr(part.name.rfind('.') + 1);
      const procedures::Field* f = find_file_field(pg->fields, id);
      if (!f) return Status::Invalid("unknown file field");
      std::string html_id = part.name;
      std::replace(html_id.begin(), html_id.end(), '.', '-');
      std::map<std::string, std::string> params{{"label", f->label.get(v.locale)}, {"name", part.filename}};
      std::string type = applications::sniff_mime_type(part.data);
      std::vector<std::string> accept = f->accept;
      if (accept.empty()) accept = {"application/pdf", "image/jpeg", "image/png"};
      if (static_cast<long long>(part.data.size()) > app.config.max_file_bytes) {
        params["max"] = std::to_string(app.config.max_file_bytes >> 20);
        upload_errors.push_back({html_id, app.locales.t(v.locale, "upload.too_large", params)});
        continue;
      }
      if (std::find(accept.begin(), accept.end(), type) == accept.end()) {
        upload_errors.push_back({html_id, app.locales.t(v.locale, "upload.bad_type", params)});
        continue;
      }
      if (total + static_cast<int64_t>(part.data.size()) > app.config.max_application_bytes) {
        params["max"] = std::to_string(app.config.max_application_bytes >> 20);
        upload_errors.push_back({html_id, app.locales.t(v.locale, "upload.total_too_large", params)});
        continue;
      }
      auto a = applications::add_attachment(tx, l.draft.id, id, part.filename, type, part.data, unix_now());
      if (!a.ok()) return a.status();
      total += a->size;
      uploads[part.name].push_back({{"id", a->id}, {"name", a->filename}, {"size", a->size}, {"type", a->content_type}});
    }
    auto errors = forms::apply_page(*l.proc, *pg, posted, uploads, &l.draft.answers, ctx);
    upload_errors.insert(upload_errors.end(), errors.begin(), errors.end());
    if (action.rfind("add:", 0) == 0) {
      forms::add_group_row(*l.proc, action.substr(4), &l.draft.answers);
    } else if (action.rfind("remove:", 0) == 0) {
      std::string rest = action.substr(7);
      size_t colon = rest.rfind(':');
      if (colon != std::string::npos) {
        try {
          forms::remove_group_row(*l.proc, rest.substr(0, colon), std::stoul(rest.substr(colon + 1)), &l.draft.answers);
        } catch (...) {
          return Status::Invalid("bad row");
        }
      }
    }
    if (Status st = applications::drop_unreferenced_attachments(tx, l.draft.id,
                                                                forms::attachment_ids(*l.proc, l.draft.answers));
        !st.ok()) {
      return st;
    }
    return applications::save_draft(tx, l.draft, unix_now());
  });
  if (!s.ok()) {
    if (s.code() == Status::Code::kInvalid) return error_page(app, v, req, 400, "error.unknown_field");
    spdlog::error("saving draft failed: {}", s.message());
    return error_page(app, v, req, 500, "error.internal");
  }
  std::string here = draft_base(l.draft.id) + "/pages/" + pg->id;
  std::string keep_return = req.query_param("return") == "check" ? "?return=check" : "";
  if (action.rfind("add:", 0) == 0 || action.rfind("remove:", 0) == 0) {
    return http::Response::redirect(here + keep_return);
  }
  auto pages = visible_pages(*l.proc, l.draft.answers);
  auto it = std::find(pages.begin(), pages.end(), pg);
  if (action == "back") {
    if (it != pages.end() && it != pages.begin()) return http::Response::redirect(draft_base(l.draft.id) + "/pages/" + (*(it - 1))->id);
    return http::Response::redirect("/procedures/" + l.proc->id);
  }
  if (!upload_errors.empty() || pg->stop) return render_form_page(app, v, req, l, *pg, upload_errors, 200);
  if (!keep_return.empty()) return http::Response::redirect(draft_base(l.draft.id) + "/check");
  if (it != pages.end() && it + 1 != pages.end()) {
    return http::Response::redirect(draft_base(l.draft.id) + "/pages/" + (*(it + 1))->id);
  }
  return http::Response::redirect(draft_base(l.draft.id) + "/check");
}

// Continue a saved draft where it is incomplete: the first visible page that does not
// validate, else the check page.
http::Response resume(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  Loaded l;
  if (auto err = load(app, v, req, &l)) return *err;
  auto ctx = context(app, v);
  for (const Page* pg : visible_pages(*l.proc, l.draft.answers)) {
    if (pg->stop || !forms::validate_page(*l.proc, *pg, l.draft.answers, ctx).empty()) {
      return http::Response::redirect(draft_base(l.draft.id) + "/pages/" + pg->id);
    }
  }
  return http::Response::redirect(draft_base(l.draft.id) + "/check");
}

http::Response check_page(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  Loaded l;
  if (auto err = load(app, v, req, &l)) return *err;
  auto ctx = context(app, v);
  Json summary = forms::summary_view(*l.proc, l.draft.answers, ctx);
  // A change link per answer, to its page and straight to its field.
  for (auto& pg : summary) {
    if (!pg.contains("id")) continue;
    std::string href = draft_base(l.draft.id) + "/pages/" + pg["id"].get<std::string>() + "?return=check";
    for (auto& row : pg["rows"]) row["change_href"] = href + "#" + row.value("html_id", std::string());
  }
  Json view;
  view["procedure_title"] = localized(l.proc->title, v.locale);
  view["pages"] = summary;
  view["fee"] = format_yen(app, v.locale, forms::fee_for(*l.proc, l.draft.answers));
  view["action"] = draft_base(l.draft.id) + "/submit";
  view["is_correction"] = l.draft.application_id.has_value();
  return web::page(app, v, req, 200, "check", view, "check.title");
}

http::Response submit(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  Loaded l;
  if (auto err = load(app, v, req, &l)) return *err;
  auto posted = http::parse_urlencoded(req.body);
  if (!posted.ok()) return error_page(app, v, req, 400, "error.bad_request");
  if (!csrf_ok(v, *posted)) return error_page(app, v, req, 403, "error.csrf");
  auto ctx = context(app, v);
  forms::prune_hidden(*l.proc, &l.draft.answers);
  for (const Page* pg : visible_pages(*l.proc, l.draft.answers)) {
    if (pg->stop) return http::Response::redirect(draft_base(l.draft.id) + "/pages/" + pg->id);
    if (!forms::validate_page(*l.proc, *pg, l.draft.answers, ctx).empty()) {
      return http::Response::redirect(draft_base(l.draft.id) + "/pages/" + pg->id + "?errors=1");
    }
  }
  Date due = add_business_days(today_jst(), l.proc->processing_days, app.holidays);
  long long fee = forms::fee_for(*l.proc, l.draft.answers);
  std::string actor = v.account ? v.account->display_name : app.locales.t("ja", "actor.guest");
  l.draft.procedure_version = l.proc->version;
  applications::Receipt receipt;
  std::string resubmitted_receipt;
  Status s = store::with_write(*app.store, [&](store::Transaction& tx) {
    int64_t now = unix_now();
    if (Status st = applications::remember_version(tx, l.proc->id, l.proc->version, l.proc->text, now); !st.ok()) return st;
    if (l.draft.application_id) {
      auto app_row = applications::find_by_id(tx, *l.draft.application_id);
      if (!app_row.ok()) return app_row.status();
      resubmitted_receipt = app_row->receipt;
      if (Status st = applications::save_draft(tx, l.draft, now); !st.ok()) return st;
      if (v.account) {
        if (Status st = auth::set_locale(tx, v.account->id, v.locale); !st.ok()) return st;
      }
      return applications::resubmit(tx, l.draft, actor, now);
    }
    auto r = applications::submit(tx, l.draft, l.proc->department, fee, due, actor, now);
    if (!r.ok()) return r.status();
    receipt = *r;
    if (v.account) {
      // Later notices (a correction request, the decision) go out in the language used now.
      if (Status st = auth::set_locale(tx, v.account->id, v.locale); !st.ok()) return st;
      auto submitted = applications::find_by_id(tx, r->application_id);
      if (!submitted.ok()) return submitted.status();
      if (Status st = queue_notice(app, tx, *submitted, "received", now); !st.ok()) return st;
    }
    // Committed together with the application: the receipt page shows it to this session only.
    Json flash = {{"receipt", r->receipt}, {"code", r->access_code}, {"procedure", l.proc->id},
                  {"due", due.iso()}, {"fee", fee}, {"guest", !v.account.has_value()}};
    return auth::set_flash(tx, v.session->token_hash, flash.dump());
  });
  if (!s.ok()) {
    if (s.code() == Status::Code::kConflict || s.code() == Status::Code::kNotFound) {
      return error_page(app, v, req, 409, "error.conflict");
    }
    spdlog::error("submission failed: {}", s.message());
    return error_page(app, v, req, 500, "error.internal");
  }
  // Only now, after commit() returned ok, is the receipt number shown.
  if (app.metrics) app.metrics->inc("madoguchi_submissions_total", "Applications submitted (committed).");
  if (!resubmitted_receipt.empty()) {
    // Guests have no "my applications"; they follow it with receipt number and access code.
    return http::Response::redirect(v.account ? "/applications/" + resubmitted_receipt : "/status?resubmitted=1");
  }
  return http::Response::redirect("/receipt/" + receipt.receipt);
}

// The receipt page, a GET so a reload or a language switch does not resubmit. Only the
// session that submitted sees it (with the guest's access code); anyone else gets a 404.
http::Response receipt_page(App& app, http::Request& req) {
  Visitor v = identify(app, req);
  Json flash = v.session ? Json::parse(v.session->flash, nullptr, false) : Json();
  if (!flash.is_object() || flash.value("receipt", "") != req.params["receipt"]) {
    return error_page(app, v, req, 404, "error.no_application");
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
    // Lazy: lost in a power cut, the code would only be shown once more to this session.
    Status s = store::with_lazy_write(*app.store, [&](store::Transaction& tx) {
      return auth::set_flash(tx, v.session->token_hash, flash.dump());
    });
    if (!s.ok()) {
      spdlog::error("receipt page failed: {}", s.message());
      return error_page(app, v, req, 500, "error.internal");
    }
    view["access_code"] = code;
  }
  view["decide_by"] = format_date(app, v.locale, due);
  view["fee"] = format_yen(app, v.locale, fee);
  view["has_fee"] = fee > 0;
  return web::page(app, v, req, 200, "receipt", view, "receipt.title");
}

}  // namespace

void register_form_routes(http::Router& r, App& app) {
  r.add("POST", "/procedures/{id}/start", [&app](http::Request& req) { return start(app, req); });
  r.add("GET", "/drafts/{draft}/pages/{page}", [&app](http::Request& req) { return show_page(app, req); });
  r.add("POST", "/drafts/{draft}/pages/{page}", [&app](http::Request& req) { return post_page(app, req); });
  r.add("GET", "/drafts/{draft}/resume", [&app](http::Request& req) { return resume(app, req); });
  r.add("GET", "/drafts/{draft}/check", [&app](http::Request& req) { return check_page(app, req); });
  r.add("POST", "/drafts/{draft}/submit", [&app](http::Request& req) { return submit(app, req); });
  r.add("GET", "/receipt/{receipt}", [&app](http::Request& req) { return receipt_page(app, req); });
}

}  // namespace madoguchi::web
