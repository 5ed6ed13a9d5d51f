// Issued documents: the holder's download (signed-in owner, or a guest with receipt number +
// access code), the copy of what was submitted, staff's download, and /verify. Every download
// goes through a use case that checks who asks and writes the audit entry.
#include "web/document_pages.h"

#include <spdlog/spdlog.h>

#include "ja/wareki.h"
#include "usecases/documents.h"
#include "web/route.h"
#include "web/views.h"

namespace madoguchi::web {
namespace {

http::Response pdf_download(usecases::DocumentFile file) {
  http::Response res;
  res.content_type = "application/pdf";
  res.body = std::move(file.pdf);
  res.as_attachment(file.filename);
  // Personal data: never kept by a shared cache or the browser's.
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

// The answer to a download: the file, or the error page a lookup would show.
http::Response download_answer(Call& c, const Result<usecases::DocumentFile>& file, int64_t wait) {
  if (wait > 0) {
    return c.error(429, "document.too_many");
  }
  if (!file.ok()) {
    if (file.status().code() == Status::Code::kNotFound) return c.error(404, "error.no_application");
    spdlog::error("document download failed: {}", file.status().message());
    return c.error(500, "error.internal");
  }
  return pdf_download(*file);
}

// Owner routes are open, as /applications/{receipt} is: without an account the application
// is nobody's, and the answer is the same 404 as for someone else's receipt number.
usecases::Holder owner_holder(Call& c) { return {c.v.account->id, c.req.params["receipt"], std::nullopt}; }
usecases::Holder guest_holder(Call& c) { return {std::nullopt, c.field("receipt"), c.field("code")}; }

http::Response owner_document(Call& c) {
  if (!c.v.account || c.v.account->kind != "resident") return c.error(404, "error.no_application");
  int64_t wait = 0;
  auto file = usecases::holder_document(env(c.app), owner_holder(c), &wait);
  return download_answer(c, file, wait);
}

http::Response guest_document(Call& c) {
  int64_t wait = 0;
  auto file = usecases::holder_document(env(c.app), guest_holder(c), &wait);
  return download_answer(c, file, wait);
}

http::Response owner_copy(Call& c) {
  if (!c.v.account || c.v.account->kind != "resident") return c.error(404, "error.no_application");
  int64_t wait = 0;
  auto file = usecases::submitted_copy(env(c.app), owner_holder(c), c.v.locale, &wait);
  return download_answer(c, file, wait);
}

http::Response guest_copy(Call& c) {
  int64_t wait = 0;
  auto file = usecases::submitted_copy(env(c.app), guest_holder(c), c.v.locale, &wait);
  return download_answer(c, file, wait);
}

http::Response staff_download(Call& c) {
  const auto& acc = *c.v.account;
  auto file = usecases::staff_document(env(c.app), {acc.id, acc.display_name, acc.department, acc.role}, c.id("id"));
  if (!file.ok()) {
    if (file.status().code() == Status::Code::kNotFound) return c.error(404, "error.not_found");
    return c.error(500, "error.internal");
  }
  return pdf_download(std::move(*file));
}

// What /verify shows of a genuine document: who issued it, what kind of document, when, and
// its number — all printed on the document itself, none of it about the holder.
Json verdict_view(App& app, const std::string& locale, const usecases::Verdict& v) {
  Json view = Json::object();
  if (v.kind == usecases::Verdict::Kind::kGenuine && v.document) {
    const auto& d = *v.document;
    const auto* p = app.catalog.find(d.procedure_id);
    view["genuine"] = true;
    view["issuer"] = d.issuer;
    view["kind"] = p && p->document ? localized(p->document->title, locale) : Json{{"text", d.procedure_id}};
    view["issued"] = format_both(jst_date_of(d.issued_at));
    view["number"] = d.number;
  } else if (v.kind == usecases::Verdict::Kind::kNotGenuine) {
    view["not_genuine"] = true;
  } else {
    view["unknown"] = true;
  }
  return view;
}

http::Response verify_page(Call& c) {
  if (Status s = ensure_session(c.app, &c.v); !s.ok()) return c.error(500, "error.internal");
  Json view = Json::object();
  const std::string number = c.req.query_param("n");
  const std::string check = c.req.query_param("c");
  view["number"] = number;
  view["check"] = check;
  if (!number.empty() || !check.empty()) {
    auto verdict = usecases::verify_number(env(c.app), number, check);
    if (!verdict.ok()) return c.error(500, "error.internal");
    view["result"] = verdict_view(c.app, c.v.locale, *verdict);
    view["result"]["by_number"] = true;
  }
  return c.render(200, "documents/verify", view, "verify.title");
}

http::Response verify_upload(Call& c) {
  Json view = Json::object();
  if (c.files.empty()) {
    view["file_error"] = c.app.locales.t(c.v.locale, "verify.no_file");
    return c.render(200, "documents/verify", view, "verify.title");
  }
  auto verdict = usecases::verify_file(env(c.app), c.files.front().data);
  if (!verdict.ok()) return c.error(500, "error.internal");
  view["result"] = verdict_view(c.app, c.v.locale, *verdict);
  view["result"]["by_file"] = true;
  return c.render(200, "documents/verify", view, "verify.title");
}

}  // namespace

Json document_links(App& app, const std::string& locale, const applications::Application& a, bool owner,
                    const std::string& access_code) {
  if (!owner && access_code.empty()) return Json();
  Json view = Json::object();
  auto issued = usecases::issued_for(env(app), a.id);
  if (!issued.ok()) {
    spdlog::error("reading the issued document failed: {}", issued.status().message());
  } else if (*issued) {
    const auto* p = app.catalog.find(a.procedure_id);
    const std::string title = p && p->document ? p->document->title.get(locale) : (*issued)->number;
    view["document"] = {
        {"label", app.locales.t(locale, "document.download", {{"title", title}})},
        {"info", app.locales.t(locale, "document.issued_info",
                               {{"number", (*issued)->number},
                                {"date", format_date(app, locale, jst_date_of((*issued)->issued_at))}})}};
    if (owner) view["document"]["doc_href"] = "/applications/" + a.receipt + "/document";
  }
  view["copy"] = {{"label", app.locales.t(locale, "document.copy_download")}};
  if (owner) view["copy"]["doc_href"] = "/applications/" + a.receipt + "/copy";
  // Keys of their own: a section looks names up in the views around it too ("href" is the
  // application's own link there).
  if (!owner) {
    view["doc_via_form"] = true;
    view["access_code"] = access_code;
  }
  return view;
}

void register_document_routes(http::Router& r, App& app) {
  add_route(r, app, "GET", "/applications/{receipt}/document", kOpen, owner_document);
  add_route(r, app, "GET", "/applications/{receipt}/copy", kOpen, owner_copy);
  add_route(r, app, "POST", "/status/document", kCsrf, guest_document);
  add_route(r, app, "POST", "/status/copy", kCsrf, guest_copy);
  add_route(r, app, "GET", "/staff/cases/{id:id}/document", kStaff, staff_download);
  add_route(r, app, "GET", "/verify", kOpen, verify_page);
  add_route(r, app, "POST", "/verify", kCsrf | kUploads, verify_upload);
}

}  // namespace madoguchi::web
