// Department review of submitted applications: the case state machine, the queue, and the
// actions staff take. Every action checks the actor's department and the route's current
// role, writes an event (who, when) and an audit entry in the caller's transaction, and uses
// optimistic concurrency (row_version) so two staff acting at once cannot both succeed.
//
// States: received → in_review (on assign or first approval) → correction ⇄ in_review
//         → approved (the last step of the route approved: decided) → completed
//         any open state → rejected.
//
// Who may do what (the state is checked before the role, so a pointless action is Invalid
// whoever asks; an actor with an empty role is never staff):
//   assign      any staff of the department, in received/in_review/correction/approved;
//               sets the assignee to the actor, received → in_review, step unchanged.
//   approve     the role at route[step], in received/in_review (not while awaiting a
//               correction); the last step → approved, otherwise step+1 and in_review.
//   correction  the role at route[step], in received/in_review; → correction at the same
//               step (applications::resubmit brings it back to in_review there).
//   reject      the role at route[step], in any open state (also awaiting a correction).
//   complete    any staff of the department, only from approved: completion is handing
//               over the result (issuing, mailing), clerical work after the decision, so it
//               must not wait for the route's last role.
// Nothing is allowed on rejected, completed or withdrawn (the resident withdrew before the
// decision: applications::withdraw). The event of an action records the step it
// was taken at (which reviewer decided), the audit entry only states and steps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "applications/applications.h"
#include "core/status.h"
#include "store/store.h"

namespace madoguchi::cases {

enum class Action { kAssign, kRequestCorrection, kApprove, kReject, kComplete };
// "assign", "correction", "approve", "reject", "complete".
const char* action_name(Action a);
std::optional<Action> parse_action(const std::string& s);

struct State {
  std::string status;
  int step = 0;  // index into the route
};

struct Actor {
  int64_t id = 0;
  std::string name, department, role;
};

// The pure state machine. `route` is the procedure's ordered role ids. Returns the next
// state, or PermissionDenied when the actor's role is not the current step's (assign is open
// to any staff of the department), or Invalid when the action is not allowed in this state
// (e.g. approve while awaiting a correction, anything after rejected/completed), and also
// when the route is empty or no longer covers the stored step (the definition changed).
Result<State> transition(const State& from, Action action, const std::vector<std::string>& route,
                         const std::string& actor_role);

// True for states in which the resident waits for staff: received, in_review, and also
// correction (the case is undecided and stays in the department's default queue).
bool is_open(const std::string& status);

// Applies an action to an application. `expected_row_version` is the version the staff member
// saw; Conflict when it changed since. PermissionDenied when the application belongs to
// another department. `message` is required for corrections and rejections (Invalid if empty
// or only spaces); for other actions it is an optional note. Checks run in this order:
// NotFound, PermissionDenied (department), Conflict (row_version), the transition, message.
Status act(store::Transaction& tx, int64_t application_id, int64_t expected_row_version,
           Action action, const Actor& actor, const std::vector<std::string>& route,
           const std::string& message, int64_t now);

struct QueueFilter {
  std::string department;    // required: staff see only their own department
  std::string procedure_id;  // "" = all
  std::string status;        // "" = all open (received, in_review, correction)
  // Ascending, ties by id: oldest submission first, or nearest due date first.
  enum class Sort { kReceived, kDue } sort = Sort::kReceived;
};

struct QueueRow {
  int64_t id = 0;
  std::string receipt, procedure_id, status;
  int step = 0;
  std::optional<int64_t> assignee;
  int64_t submitted_at = 0;
  std::string due_date;  // ISO
};

Result<std::vector<QueueRow>> queue(store::Transaction& tx, const QueueFilter& f);
// status → count for the department (all statuses): every known status in lifecycle order
// (received, in_review, correction, approved, rejected, completed, withdrawn), 0 when none, then any
// unknown status found in the table. queue() and counts() are Invalid without a department.
Result<std::vector<std::pair<std::string, int64_t>>> counts(store::Transaction& tx,
                                                            const std::string& department);

}  // namespace madoguchi::cases
