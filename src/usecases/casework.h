// What staff do with cases: look at the department's queue, open a case, act on it, download
// an attachment. Every function here is limited to the staff member's own department — a case
// of another department is NotFound, exactly as if it did not exist — and writes its audit
// entry (audit/audit.h) in the same transaction as the read or the change.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "applications/applications.h"
#include "cases/cases.h"
#include "decisions/decisions.h"
#include "forms/form.h"
#include "procedures/procedure.h"
#include "usecases/env.h"

namespace madoguchi::usecases {

// The member of staff acting (cases::Actor: id, name, department, role).
using Staff = cases::Actor;

// How the audit log names `staff` as the actor: "staff:<account id>".
std::string audit_actor(const Staff& staff);

// The application `id` when it belongs to `staff`'s department; NotFound otherwise. The one
// department check every case function below goes through.
Result<applications::Application> case_in_department(store::Transaction& tx, const Staff& staff, int64_t id);

struct Queue {
  std::vector<cases::QueueRow> rows;
  std::vector<std::pair<std::string, int64_t>> counts;  // status → count (cases::counts)
};
// The department's queue under `filter` (its department is set to staff's), audited as
// "queue.view".
Result<Queue> view_queue(const Env& env, const Staff& staff, cases::QueueFilter filter);

struct CaseFile {
  applications::Application application;
  procedures::Procedure definition;            // the version it was filled against
  std::vector<std::pair<int, Json>> versions;  // every answers version, oldest first
  std::vector<applications::Attachment> attachments;
  std::vector<applications::Event> events;
  std::vector<cases::Action> allowed;  // what this member of staff may do now
  std::optional<decisions::Record> decision;  // as recorded so far
  bool can_decide = false;                    // may record the decision now
  std::string held;  // what a step waits for (a locale key, "payment.hold"); "" = nothing
};
// Everything on a case page, audited as "case.view". NotFound for another department's case.
Result<CaseFile> open_case(const Env& env, const Staff& staff, int64_t id);

// Records the decision on case `id` (decisions::read, then decisions::save). Allowed for the
// role at the route's current step while the case is received or in review, and only when
// the procedure declares a decision: PermissionDenied for another role, Invalid otherwise,
// Conflict on a stale `row_version`, NotFound for another department's case. When the input
// is not complete, nothing is saved, *errors lists what to fix (localised for `locale`) and
// the result is Ok; *typed holds what was posted, to show again.
Status record_decision(const Env& env, const Staff& staff, int64_t id, int64_t row_version,
                       const forms::Posted& posted, const std::string& locale,
                       std::vector<forms::FieldError>* errors, decisions::Record* typed);

// Takes `action` on case `id` as cases::act does (same errors: NotFound, Conflict on a stale
// `row_version`, PermissionDenied, Invalid), then lets the procedure's steps hear of a
// correction request or a decision, all in one transaction. When the procedure declares a
// decision, approving (at any step: an approver agrees with the decision recorded) needs a
// complete one recorded first, else Invalid. Approving and completing are Invalid while a
// step holds the application (steps::Step::holds: an unpaid fee).
Status act_on_case(const Env& env, const Staff& staff, int64_t id, int64_t row_version, cases::Action action,
                   const std::string& message);

// An attachment of case `id` with its bytes, audited as "attachment.download". NotFound for
// another department's case or an unknown attachment.
Result<std::pair<applications::Attachment, std::string>> download_attachment(const Env& env, const Staff& staff,
                                                                             int64_t id,
                                                                             const std::string& attachment_id);

}  // namespace madoguchi::usecases
