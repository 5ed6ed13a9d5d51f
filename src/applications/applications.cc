#include "applications/applications.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "audit/audit.h"
#include "auth/crypto.h"
#include "applications/receipt.h"

namespace madoguchi::applications {
namespace {

store::Value opt(const std::optional<int64_t>& v) {
  return v ? store::Value(*v) : store::Value(nullptr);
}

// Answers are only ever stored by dump() of an object, so text that is not a JSON object was
// damaged outside madoguchi. That is an error for the caller, not an empty object: an empty
// form would show the resident or the case worker no answers, and a draft saved back would
// overwrite what may still be recovered by hand.
Result<Json> parse_answers(const std::string& text, const std::string& what) {
  Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Status::Internal("corrupt stored data: the answers of " + what + " are not a JSON object");
  }
  return j;
}

constexpr const char* kDraftColumns =
    "SELECT id, procedure_id, procedure_version, answers, application_id FROM drafts ";

// Fails (Internal) when the stored answers are corrupt.
Result<Draft> to_draft(const store::Row& r) {
  Draft d;
  d.id = r.i64(0);
  d.procedure_id = r.str(1);
  d.procedure_version = r.str(2);
  auto answers = parse_answers(r.str(3), "draft " + std::to_string(d.id));
  if (!answers.ok()) return answers.status();
  d.answers = std::move(*answers);
  if (!r.is_null(4)) d.application_id = r.i64(4);
  return d;
}

// Signed-in owners find their drafts by account (any device); guests by session.
std::pair<std::string, store::Value> owner_clause(const Owner& o) {
  if (o.account_id) return {"account_id = ?", *o.account_id};
  return {"session_hash = ? AND account_id IS NULL", o.session_hash};
}

constexpr const char* kAppColumns =
    "SELECT id, receipt, procedure_id, procedure_version, account_id, department, status, step, "
    "assignee, answers, answers_version, fee, submitted_at, due_date, updated_at, row_version "
    "FROM applications ";

// Fails (Internal) when the stored answers are corrupt.
Result<Application> to_app(const store::Row& r) {
  Application a;
  a.id = r.i64(0);
  a.receipt = r.str(1);
  a.procedure_id = r.str(2);
  a.procedure_version = r.str(3);
  if (!r.is_null(4)) a.account_id = r.i64(4);
  a.department = r.str(5);
  a.status = r.str(6);
  a.step = static_cast<int>(r.i64(7));
  if (!r.is_null(8)) a.assignee = r.i64(8);
  auto answers = parse_answers(r.str(9), "application " + std::to_string(a.id));
  if (!answers.ok()) return answers.status();
  a.answers = std::move(*answers);
  a.answers_version = static_cast<int>(r.i64(10));
  a.fee = r.i64(11);
  a.submitted_at = r.i64(12);
  a.due_date = Date::parse_iso(r.str(13)).value_or(Date{});
  a.updated_at = r.i64(14);
  a.row_version = r.i64(15);
  return a;
}

}  // namespace

Result<Draft> open_draft(store::Transaction& tx, const Owner& owner, const std::string& procedure_id,
                         const std::string& version, const Json& prefill, int64_t now) {
  auto [where, key] = owner_clause(owner);
  auto rows = tx.query(std::string(kDraftColumns) + "WHERE " + where +
                           " AND procedure_id = ? AND application_id IS NULL ORDER BY id DESC LIMIT 1",
                       {key, procedure_id});
  if (!rows.ok()) return rows.status();
  if (!rows->empty()) return to_draft(rows->at(0));
  auto ins = tx.query(
      "INSERT INTO drafts (session_hash, account_id, procedure_id, procedure_version, answers, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {owner.session_hash, opt(owner.account_id), procedure_id, version, prefill.dump(), now, now});
  if (!ins.ok()) return ins.status();
  Draft d;
  d.id = ins->at(0).i64(0);
  d.procedure_id = procedure_id;
  d.procedure_version = version;
  d.answers = prefill;
  return d;
}

Result<Draft> load_draft(store::Transaction& tx, const Owner& owner, int64_t draft_id) {
  auto [where, key] = owner_clause(owner);
  auto rows = tx.query(std::string(kDraftColumns) + "WHERE id = ? AND " + where, {draft_id, key});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no such draft");
  return to_draft(rows->at(0));
}

Result<std::vector<std::pair<Draft, int64_t>>> list_drafts(store::Transaction& tx, const Owner& owner) {
  auto [where, key] = owner_clause(owner);
  auto rows = tx.query("SELECT id, procedure_id, procedure_version, answers, application_id, updated_at FROM drafts WHERE " +
                           where + " ORDER BY updated_at DESC, id DESC",
                       {key});
  if (!rows.ok()) return rows.status();
  std::vector<std::pair<Draft, int64_t>> out;
  for (const auto& r : *rows) {
    auto d = to_draft(r);
    if (!d.ok()) return d.status();
    out.emplace_back(std::move(*d), r.i64(5));
  }
  return out;
}

Status save_draft(store::Transaction& tx, const Draft& d, int64_t now) {
  return tx.exec("UPDATE drafts SET answers = ?, procedure_version = ?, updated_at = ? WHERE id = ?",
                 {d.answers.dump(), d.procedure_version, now, d.id})
      .status();
}

Result<Attachment> add_attachment(store::Transaction& tx, int64_t draft_id, const std::string& field,
                                  const std::string& filename, const std::string& content_type,
                                  const std::string& data, int64_t now) {
  Attachment a;
  a.id = auth::random_token().substr(0, 22);
  a.field = field;
  a.filename = filename;
  a.content_type = content_type;
  a.size = static_cast<int64_t>(data.size());
  a.sha256 = auth::sha256_hex(data);
  auto r = tx.exec(
      "INSERT INTO attachments (id, draft_id, field, filename, content_type, size, sha256, data, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {a.id, draft_id, field, filename, content_type, a.size, a.sha256,
       store::Blob(data.begin(), data.end()), now});
  if (!r.ok()) return r.status();
  return a;
}

