#include "usecases/casework.h"

#include <spdlog/spdlog.h>

#include "audit/audit.h"
#include "core/date.h"
#include "steps/step.h"
#include "usecases/definition_version.h"

namespace madoguchi::usecases {
std::string audit_actor(const Staff& staff) { return "staff:" + std::to_string(staff.id); }

namespace {

std::string target_of(int64_t id) { return "application:" + std::to_string(id); }

// What case_in_department says about another department's case: NotFound like an unknown id
// (its existence is not revealed), with this message so the refusal can be audited.
constexpr const char* kOtherDepartment = "no case (another department's)";

// `s`, after auditing it when it refused another department's case. The refused transaction
// rolled back, so the entry is written in a transaction of its own; when that fails the
// refusal still stands and the failure is logged.
Status refused(const Env& env, const Staff& staff, int64_t id, const std::string& what, Status s) {
  if (s.code() != Status::Code::kNotFound || s.message() != kOtherDepartment) return s;
  Status a = store::with_write(env.store, [&](store::Transaction& tx) {
    return audit::record(tx, {audit_actor(staff), "access.refused", target_of(id), what + ": another department"},
                         unix_now());
  });
  if (!a.ok()) spdlog::error("auditing a refused access failed: {}", a.message());
  return s;
}

// Whether `staff` may record the decision now: the role that may approve at this step.
bool may_decide(const applications::Application& a, const procedures::Procedure& def, const Staff& staff) {
  if (!def.decision || (a.status != "received" && a.status != "in_review")) return false;
  return cases::transition({a.status, a.step}, cases::Action::kApprove, def.route, staff.role).ok();
}

// Approving agrees with the decision recorded: the procedure's decision must be complete.
Status decision_ready(const Env& env, store::Transaction& tx, const applications::Application& a,
                      const procedures::Procedure& def) {
  if (!def.decision) return Status::Ok();
  auto d = decisions::find(tx, a.id);
  if (!d.ok()) return d.status();
  const forms::Context ctx{env.locales, "ja", today_jst()};
  if (!*d || !decisions::complete(*def.decision, **d, ctx)) return Status::Invalid("no complete decision recorded");
  return Status::Ok();
}

// The moment a staff action brings the application to, if it is one steps hear about.
std::optional<steps::Moment> moment_after(const std::string& new_status) {
  if (new_status == "correction") return steps::Moment::kCorrectionRequested;
  if (new_status == "approved" || new_status == "rejected") return steps::Moment::kDecided;
  return std::nullopt;  // assigned, an intermediate approval, completed
}

}  // namespace

Result<applications::Application> case_in_department(store::Transaction& tx, const Staff& staff, int64_t id) {
  auto a = applications::find_by_id(tx, id);
  if (!a.ok()) return a.status();
  if (a->department != staff.department) return Status::NotFound(kOtherDepartment);
  return a;
}

Result<Queue> view_queue(const Env& env, const Staff& staff, cases::QueueFilter filter) {
  filter.department = staff.department;
  Queue out;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto q = cases::queue(tx, filter);
    if (!q.ok()) return q.status();
    out.rows = std::move(*q);
    auto c = cases::counts(tx, filter.department);
    if (!c.ok()) return c.status();
    out.counts = std::move(*c);
    return audit::record(tx, {audit_actor(staff), "queue.view", "department:" + filter.department, ""}, unix_now());
  });
  if (!s.ok()) return s;
  return out;
}

Result<CaseFile> open_case(const Env& env, const Staff& staff, int64_t id) {
  std::optional<CaseFile> out;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto a = case_in_department(tx, staff, id);
    if (!a.ok()) return a.status();
    auto def = definition_for(env.catalog, tx, a->procedure_id, a->procedure_version);
    if (!def) return Status::Internal("definition missing for " + a->procedure_id);
    auto versions = applications::answer_versions(tx, a->id);
    if (!versions.ok()) return versions.status();
    auto files = applications::attachments_of(tx, a->id);
    if (!files.ok()) return files.status();
    auto events = applications::events(tx, a->id);
    if (!events.ok()) return events.status();
    auto decision = decisions::find(tx, a->id);
    if (!decision.ok()) return decision.status();
    CaseFile f{*a, std::move(*def), std::move(*versions), std::move(*files), std::move(*events), {},
               std::move(*decision), false, ""};
    const cases::State state{a->status, a->step};
    const bool decided_enough = f.definition.decision == std::nullopt ||
                                (f.decision && decisions::complete(*f.definition.decision, *f.decision,
                                                                   {env.locales, "ja", today_jst()}));
    auto held = env.steps.holding(f.definition, {env, tx, *a, unix_now()});
    if (!held.ok()) return held.status();
    if (*held) f.held = **held;
    for (auto action : {cases::Action::kAssign, cases::Action::kApprove, cases::Action::kRequestCorrection,
                        cases::Action::kReject, cases::Action::kComplete}) {
      if (action == cases::Action::kApprove && !decided_enough) continue;
      if ((action == cases::Action::kApprove || action == cases::Action::kComplete) && !f.held.empty()) continue;
      if (cases::transition(state, action, f.definition.route, staff.role).ok()) f.allowed.push_back(action);
    }
    f.can_decide = may_decide(*a, f.definition, staff);
    out = std::move(f);
    return audit::record(tx, {audit_actor(staff), "case.view", target_of(a->id), ""}, unix_now());
  });
  if (!s.ok()) return refused(env, staff, id, "case.view", s);
  return std::move(*out);
}

