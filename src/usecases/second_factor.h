// Staff's second factor at sign-in (TOTP; the storage is auth/second_factor.h). After a right
// password, sign_in (sessions.h) opens no session for staff who have a second factor (or must
// enrol one: setting staff_totp); the guest session waits for the code, for at most
// auth::kPendingSignInSeconds. A wrong code counts against the login's and the address's limits
// like a wrong password, and a right one is accepted once only.
#pragma once

#include <optional>
#include <string>

#include "auth/accounts.h"
#include "usecases/env.h"

namespace madoguchi::usecases {

// What the session `session_hash` waits for after a right password: "code", "enrol", or ""
// (nothing, or it waited too long: the password is asked again).
Result<std::string> pending_stage(const Env& env, const std::string& session_hash);

struct Enrolment {
  std::string secret_base32;  // typed into an authenticator app
  std::string uri;            // otpauth://… (the same, for apps that open links or scan codes)
};
// The secret a sign-in waiting for enrolment shows. NotFound when the session waits for none.
Result<Enrolment> pending_enrolment(const Env& env, const std::string& session_hash);
// Signed-in staff enrolling by choice (staff_totp off). Conflict when already enrolled.
Result<Enrolment> staff_enrolment(const Env& env, const auth::Account& staff);

struct CodeOutcome {
  std::optional<auth::Account> account;  // set when the code was right: signed in
  std::string token;                     // the new session's cookie value
  int64_t wait_seconds = 0;              // > 0: too many failures; nothing checked
  bool expired = false;                  // nothing waits for a code: back to the password
};
// Checks the code the session's pending sign-in waits for (its confirmed TOTP, or for "enrol"
// the one being enrolled, which the right code confirms). The check and the count are one write
// transaction. On a right code: clears the login's counter, opens the account's session (new
// token), moves the guest session's drafts to it and ends the guest session. Audited.
Result<CodeOutcome> submit_code(const Env& env, const std::string& session_hash, const std::string& code,
                                const std::string& client_address);
// Signed-in staff confirming an enrolment by choice; true when the code was right (then every
// later sign-in asks for it). Counted and audited like submit_code.
Result<CodeOutcome> confirm_staff_enrolment(const Env& env, const auth::Account& staff, const std::string& code,
                                            const std::string& client_address);
// Whether the staff member has a second factor (for the page at /staff/totp).
Result<bool> has_second_factor(const Env& env, int64_t account_id);

}  // namespace madoguchi::usecases
