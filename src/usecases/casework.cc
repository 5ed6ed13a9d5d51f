#include "usecases/casework.h"

#include "audit/audit.h"
#include "core/date.h"
#include "steps/step.h"
#include "usecases/definition_version.h"

namespace madoguchi::usecases {
namespace {

std::string actor_of(const Staff& staff) { return "staff:" + std::to_string(staff.id); }

std::string target_of(int64_t id) { return "application:" + std::to_string(id); }

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
  if (a->department != staff.department) return Status::NotFound("no case");
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
    return audit::record(tx, {actor_of(staff), "queue.view", "department:" + filter.department, ""}, unix_now());
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
    CaseFile f{*a, std::move(*def), std::move(*versions), std::move(*files), std::move(*events), {}};
    const cases::State state{a->status, a->step};
    for (auto action : {cases::Action::kAssign, cases::Action::kApprove, cases::Action::kRequestCorrection,
                        cases::Action::kReject, cases::Action::kComplete}) {
      if (cases::transition(state, action, f.definition.route, staff.role).ok()) f.allowed.push_back(action);
    }
    out = std::move(f);
    return audit::record(tx, {actor_of(staff), "case.view", target_of(a->id), ""}, unix_now());
  });
  if (!s.ok()) return s;
  return std::move(*out);
}

Status act_on_case(const Env& env, const Staff& staff, int64_t id, int64_t row_version, cases::Action action,
                   const std::string& message) {
  return store::with_write(env.store, [&](store::Transaction& tx) {
    auto a = case_in_department(tx, staff, id);
    if (!a.ok()) return a.status();
    auto def = definition_for(env.catalog, tx, a->procedure_id, a->procedure_version);
    if (!def) return Status::Internal("definition missing for " + a->procedure_id);
    const int64_t now = unix_now();
    if (Status st = cases::act(tx, id, row_version, action, staff, def->route, message, now); !st.ok()) return st;
    auto after = applications::find_by_id(tx, id);
    if (!after.ok()) return after.status();
    const auto moment = moment_after(after->status);
    return moment ? env.steps.run(*moment, *def, {env, tx, *after, now}) : Status::Ok();
  });
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
    return audit::record(tx, {actor_of(staff), "attachment.download", target_of(id), file->first.id}, unix_now());
  });
  if (!s.ok()) return s;
  return std::move(*file);
}

}  // namespace madoguchi::usecases
