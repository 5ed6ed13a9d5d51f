// The e-mail notice step: tells a resident by e-mail that their application was received, that
// staff ask for a correction, or that it was decided. The notice is written into the outbox
// (notify/outbox.h) inside the transaction of the change, so it exists exactly when the change
// committed. Its text comes from locales/ (mail.*) in the resident's language; it names the
// procedure, the receipt number and the next step, and links to the application's page —
// never the answers, since e-mail crosses servers the municipality does not run.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "applications/applications.h"
#include "notify/outbox.h"
#include "steps/step.h"
#include "usecases/env.h"

namespace madoguchi::steps::email_notice {

// The step, id "email_notice", on by default.
std::unique_ptr<Step> make_step();

// What a notice tells at `moment`: "received", "correction" or "decided".
std::string kind_of(Moment moment);

// The notice of `kind` about `a`, or nullopt when none goes out: e-mail is off (config
// mail_smtp ""), `a` belongs to no account (guests follow it on the site), or the account's
// profile holds no valid e-mail address. An error only when reading the account failed.
Result<std::optional<notify::Message>> compose(const usecases::Env& env, store::Transaction& tx,
                                               const applications::Application& a, const std::string& kind);

}  // namespace madoguchi::steps::email_notice
