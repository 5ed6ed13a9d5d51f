#include "decisions/decisions.h"

#include "applications/applications.h"
#include "audit/audit.h"

namespace madoguchi::decisions {
namespace {

procedures::LocalizedText text_of(const forms::Context& ctx, const std::string& key) {
  procedures::LocalizedText t;
  t.by_locale["ja"] = ctx.locales.t("ja", key);
  t.by_locale[ctx.locale] = ctx.locales.t(ctx.locale, key);
  return t;
}

// Splits the form's answers into the record's parts.
void take_answers(Json answers, Record* out) {
  out->outcome =
      answers.contains("outcome") && answers["outcome"].is_string() ? answers["outcome"].get<std::string>() : "";
  out->reason = answers.contains("reason") && answers["reason"].is_string() ? answers["reason"].get<std::string>() : "";
  answers.erase("outcome");
  answers.erase("reason");
  out->fields = std::move(answers);
}

}  // namespace

const procedures::Outcome* outcome_of(const procedures::Decision& decision, const Record& record) {
  return decision.find(record.outcome);
}

bool needs_reason(const procedures::Outcome& outcome) { return outcome.kind != procedures::Outcome::Kind::kGranted; }

procedures::Procedure decision_form(const procedures::Decision& decision, const forms::Context& ctx) {
  procedures::Field outcome;
  outcome.id = "outcome";
  outcome.type = procedures::FieldType::kRadio;
  outcome.required = true;
  outcome.label = text_of(ctx, "decision.outcome");
  procedures::Condition explain;
  explain.kind = procedures::Condition::Kind::kOneOf;
  explain.field = "outcome";
  for (const auto& o : decision.outcomes) {
    outcome.options.push_back({o.value, o.label});
    if (needs_reason(o)) explain.values.push_back(o.value);
  }
  procedures::Page page;
  page.id = "decision";
  page.fields.push_back(std::move(outcome));
  page.fields.insert(page.fields.end(), decision.fields.begin(), decision.fields.end());
  if (!explain.values.empty()) {
    procedures::Field reason;
    reason.id = "reason";
    reason.type = procedures::FieldType::kTextarea;
    reason.required = true;
    reason.max_length = 2000;
    reason.label = text_of(ctx, "decision.reason");
    reason.help = text_of(ctx, "decision.reason_hint");
    reason.visible_if = std::move(explain);
    page.fields.push_back(std::move(reason));
  }
  procedures::Procedure p;
  p.id = "decision";
  p.pages.push_back(std::move(page));
  return p;
}

Json form_answers(const Record& record) {
  Json answers = record.fields.is_object() ? record.fields : Json::object();
  answers["outcome"] = record.outcome;
  if (!record.reason.empty()) answers["reason"] = record.reason;
  return answers;
}

std::vector<forms::FieldError> read(const procedures::Decision& decision, const forms::Posted& posted,
                                    const forms::Context& ctx, Record* out) {
  const procedures::Procedure form = decision_form(decision, ctx);
  Json answers = Json::object();
  std::vector<forms::FieldError> errors = forms::apply_page(form, form.pages[0], posted, {}, &answers, ctx);
  take_answers(std::move(answers), out);
  return errors;
}

bool complete(const procedures::Decision& decision, const Record& record, const forms::Context& ctx) {
  if (!outcome_of(decision, record)) return false;
  const procedures::Procedure form = decision_form(decision, ctx);
  return forms::validate_page(form, form.pages[0], form_answers(record), ctx).empty();
}

Result<std::optional<Record>> find(store::Transaction& tx, int64_t application_id) {
  auto rows = tx.query(
      "SELECT outcome, fields, reason, recorded_by, recorded_by_name, recorded_at FROM decisions "
      "WHERE application_id = ?",
      {application_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return std::optional<Record>();
  const store::Row& row = rows->front();
  Record r;
  r.outcome = row.str(0);
  r.fields = Json::parse(row.str(1), nullptr, false);
  if (r.fields.is_discarded() || !r.fields.is_object()) {
    return Status::Internal("corrupt stored data: the decision of application " + std::to_string(application_id));
  }
  r.reason = row.str(2);
  r.recorded_by = row.i64(3);
  r.recorded_by_name = row.str(4);
  r.recorded_at = row.i64(5);
  return std::optional<Record>(std::move(r));
}

Status save(store::Transaction& tx, int64_t application_id, int64_t expected_row_version, const Record& record,
            int64_t now) {
  auto app = applications::find_by_id(tx, application_id);
  if (!app.ok()) return app.status();
  auto changed =
      tx.exec("UPDATE applications SET updated_at = ?, row_version = row_version + 1 WHERE id = ? AND row_version = ?",
              {now, application_id, expected_row_version});
  if (!changed.ok()) return changed.status();
  if (*changed != 1) return Status::Conflict("the application changed since it was shown");
  if (auto d = tx.exec("DELETE FROM decisions WHERE application_id = ?", {application_id}); !d.ok()) {
    return d.status();
  }
  auto ins = tx.exec(
      "INSERT INTO decisions (application_id, outcome, fields, reason, recorded_by, recorded_by_name, recorded_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {application_id, record.outcome, record.fields.dump(), record.reason, record.recorded_by, record.recorded_by_name,
       now});
  if (!ins.ok()) return ins.status();
  applications::Event e{now, "staff", record.recorded_by_name, "decision", "", app->step};
  if (Status s = applications::add_event(tx, application_id, e, record.recorded_by); !s.ok()) return s;
  return audit::record(tx,
                       {"staff:" + std::to_string(record.recorded_by), "case.decision",
                        "application:" + std::to_string(application_id), "outcome=" + record.outcome},
                       now);
}

}  // namespace madoguchi::decisions
