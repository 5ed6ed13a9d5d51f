// Residents' own accounts: signing up with a verified e-mail address, resetting a forgotten
// password by an e-mailed one-time link, and the profile that fills in their forms.
//
// Non-disclosure: nothing a visitor sees tells whether an address has an account. Asking to
// sign up or to reset gives the same answer either way; what differs goes only to the address
// itself (a link to open the account, or "you already have one" with a link to reset; a reset
// link, or nothing). The password is hashed whether or not it will be used, so the answer's
// time does not tell either.
//
// Mail bombing: each address gets at most ratelimit::kAccountMail e-mails of sign-up and reset
// together, whoever asks, counted in the same write transaction that queues the e-mail, so
// parallel requests cannot pass the limit.
//
// Links are auth::AccountLink (hashed, expiring, single use). Both are offered only when mail
// is on (`mail_smtp`): without it no link could arrive, so the pages are absent (404).
//
// Every change is audited (src/audit): account.signup, account.verify, account.reset_request,
// account.reset, profile.update, account.sign_out_everywhere — with account ids, never
// addresses or profile values.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "auth/accounts.h"
#include "forms/form.h"
#include "procedures/procedure.h"
#include "usecases/env.h"

namespace madoguchi::usecases {

// True when sign-up and password reset are offered (mail is on).
bool resident_accounts_offered(const Env& env);

// What is wrong with one input of a sign-up or reset page: the input's name ("email",
// "password", "display_name") and the locale key of the message saying what to fix, with its
// parameters. The page shows it next to the input and in the error summary.
struct InputProblem {
  std::string input;
  std::string message_key;
  std::map<std::string, std::string> params;
};

// The outcome of asking for an e-mail (sign-up or reset). When `problems` is not empty or
// `wait_seconds` > 0, nothing was sent; otherwise the page says "check your e-mail" — the same
// page whether or not the address has an account.
struct MailAsked {
  std::vector<InputProblem> problems;
  int64_t wait_seconds = 0;  // > 0: this address had its e-mails for now; try again then
};

struct SignUpForm {
  std::string email, password, display_name;
  std::string locale;  // the page's language: the e-mail's, and the new account's
};
// Checks the form (a valid address, a display name, a password of at least
// auth::kMinPasswordCharacters characters); then, in one write transaction, counts the e-mail
// against the address's limit and queues either a verification link (an auth::AccountLink
// valid for `signup_link_hours`, holding the password's hash — no account exists yet) or, when
// the address already has an account, an e-mail saying so with a link to reset the password.
Result<MailAsked> request_sign_up(const Env& env, const SignUpForm& form);

// The address a sign-up link would open an account for (the page asks to confirm it).
// NotFound for a link that is unknown, used or expired.
Result<std::string> sign_up_link_address(const Env& env, const std::string& token);

// A resident signed in by a link: the account, and the new session's cookie value.
struct LinkSignIn {
  auth::Account account;
  std::string session_token;
};
// Uses a sign-up link: creates the resident's account (login = the address, lower-cased; the
// profile's e-mail = the address), retires the address's other sign-up links, and signs the
// resident in with a new session, ending `current_session_hash` and carrying its drafts over
// when it was a guest's (`current_is_guest`) — all in one write transaction. NotFound for a
// link that is unknown, used or expired; Conflict when the address got an account meanwhile
// (the link is then used up too).
Result<LinkSignIn> verify_sign_up(const Env& env, const std::string& token, const std::string& current_session_hash,
                                  bool current_is_guest);

// As request_sign_up for a password reset: a valid address; then, counted against the same
// limit, a reset link (valid for `reset_link_minutes`) to the address's account, or nothing
// when it has none.
Result<MailAsked> request_password_reset(const Env& env, const std::string& email, const std::string& locale);

// OK when a reset link can still be used. NotFound for one that is unknown, used or expired.
Status check_reset_link(const Env& env, const std::string& token);

struct PasswordReset {
  std::vector<InputProblem> problems;  // the new password is not acceptable; nothing changed
  std::optional<LinkSignIn> signed_in;
};
// Uses a reset link: sets the new password, retires the account's other reset links, ends
// every session of the account, clears its wrong-password counter, and signs the resident in
// with a new session (as verify_sign_up) — one write transaction. NotFound for a link that is
// unknown, used or expired; a too-short password leaves the link unused.
Result<PasswordReset> reset_password(const Env& env, const std::string& token, const std::string& password,
                                     const std::string& current_session_hash, bool current_is_guest);

// The profile form: a one-page procedures::Procedure built in code with the field types the
// procedures use — name (with furigana), birth date, address, phone, each with the
// autocomplete token forms::prefill_from_profile reads — so reading, checking and showing it
// follow the same rules and patterns as every form. Labels come from `locales`
// (account.profile.*).
procedures::Procedure profile_form(const Locales& locales);

// The profile's values as the profile form's answers.
forms::Json profile_answers(const procedures::Procedure& form, const forms::Json& profile);

struct ProfileSaved {
  std::vector<forms::FieldError> errors;  // not empty: nothing saved
  forms::Json answers;                    // what was posted, as typed, for showing it again
};
// Reads and checks the posted profile form (forms::apply_page); when it is complete, replaces
// those profile values of account `account_id` (other keys such as "email" stay) and audits
// which of them changed. One write transaction.
Result<ProfileSaved> save_profile(const Env& env, int64_t account_id, const forms::Posted& posted,
                                  const forms::Context& ctx);

// Ends every session of account `account_id`, the asker's own included (a phone left signed in
// somewhere, a shared computer), and audits it (account.sign_out_everywhere). Returns how many
// sessions ended. One write transaction.
Result<int64_t> sign_out_everywhere(const Env& env, int64_t account_id);

}  // namespace madoguchi::usecases
