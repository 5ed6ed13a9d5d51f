// Following an application after submitting it: a signed-in resident's list and pages, a
// guest's lookup by 受付番号 + access code (wrong codes counted per receipt number, and the
// lookup refused — fail closed — when the counter cannot be read), and opening a correction
// when staff asked for one. Someone else's receipt number is NotFound, like a missing one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "applications/applications.h"
#include "decisions/decisions.h"
#include "procedures/procedure.h"
#include "usecases/env.h"

namespace madoguchi::usecases {

struct MyApplications {
  std::vector<applications::Application> applications;
  std::vector<std::pair<applications::Draft, int64_t>> drafts;  // with when each was saved
};
// The account's applications and its drafts (new ones and corrections).
Result<MyApplications> my_applications(const Env& env, const applications::Owner& owner);

// Application `receipt` when it belongs to account `account_id`; NotFound otherwise.
Result<applications::Application> own_application(const Env& env, int64_t account_id, const std::string& receipt);

struct GuestLookup {
  std::optional<applications::Application> found;  // set when the code matched
  int64_t wait_seconds = 0;                        // > 0: too many wrong codes for this receipt; nothing was checked
};
// A guest's lookup. A wrong code (or an unknown receipt) counts one failure for the receipt.
// An error when the store failed, including reading the failure counter: then nothing is
// checked, so a broken counter never lets guesses through.
Result<GuestLookup> guest_lookup(const Env& env, const std::string& receipt, const std::string& code);

struct ApplicationRecord {
  std::vector<applications::Event> events;          // oldest first
  std::optional<procedures::Procedure> definition;  // the version it was filled against
  // The decision once the case is decided (approved or completed); never a decision staff
  // are still drafting.
  std::optional<decisions::Record> decision;
};
// What the resident's application page shows besides the application itself.
Result<ApplicationRecord> application_record(const Env& env, const applications::Application& a);

struct CorrectionRequest {
  applications::Owner owner;
  std::string receipt;                     // as typed
  std::optional<std::string> access_code;  // a guest's proof; unset for a signed-in owner
};
// Opens (or reopens) the correction draft of application `receipt` for the requester and
// returns its id. NotFound when the receipt is unknown or not theirs (a signed-in owner's
// account must own it; a guest's code must match, and a wrong one is counted), Conflict when
// staff asked for no correction. For a guest whose receipt has had too many wrong codes,
// *wait_seconds is set above 0 and nothing else happens (the result is then NotFound).
Result<int64_t> open_correction(const Env& env, const CorrectionRequest& request, int64_t* wait_seconds);

struct WithdrawalRequest {
  std::optional<int64_t> account_id;       // a signed-in requester
  std::string receipt;                     // as typed
  std::optional<std::string> access_code;  // a guest's proof; unset for a signed-in owner
  std::string actor_name;                  // for the history
  std::string reason;                      // required: staff read why
};
// The owner withdraws (取り下げ) application `receipt` before it is decided
// (applications::withdraw). Proof of ownership and the counting of wrong codes are those of
// open_correction (*wait_seconds > 0: too many wrong codes, nothing checked, NotFound).
// Invalid when the reason is blank, Conflict when the application is already decided or
// withdrawn; nothing changes in either case.
Status withdraw(const Env& env, const WithdrawalRequest& request, int64_t* wait_seconds);

}  // namespace madoguchi::usecases