Status act_on_case(const Env& env, const Staff& staff, int64_t id, int64_t row_version, cases::Action action,
                   const std::string& message) {
  return refused(env, staff, id, std::string("case.") + cases::action_name(action), store::with_write(env.store, [&](store::Transaction& tx) {
    auto a = case_in_department(tx, staff, id);
    if (!a.ok()) return a.status();
    auto def = definition_for(env.catalog, tx, a->procedure_id, a->procedure_version);
    if (!def) return Status::Internal("definition missing for " + a->procedure_id);
    const int64_t now = unix_now();
    // Only once cases::act would allow the approval, so its errors (stale page, wrong role)
    // keep their meaning.
    if (action == cases::Action::kApprove && a->row_version == row_version &&
        cases::transition({a->status, a->step}, action, def->route, staff.role).ok()) {
      if (Status st = decision_ready(env, tx, *a, *def); !st.ok()) return st;
    }
    // A step still waiting (an unpaid fee) holds the application: no approving or completing
    // (a stale page still gets Conflict from cases::act).
    if ((action == cases::Action::kApprove || action == cases::Action::kComplete) && a->row_version == row_version) {
      auto held = env.steps.holding(*def, {env, tx, *a, now});
      if (!held.ok()) return held.status();
      if (*held) return Status::Invalid("held by a step: " + **held);
    }
    if (Status st = cases::act(tx, id, row_version, action, staff, def->route, message, now); !st.ok()) return st;
    auto after = applications::find_by_id(tx, id);
    if (!after.ok()) return after.status();
    const auto moment = moment_after(after->status);
    return moment ? env.steps.run(*moment, *def, {env, tx, *after, now}) : Status::Ok();
  }));
}

Status record_decision(const Env& env, const Staff& staff, int64_t id, int64_t row_version,
                       const forms::Posted& posted, const std::string& locale,
                       std::vector<forms::FieldError>* errors, decisions::Record* typed) {
  errors->clear();
  return refused(env, staff, id, "case.decide", store::with_write(env.store, [&](store::Transaction& tx) {
    auto a = case_in_department(tx, staff, id);
    if (!a.ok()) return a.status();
    auto def = definition_for(env.catalog, tx, a->procedure_id, a->procedure_version);
    if (!def) return Status::Internal("definition missing for " + a->procedure_id);
    if (!def->decision) return Status::Invalid("the procedure declares no decision");
    if (a->row_version != row_version) return Status::Conflict("the application changed since it was shown");
    if (a->status != "received" && a->status != "in_review") return Status::Invalid("nothing to decide now");
    if (!may_decide(*a, *def, staff)) return Status::PermissionDenied("not the role of this step");
    decisions::Record record;
    *errors = decisions::read(*def->decision, posted, {env.locales, locale, today_jst()}, &record);
    *typed = record;
    if (!errors->empty()) return Status::Ok();
    record.recorded_by = staff.id;
    record.recorded_by_name = staff.name;
    return decisions::save(tx, id, row_version, record, unix_now());
  }));
}

Result<std::pair<applications::Attachment, std::string>> download_attachment(const Env& env, const Staff& staff,
                                                                             int64_t id,
                                                                             const std::string& attachment_id) {
  std::optional<std::pair<applications::Attachment, std::string>> file;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto a = case_in_department(tx, staff, id);
    if (!a.ok()) return a.status();
    auto f = applications::read_attachment(tx, id, attachment_id);
    if (!f.ok()) return f.status();
    file = std::move(*f);
    return audit::record(tx, {audit_actor(staff), "attachment.download", target_of(id), file->first.id}, unix_now());
  });
  if (!s.ok()) return refused(env, staff, id, "attachment.download", s);
  return std::move(*file);
}

}  // namespace madoguchi::usecases
