// The decision on an application: what the deciding member of staff recorded — the outcome
// (交付 / 不交付 / 被害の程度 …), the decision fields the definition asks for, the reason of a
// refusal — as the definition's `decision:` block describes it (procedures::Decision).
//
// A decision is recorded (and may be recorded again) while the case is open; approving the
// case at a step of the route means agreeing with the decision recorded then, and the route's
// last approval makes it final. The resident sees it only once the case is decided.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "forms/form.h"
#include "procedures/procedure.h"
#include "store/store.h"

namespace madoguchi::decisions {

using Json = nlohmann::json;

struct Record {
  std::string outcome;           // an Outcome::value of the definition
  Json fields = Json::object();  // decision field id → value, as forms stores answers
  std::string reason;            // why it was refused or only partly granted; "" otherwise
  int64_t recorded_by = 0;       // staff account id
  std::string recorded_by_name;
  int64_t recorded_at = 0;
};

// The decision as a one-page form the forms package reads, validates and renders: a required
// radio "outcome" (the definition's outcomes), the decision's fields, and a textarea "reason"
// shown and required when the chosen outcome refuses or grants only in part. The labels of
// "outcome" and "reason" come from ctx's locale ("decision.outcome", "decision.reason").
procedures::Procedure decision_form(const procedures::Decision& decision, const forms::Context& ctx);

// The form's answers for a record (outcome, reason and fields in one object), to render it.
Json form_answers(const Record& record);

// Reads what staff posted on the decision form (forms' "f.<id>" names) into *out (outcome,
// fields, reason; the staff member is not touched) and validates it as the forms package
// validates a page. Returns the errors, localised for ctx; empty = complete. Values that
// failed stay in *out as typed, so the form shows them again.
std::vector<forms::FieldError> read(const procedures::Decision& decision, const forms::Posted& posted,
                                    const forms::Context& ctx, Record* out);

// Whether a stored record is still a complete decision under `decision` (the same checks as
// read(), on what was stored).
bool complete(const procedures::Decision& decision, const Record& record, const forms::Context& ctx);

// The decision recorded for an application, or nullopt when there is none. Internal when the
// stored fields are not a JSON object.
Result<std::optional<Record>> find(store::Transaction& tx, int64_t application_id);

// Records `record` for the application, replacing an earlier one, as one change of the
// application: its row_version goes up (Conflict when it is not `expected_row_version`, so a
// stale page cannot overwrite what someone else recorded, and an approver sees what they
// approve), a "decision" event names who recorded it, and an audit entry "case.decision"
// states the outcome value only (the fields and reason may hold personal data).
Status save(store::Transaction& tx, int64_t application_id, int64_t expected_row_version, const Record& record,
            int64_t now);

// The outcome of `record` under `decision`, or nullptr when it names none of its outcomes.
const procedures::Outcome* outcome_of(const procedures::Decision& decision, const Record& record);

// A refusal or partial grant has to say why.
bool needs_reason(const procedures::Outcome& outcome);

}  // namespace madoguchi::decisions