Result<int64_t> draft_attachment_bytes(store::Transaction& tx, int64_t draft_id) {
  auto rows = tx.query("SELECT COALESCE(SUM(size), 0) FROM attachments WHERE draft_id = ?", {draft_id});
  if (!rows.ok()) return rows.status();
  return rows->at(0).i64(0);
}

Status drop_unreferenced_attachments(store::Transaction& tx, int64_t draft_id,
                                     const std::vector<std::string>& keep_ids) {
  auto rows = tx.query("SELECT id FROM attachments WHERE draft_id = ?", {draft_id});
  if (!rows.ok()) return rows.status();
  for (const auto& r : *rows) {
    std::string id = r.str(0);
    if (std::find(keep_ids.begin(), keep_ids.end(), id) != keep_ids.end()) continue;
    if (auto s = tx.exec("DELETE FROM attachments WHERE id = ?", {id}); !s.ok()) return s.status();
  }
  return Status::Ok();
}

Result<std::pair<Attachment, std::string>> read_attachment(store::Transaction& tx,
                                                           int64_t application_id,
                                                           const std::string& attachment_id) {
  auto rows = tx.query(
      "SELECT id, field, filename, content_type, sha256, size, data FROM attachments "
      "WHERE id = ? AND application_id = ?",
      {attachment_id, application_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no such attachment");
  const auto& r = rows->at(0);
  Attachment a{r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.i64(5)};
  return std::make_pair(a, r.str(6));
}

Result<std::vector<Attachment>> attachments_of(store::Transaction& tx, int64_t application_id) {
  auto rows = tx.query(
      "SELECT id, field, filename, content_type, sha256, size FROM attachments WHERE application_id = ? ORDER BY created_at, id",
      {application_id});
  if (!rows.ok()) return rows.status();
  std::vector<Attachment> out;
  for (const auto& r : *rows) out.push_back({r.str(0), r.str(1), r.str(2), r.str(3), r.str(4), r.i64(5)});
  return out;
}

Result<Receipt> submit(store::Transaction& tx, const Draft& d, const std::string& department,
                       int64_t fee, const Date& due, const std::string& actor_name, int64_t now) {
  auto owner = tx.query("SELECT account_id FROM drafts WHERE id = ?", {d.id});
  if (!owner.ok()) return owner.status();
  if (owner->empty()) return Status::NotFound("draft already submitted");
  store::Value account = owner->at(0).is_null(0) ? store::Value(nullptr) : store::Value(owner->at(0).i64(0));
  Receipt out;
  out.access_code = new_access_code();
  // A clash of random receipt numbers is astronomically rare, but must not fail a submission.
  for (int attempt = 0;; ++attempt) {
    out.receipt = new_receipt_number();
    auto exists = tx.query("SELECT 1 FROM applications WHERE receipt = ?", {out.receipt});
    if (!exists.ok()) return exists.status();
    if (exists->empty()) break;
    if (attempt > 5) return Status::Internal("could not allocate a receipt number");
  }
  auto ins = tx.query(
      "INSERT INTO applications (receipt, access_code_hash, procedure_id, procedure_version, account_id, "
      "department, status, step, answers, answers_version, fee, submitted_at, due_date, updated_at, row_version) "
      "VALUES (?, ?, ?, ?, ?, ?, 'received', 0, ?, 1, ?, ?, ?, ?, 1) RETURNING id",
      {out.receipt, auth::sha256_hex(out.access_code), d.procedure_id, d.procedure_version, account,
       department, d.answers.dump(), fee, now, due.iso(), now});
  if (!ins.ok()) return ins.status();
  out.application_id = ins->at(0).i64(0);
  if (auto r = tx.exec("INSERT INTO application_versions (application_id, version_no, answers, created_at) VALUES (?, 1, ?, ?)",
                       {out.application_id, d.answers.dump(), now});
      !r.ok()) {
    return r.status();
  }
  if (auto r = tx.exec("UPDATE attachments SET application_id = ?, draft_id = NULL WHERE draft_id = ?",
                       {out.application_id, d.id});
      !r.ok()) {
    return r.status();
  }
  if (auto r = tx.exec("DELETE FROM drafts WHERE id = ?", {d.id}); !r.ok()) return r.status();
  Event e{now, "resident", actor_name, "submitted", "", 0};
  if (Status s = add_event(tx, out.application_id, e, std::nullopt); !s.ok()) return s;
  return out;
}

Result<Application> find_by_id(store::Transaction& tx, int64_t id) {
  auto rows = tx.query(std::string(kAppColumns) + "WHERE id = ?", {id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no such application");
  return to_app(rows->at(0));
}

Result<Application> find_by_receipt(store::Transaction& tx, const std::string& receipt) {
  auto rows = tx.query(std::string(kAppColumns) + "WHERE receipt = ?", {receipt});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no such application");
  return to_app(rows->at(0));
}

bool access_code_matches(store::Transaction& tx, int64_t application_id, const std::string& code) {
  auto rows = tx.query("SELECT access_code_hash FROM applications WHERE id = ?", {application_id});
  if (!rows.ok()) {
    // Fails closed: a store error never lets a code through.
    spdlog::error("checking the access code of application {} failed: {}", application_id, rows.status().message());
    return false;
  }
  if (rows->empty()) return false;
  return auth::constant_time_equal(rows->at(0).str(0), auth::sha256_hex(code));
}

Result<std::vector<Application>> find_for_account(store::Transaction& tx, int64_t account_id) {
  auto rows = tx.query(std::string(kAppColumns) + "WHERE account_id = ? ORDER BY submitted_at DESC, id DESC",
                       {account_id});
  if (!rows.ok()) return rows.status();
  std::vector<Application> out;
  for (const auto& r : *rows) {
    auto a = to_app(r);
    if (!a.ok()) return a.status();
    out.push_back(std::move(*a));
  }
  return out;
}

std::vector<Application> list_for_account(store::Transaction& tx, int64_t account_id) {
  auto found = find_for_account(tx, account_id);
  if (found.ok()) return std::move(*found);
  spdlog::error("listing the applications of account {} failed: {}", account_id, found.status().message());
  return {};
}

Result<std::vector<Event>> events(store::Transaction& tx, int64_t application_id) {
  auto rows = tx.query(
      "SELECT at, actor_kind, actor_name, action, message, step FROM events WHERE application_id = ? ORDER BY id",
      {application_id});
  if (!rows.ok()) return rows.status();
  std::vector<Event> out;
  for (const auto& r : *rows) {
    out.push_back({r.i64(0), r.str(1), r.str(2), r.str(3), r.str(4), static_cast<int>(r.i64(5))});
  }
  return out;
}

Result<std::vector<std::pair<int, Json>>> answer_versions(store::Transaction& tx, int64_t application_id) {
  auto rows = tx.query("SELECT version_no, answers FROM application_versions WHERE application_id = ? ORDER BY version_no",
                       {application_id});
  if (!rows.ok()) return rows.status();
  std::vector<std::pair<int, Json>> out;
  for (const auto& r : *rows) {
    const int version = static_cast<int>(r.i64(0));
    auto answers = parse_answers(
        r.str(1), "version " + std::to_string(version) + " of application " + std::to_string(application_id));
    if (!answers.ok()) return answers.status();
    out.emplace_back(version, std::move(*answers));
  }
  return out;
}

Status add_event(store::Transaction& tx, int64_t application_id, const Event& e,
                 std::optional<int64_t> actor_id) {
  return tx
      .exec("INSERT INTO events (application_id, at, actor_kind, actor_id, actor_name, action, step, message) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {application_id, e.at, e.actor_kind, opt(actor_id), e.actor_name, e.action, int64_t{e.step}, e.message})
      .status();
}

Result<Draft> open_correction(store::Transaction& tx, const Owner& owner, const Application& app,
                              int64_t now) {
  auto rows = tx.query(std::string(kDraftColumns) + "WHERE application_id = ?", {app.id});
  if (!rows.ok()) return rows.status();
  if (!rows->empty()) return to_draft(rows->at(0));
  auto ins = tx.query(
      "INSERT INTO drafts (session_hash, account_id, procedure_id, procedure_version, answers, application_id, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
      {owner.session_hash, opt(owner.account_id), app.procedure_id, app.procedure_version, app.answers.dump(),
       app.id, now, now});
  if (!ins.ok()) return ins.status();
  Draft d;
  d.id = ins->at(0).i64(0);
  d.procedure_id = app.procedure_id;
  d.procedure_version = app.procedure_version;
  d.answers = app.answers;
  d.application_id = app.id;
  return d;
}

Status resubmit(store::Transaction& tx, const Draft& d, const std::string& actor_name, int64_t now) {
  if (!d.application_id) return Status::Invalid("not a correction draft");
  auto app = find_by_id(tx, *d.application_id);
  if (!app.ok()) return app.status();
  if (app->status != "correction") return Status::Conflict("application is not awaiting a correction");
  int next = app->answers_version + 1;
  auto r = tx.exec(
      "UPDATE applications SET answers = ?, answers_version = ?, status = 'in_review', updated_at = ?, "
      "row_version = row_version + 1 WHERE id = ? AND row_version = ?",
      {d.answers.dump(), int64_t{next}, now, app->id, app->row_version});
  if (!r.ok()) return r.status();
  if (*r != 1) return Status::Conflict("application changed meanwhile");
  if (auto v = tx.exec("INSERT INTO application_versions (application_id, version_no, answers, created_at) VALUES (?, ?, ?, ?)",
                       {app->id, int64_t{next}, d.answers.dump(), now});
      !v.ok()) {
    return v.status();
  }
  if (auto v = tx.exec("UPDATE attachments SET application_id = ?, draft_id = NULL WHERE draft_id = ?", {app->id, d.id});
      !v.ok()) {
    return v.status();
  }
  if (auto v = tx.exec("DELETE FROM drafts WHERE id = ?", {d.id}); !v.ok()) return v.status();
  return add_event(tx, app->id, Event{now, "resident", actor_name, "resubmitted", "", app->step}, app->account_id);
}

Status withdraw(store::Transaction& tx, const Application& app, const std::string& reason,
                const std::string& actor_name, const std::string& actor, int64_t now) {
  // The status guard in the UPDATE, not only the read above it, decides: a staff decision
  // committed in between makes this a Conflict on every backend.
  auto r = tx.exec(
      "UPDATE applications SET status = 'withdrawn', updated_at = ?, row_version = row_version + 1 "
      "WHERE id = ? AND status IN ('received', 'in_review', 'correction')",
      {now, app.id});
  if (!r.ok()) return r.status();
  if (*r != 1) return Status::Conflict("the application is already decided or withdrawn");
  for (const char* sql : {"DELETE FROM attachments WHERE draft_id IN (SELECT id FROM drafts WHERE application_id = ?)",
                          "DELETE FROM drafts WHERE application_id = ?"}) {
    if (auto d = tx.exec(sql, {app.id}); !d.ok()) return d.status();
  }
  if (Status s = add_event(tx, app.id, Event{now, "resident", actor_name, "withdrawn", reason, app.step},
                           app.account_id);
      !s.ok()) {
    return s;
  }
  return audit::record(tx, {actor, "application.withdraw", "application:" + std::to_string(app.id), app.status},
                       now);
}

Status remember_version(store::Transaction& tx, const std::string& procedure_id,
                        const std::string& version, const std::string& body, int64_t now) {
  auto rows = tx.query("SELECT 1 FROM procedure_versions WHERE version = ?", {version});
  if (!rows.ok()) return rows.status();
  if (!rows->empty()) return Status::Ok();
  return tx.exec("INSERT INTO procedure_versions (version, procedure_id, body, created_at) VALUES (?, ?, ?, ?)",
                 {version, procedure_id, body, now})
      .status();
}

Result<std::string> version_text(store::Transaction& tx, const std::string& version) {
  auto rows = tx.query("SELECT body FROM procedure_versions WHERE version = ?", {version});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("unknown definition version");
  return rows->at(0).str(0);
}

}  // namespace madoguchi::applications
