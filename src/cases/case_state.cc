// The pure part of case handling: no store, no clock, so every state × action × role can be
// tested as a table.
#include <array>
#include <utility>

#include "cases/cases.h"

namespace madoguchi::cases {
namespace {

constexpr std::array<std::pair<Action, const char*>, 5> kNames = {{
    {Action::kAssign, "assign"},
    {Action::kRequestCorrection, "correction"},
    {Action::kApprove, "approve"},
    {Action::kReject, "reject"},
    {Action::kComplete, "complete"},
}};

// The route's decisions (approve, correction, reject) belong to the role whose turn it is.
Status check_turn(const State& from, const std::vector<std::string>& route,
                  const std::string& actor_role) {
  if (actor_role != route[static_cast<size_t>(from.step)]) {
    return Status::PermissionDenied("step " + std::to_string(from.step) + " is for role '" +
                                    route[static_cast<size_t>(from.step)] + "'");
  }
  return Status::Ok();
}

Status not_allowed(Action a, const State& from) {
  return Status::Invalid(std::string("cannot ") + action_name(a) + " a case in status '" +
                         from.status + "'");
}

}  // namespace

const char* action_name(Action a) {
  for (const auto& [action, name] : kNames) {
    if (action == a) return name;
  }
  return "";
}

std::optional<Action> parse_action(const std::string& s) {
  for (const auto& [action, name] : kNames) {
    if (s == name) return action;
  }
  return std::nullopt;
}

bool is_open(const std::string& status) {
  return status == "received" || status == "in_review" || status == "correction";
}

Result<State> transition(const State& from, Action action, const std::vector<std::string>& route,
                         const std::string& actor_role) {
  // A route that no longer covers the stored step means the definition changed under the
  // case; acting on a guessed role would be worse than refusing.
  if (route.empty()) return Status::Invalid("the procedure has no review route");
  if (from.step < 0 || static_cast<size_t>(from.step) >= route.size()) {
    return Status::Invalid("step " + std::to_string(from.step) + " is outside the route");
  }
  // Someone without a role is not staff, whatever department they claim.
  if (actor_role.empty()) return Status::PermissionDenied("no staff role");

  const bool last = static_cast<size_t>(from.step) + 1 == route.size();
  const bool reviewing = from.status == "received" || from.status == "in_review";

  // State before role: an action that makes no sense now is Invalid for everyone, so the
  // answer does not depend on who asks.
  switch (action) {
    case Action::kAssign:
      // Taking over is allowed at any point before the end, e.g. when the assignee is away
      // while an approved case still needs completing.
      if (!is_open(from.status) && from.status != "approved") return not_allowed(action, from);
      return State{from.status == "received" ? "in_review" : from.status, from.step};

    case Action::kApprove:
      // Approving during a correction would decide on answers the resident is still changing.
      if (!reviewing) return not_allowed(action, from);
      if (Status s = check_turn(from, route, actor_role); !s.ok()) return s;
      if (last) return State{"approved", from.step};
      return State{"in_review", from.step + 1};

    case Action::kRequestCorrection:
      if (!reviewing) return not_allowed(action, from);
      if (Status s = check_turn(from, route, actor_role); !s.ok()) return s;
      // The step stays: the same reviewer looks at the corrected answers.
      return State{"correction", from.step};

    case Action::kReject:
      // Also while awaiting a correction, for a resident who never answers.
      if (!is_open(from.status)) return not_allowed(action, from);
      if (Status s = check_turn(from, route, actor_role); !s.ok()) return s;
      return State{"rejected", from.step};

    case Action::kComplete:
      // Completion is handing over the result (issuing, mailing), clerical work after the
      // decision, so any staff of the department may do it (act() checks the department).
      if (from.status != "approved") return not_allowed(action, from);
      return State{"completed", from.step};
  }
  return Status::Invalid("unknown action");
}

}  // namespace madoguchi::cases
