#include "usecases/documents.h"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <mutex>

#include "audit/audit.h"
#include "core/date.h"
#include "decisions/decisions.h"
#include "documents/render.h"
#include "forms/form.h"
#include "i18n/format.h"
#include "ja/wareki.h"
#include "steps/step.h"
#include "usecases/definition_version.h"
#include "usecases/follow.h"

namespace madoguchi::usecases {
namespace {

// Whether a step still holds application `a` (payments: a fee owed after review and unpaid).
// Until it lets go, the resident gets no issued document and pages show none (staff_document
// still gives it to staff: the case is theirs to complete once paid).
Result<bool> held_back(const Env& env, store::Transaction& tx, const applications::Application& a) {
  const procedures::Procedure* def = env.catalog.find(a.procedure_id);
  if (!def) return false;
  auto held = env.steps.holding(*def, {env, tx, a, unix_now()});
  if (!held.ok()) return held.status();
  return held->has_value();
}

// Loaded once per set of file names: reading and parsing keys on every issuance would cost
// more than signing does.
template <typename T>
struct CachedFromFiles {
  std::mutex mu;
  std::string names;
  std::optional<Result<T>> value;
};

const char* document_kind_name(procedures::DocumentTemplate::Kind k) {
  return k == procedures::DocumentTemplate::Kind::kCertificate ? "certificate" : "decision_notice";
}

std::string public_base_url(const Config& config) {
  std::string base = config.public_url.empty() ? "http://" + config.listen : config.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

// The summary rows of field `id` (its own row, or its parts' and rows' rows).
void summary_rows_of(const Json& summary, const std::string& id, std::vector<documents::Row>* out) {
  for (const auto& page : summary) {
    for (const auto& row : page.value("rows", Json::array())) {
      // html_id is the field's HTML name with '.' as '-': "f-<id>", "f-<id>-<part>", "f-<group>-<row>-<child>".
      const std::string html_id = row.value("html_id", "");
      if (html_id == "f-" + id || html_id.rfind("f-" + id + "-", 0) == 0) {
        out->push_back({row.value("label", ""), row.value("value", "")});
      }
    }
  }
}

std::vector<documents::Row> all_summary_rows(const Json& summary) {
  std::vector<documents::Row> out;
  for (const auto& page : summary) {
    for (const auto& row : page.value("rows", Json::array())) {
      out.push_back({row.value("label", ""), row.value("value", "")});
    }
  }
  return out;
}

std::string document_issuer(const Config& config, const documents::SigningKey& key) {
  return config.documents_issuer.empty() ? key.subject_name() : config.documents_issuer;
}

// The page of a document in Japanese: the ward's documents are.
documents::Content document_content(const Env& env, const procedures::Procedure& def,
                                    const applications::Application& a, const decisions::Record* decision,
                                    const std::string& issuer, const std::string& number,
                                    const std::string& check_value, const Date& issued_on) {
  const std::string ja = "ja";
  const auto& doc = *def.document;
  const forms::Context ctx{env.locales, ja, issued_on};
  documents::Content c;
  c.issuer = issuer;
  const auto& departments = env.catalog.organisation().departments;
  if (auto it = departments.find(def.department); it != departments.end()) c.department = it->second.get(ja);
  c.title = doc.title.get(ja);
  c.number_line = env.locales.t(ja, "document.number_line", {{"number", number}});
  c.date_line = env.locales.t(ja, "document.issued_on", {{"date", format_both(issued_on)}});
  const Json answers = forms::summary_view(def, a.answers, ctx);
  for (const auto& id : doc.answers) summary_rows_of(answers, id, &c.rows);
  if (decision && def.decision) {
    const Json decided =
        forms::summary_view(decisions::decision_form(*def.decision, ctx), decisions::form_answers(*decision), ctx);
    // A notice states the outcome itself; a certificate is only issued when granted.
    if (doc.kind == procedures::DocumentTemplate::Kind::kDecisionNotice) summary_rows_of(decided, "outcome", &c.rows);
    for (const auto& id : doc.decision_fields) summary_rows_of(decided, id, &c.rows);
  }
  c.rows.push_back({env.locales.t(ja, "document.receipt"), a.receipt});
  c.statement =
      env.locales.t(ja, doc.kind == procedures::DocumentTemplate::Kind::kCertificate ? "document.statement_certificate"
                                                                                     : "document.statement_notice");
  c.qr_url = public_base_url(env.config) + "/verify?n=" + number + "&c=" + check_value;
  c.qr_caption = env.locales.t(ja, "document.qr_caption");
  c.footer = env.locales.t(ja, "document.footer");
  return c;
}

// The holder's application, as the guest lookup proves it (or the signed-in owner's).
Result<applications::Application> holders_application(const Env& env, const Holder& holder, int64_t* wait) {
  *wait = 0;
  if (holder.account_id) return own_application(env, *holder.account_id, holder.receipt);
  if (!holder.access_code) return Status::NotFound("no application");
  auto found = guest_lookup(env, holder.receipt, *holder.access_code);
  if (!found.ok()) return found.status();
  *wait = found->wait_seconds;
  if (!found->found) return Status::NotFound("no application");
  return std::move(*found->found);
}

std::string holder_actor(const Holder& holder) {
  return holder.account_id ? "resident:" + std::to_string(*holder.account_id) : "guest";
}

}  // namespace

Result<documents::SigningKey> document_signing_key(const Config& config) {
  static CachedFromFiles<documents::SigningKey> cache;
  std::lock_guard lock(cache.mu);
  const std::string names = config.documents_key + "\n" + config.documents_certificate;
  if (!cache.value || cache.names != names) {
    cache.names = names;
    cache.value = config.documents_key.empty()
                      ? Result<documents::SigningKey>(Status::NotFound("documents_key is not set"))
                      : documents::SigningKey::load(config.documents_key, config.documents_certificate);
  }
  return *cache.value;
}

Result<documents::Trust> document_trust(const Config& config) {
  static CachedFromFiles<documents::Trust> cache;
  std::lock_guard lock(cache.mu);
  const std::string names = config.documents_ca + "\n" + config.documents_certificate;
  if (!cache.value || cache.names != names) {
    cache.names = names;
    cache.value = config.documents_ca.empty() && config.documents_certificate.empty()
                      ? Result<documents::Trust>(Status::NotFound("no trusted certificates configured"))
                      : documents::Trust::load(config.documents_ca, config.documents_certificate);
  }
  return *cache.value;
}

Status issue_document(const Env& env, store::Transaction& tx, const applications::Application& a,
                      const procedures::Procedure& def, int64_t now) {
  if (!def.document || a.status != "approved") return Status::Ok();
  std::optional<decisions::Record> decision;
  if (def.decision) {
    auto d = decisions::find(tx, a.id);
    if (!d.ok()) return d.status();
    if (!*d) return Status::Ok();
    const procedures::Outcome* o = decisions::outcome_of(*def.decision, **d);
    if (!o || o->kind == procedures::Outcome::Kind::kRefused) return Status::Ok();
    decision = std::move(**d);
  }
  auto key = document_signing_key(env.config);
  if (!key.ok()) return key.status().code() == Status::Code::kNotFound ? Status::Ok() : key.status();
  const Date today = jst_date_of(now);
  auto number = documents::next_number(tx, today.year);
  if (!number.ok()) return number.status();
  documents::Issued doc;
  doc.number = *number;
  doc.application_id = a.id;
  doc.procedure_id = a.procedure_id;
  doc.kind = document_kind_name(def.document->kind);
  doc.issuer = document_issuer(env.config, *key);
  doc.department = a.department;
  doc.check_value = documents::random_hex(16);
  doc.issued_at = now;
  auto pdf = documents::render_pdf(
      document_content(env, def, a, decision ? &*decision : nullptr, doc.issuer, doc.number, doc.check_value, today));
  if (!pdf.ok()) return pdf.status();
  auto signed_pdf = documents::sign_pdf(*pdf, *key, now, "Madoguchi " + doc.number);
  if (!signed_pdf.ok()) return signed_pdf.status();
  doc.pdf = std::move(*signed_pdf);
  doc.sha256 = documents::sha256_hex(doc.pdf);
  if (Status s = documents::insert(tx, &doc); !s.ok()) return s;
  return audit::record(tx, {"system", "document.issue", "application:" + std::to_string(a.id), doc.number}, now);
}

Result<DocumentFile> holder_document(const Env& env, const Holder& holder, int64_t* wait_seconds) {
  auto a = holders_application(env, holder, wait_seconds);
  if (!a.ok()) return a.status();
  std::optional<DocumentFile> out;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto held = held_back(env, tx, *a);
    if (!held.ok()) return held.status();
    if (*held) return Status::NotFound("no document until the fee is paid");
    auto doc = documents::for_application(tx, a->id, true);
    if (!doc.ok()) return doc.status();
    if (!*doc) return Status::NotFound("no document");
    out = DocumentFile{(*doc)->number + ".pdf", std::move((*doc)->pdf)};
    return audit::record(
        tx, {holder_actor(holder), "document.download", "application:" + std::to_string(a->id), (*doc)->number},
        unix_now());
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

Result<DocumentFile> submitted_copy(const Env& env, const Holder& holder, const std::string& locale,
                                    int64_t* wait_seconds) {
  auto a = holders_application(env, holder, wait_seconds);
  if (!a.ok()) return a.status();
  std::optional<DocumentFile> out;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto def = definition_for(env.catalog, tx, a->procedure_id, a->procedure_version);
    if (!def) return Status::Internal("definition missing for " + a->procedure_id);
    const forms::Context ctx{env.locales, locale, today_jst()};
    documents::Content c;
    c.issuer = env.locales.t(locale, "document.copy_heading");
    c.title = def->title.get(locale);
    c.date_line = env.locales.t(locale, "document.submitted_on",
                                {{"date", i18n::format_date(env.locales, locale, jst_date_of(a->submitted_at))}});
    c.rows.push_back({env.locales.t(locale, "document.receipt"), a->receipt});
    auto rows = all_summary_rows(forms::summary_view(*def, a->answers, ctx));
    c.rows.insert(c.rows.end(), rows.begin(), rows.end());
    c.statement = env.locales.t(locale, "document.copy_statement");
    c.footer = env.locales.t(locale, "document.copy_footer");
    auto pdf = documents::render_pdf(c);
    if (!pdf.ok()) return pdf.status();
    out = DocumentFile{a->receipt + "-copy.pdf", std::move(*pdf)};
    return audit::record(tx, {holder_actor(holder), "application.copy", "application:" + std::to_string(a->id), ""},
                         unix_now());
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

Result<DocumentFile> staff_document(const Env& env, const Staff& staff, int64_t id) {
  std::optional<DocumentFile> out;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto a = case_in_department(tx, staff, id);
    if (!a.ok()) return a.status();
    auto doc = documents::for_application(tx, a->id, true);
    if (!doc.ok()) return doc.status();
    if (!*doc) return Status::NotFound("no document");
    out = DocumentFile{(*doc)->number + ".pdf", std::move((*doc)->pdf)};
    return audit::record(tx,
                         {"staff:" + std::to_string(staff.id), "document.staff_download",
                          "application:" + std::to_string(a->id), (*doc)->number},
                         unix_now());
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

Result<std::optional<documents::Issued>> issued_for(const Env& env, int64_t application_id) {
  std::optional<documents::Issued> out;
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto a = applications::find_by_id(tx, application_id);
    if (!a.ok()) return a.status();
    auto held = held_back(env, tx, *a);
    if (!held.ok()) return held.status();
    if (*held) return Status::Ok();  // not yet the resident's: no link
    auto doc = documents::for_application(tx, application_id, false);
    if (!doc.ok()) return doc.status();
    out = std::move(*doc);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<Verdict> verify_number(const Env& env, const std::string& number, const std::string& check_value) {
  Verdict v;
  if (number.empty() || number.size() > 32 || check_value.size() != 32) return v;
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto doc = documents::by_number(tx, number);
    if (!doc.ok()) return doc.status();
    // Compared in constant time, though a wrong guess only ever learns "unknown".
    if (*doc && CRYPTO_memcmp((*doc)->check_value.data(), check_value.data(), 32) == 0) {
      v.kind = Verdict::Kind::kGenuine;
      v.document = std::move(*doc);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return v;
}

Result<Verdict> verify_file(const Env& env, const std::string& pdf) {
  Verdict v;
  v.kind = Verdict::Kind::kNotGenuine;
  auto trust = document_trust(env.config);
  if (!trust.ok()) {
    if (trust.status().code() != Status::Code::kNotFound) return trust.status();
    return v;
  }
  const auto check = documents::verify_pdf(pdf, *trust);
  if (!check.valid) {
    spdlog::info("verify: an uploaded PDF is not genuine: {}", check.problem);
    return v;
  }
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto doc = documents::by_sha256(tx, check.sha256);
    if (!doc.ok()) return doc.status();
    if (*doc) {
      v.kind = Verdict::Kind::kGenuine;
      v.document = std::move(*doc);
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return v;
}

}  // namespace madoguchi::usecases
