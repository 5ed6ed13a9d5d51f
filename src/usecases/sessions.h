// Sessions and signing in. Every visitor who fills in a form has a session (a guest's, or an
// account's after signing in); signing in replaces the session token (no fixation) and carries
// a guest's drafts over to the account. Wrong passwords are counted per login name
// (ratelimit.h) and a name over its limit is refused without checking the password.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "auth/accounts.h"
#include "usecases/env.h"

namespace madoguchi::usecases {

struct Visit {
  std::optional<auth::Session> session;
  std::optional<auth::Account> account;
};
// The session of `token` (the cookie) with its account, or an empty Visit when it is unknown or
// expired. Reads only; when the sliding expiry is due it is moved in a separate write, so page
// views do not queue for SQLite's single writer.
Visit resume_session(const Env& env, const std::string& token);

// A new guest session; *token receives the cookie value.
Result<auth::Session> start_guest_session(const Env& env, std::string* token);

// Moves the session's expiry to now + the configured lifetime. NotFound when it has expired.
Result<auth::Session> extend_session(const Env& env, const std::string& session_hash);

struct SignIn {
  std::optional<auth::Account> account;  // set when the password was right
  std::string token;                     // the new session's cookie value, with account
  int64_t wait_seconds = 0;              // > 0: too many wrong passwords; nothing checked
  // The password was right but the account must still show its second factor: no session was
  // opened; the guest session now waits for the code (second_factor.h) — or, when the staff
  // member has none yet and staff_totp makes it mandatory, for the enrolment.
  bool needs_code = false;
  bool needs_enrolment = false;
};
// Counts the attempt against the login name's and the client address's limits (ratelimit.h)
// in one write transaction — refused at once when either is over, so parallel guesses get no
// more checks than the limit. Then checks `login` and `password` (argon2id, in a read
// transaction so it never holds the write lock), and either leaves the failure counted or, on
// success, clears the login's counter, takes the attempt back from the address, opens the
// account's session, moves the guest session's drafts to it and ends the guest session, in
// one write transaction. `client_address` is the asker's address ("" when unknown: all such
// askers share one counter).
Result<SignIn> sign_in(const Env& env, const std::string& guest_session_hash, const std::string& login,
                       const std::string& password, const std::string& client_address = "");

// Ends the session.
Status sign_out(const Env& env, const std::string& session_hash);

// The failure counter's key of a login name (ratelimit.h): case-folded, so "Hanako" and
// "hanako" share one counter. A password reset clears it.
std::string login_limit_key(const std::string& login);

}  // namespace madoguchi::usecases
