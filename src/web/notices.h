// E-mail notices to residents, written into the outbox (notify/outbox.h) inside
// the caller's transaction, so a notice exists exactly when the change it tells
// about committed. The text comes from locales/ (mail.*) in the resident's
// language; it names the procedure, the receipt number and the next step, and
// links to the application's page, never the answers.
#pragma once

#include <cstdint>
#include <string>

#include "applications/applications.h"
#include "core/status.h"
#include "store/store.h"
#include "web/app.h"

namespace madoguchi::web {

// What a notice tells: "received" (submitted), "correction" (staff ask for a
// change), "decided" (approved at the route's last step, or rejected).
//
// Writes the notice of `kind` about `a` when e-mail is on (config mail_smtp)
// and `a` belongs to a resident account whose profile holds a valid e-mail
// address; otherwise does nothing (guests and residents without an address
// follow their application on the site).
Status queue_notice(App& app, store::Transaction& tx, const applications::Application& a, const std::string& kind,
                    int64_t now);

// The notice that fits the status an application has after a staff action:
// "correction", "decided", or "" (nothing the resident needs to be told:
// assigned, an intermediate approval, completed).
std::string notice_after_action(const std::string& new_status);

}  // namespace madoguchi::web
