// What a resident does to pay an application's fee, and what Madoguchi does with the
// provider's answers: start (or resume) a payment, see the result after the gateway sends the
// browser back, receive the gateway's signed notification, and the jobs that expire unpaid
// applications and deliver the sandbox gateway's notifications. The rules of a payment are in
// payments/payments.h; this file only orders the store and the provider calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "applications/applications.h"
#include "jobs/jobs.h"
#include "payments/payments.h"
#include "payments/sandbox/sandbox.h"
#include "usecases/env.h"

namespace madoguchi::usecases {

// Who asks to pay application `receipt`: its owner signed in (account_id) or a guest with the
// access code (rate-limited as the guest lookup is).
struct PayRequest {
  std::string receipt;
  std::optional<int64_t> account_id;
  std::optional<std::string> access_code;
};

struct PayStart {
  enum class Kind {
    kRedirect,     // send the browser to `url`, the provider's checkout
    kAlreadyPaid,  // nothing to do: show the application
    kClosed,       // the time to pay has passed, or it owes nothing
    kNotFound,     // no such application for this asker (or a wrong access code)
    kWait,         // too many wrong access codes: `wait_seconds`
  };
  Kind kind = Kind::kNotFound;
  std::string url;
  int64_t wait_seconds = 0;
};

// The pay button. Opens a checkout for the pending attempt — the same one however often it is
// pressed (payments::attempt_to_pay gives the same attempt, the provider the same checkout for
// its reference) — or, after a failed attempt, a new one. The provider is called outside any
// transaction. Unavailable (Status Io) when no provider is configured.
Result<PayStart> start_payment(const Env& env, const PayRequest& request);

// What the return page shows: the attempt `token` names, and its application's receipt.
// NotFound for an unknown token. The token is random and known only to the browser that paid.
Result<payments::Payment> payment_by_token(const Env& env, const std::string& token);

// Where application `receipt` stands with its fee (no attempts = it owes nothing, also for an
// unknown receipt). The caller has checked the asker may see the application.
Result<payments::Standing> payment_standing_by_receipt(const Env& env, const std::string& receipt);

// A notification as the webhook route received it (header names in lower case, the body's
// exact bytes). NotFound for an unknown provider; PermissionDenied for a bad signature and
// Invalid for a malformed one — both audited as "payment.notification_refused", nothing else
// changed. Otherwise what applying it did (payments::apply), including kRepeated.
Result<payments::Applied> receive_notification(const Env& env, const std::string& provider,
                                               const payments::Headers& headers, const std::string& body);

// The resident's choice on the sandbox gateway's page for checkout `id`; returns the URL the
// browser goes back to. The sandbox's notification is delivered at once (kPayNotifyLater: by
// the job, a minute later). Errors as sandbox::Gateway::choose; NotFound when the sandbox is off.
Result<std::string> sandbox_choose(const Env& env, const std::string& id, payments::sandbox::Choice choice);
// The sandbox checkout `id`, for its page; NotFound when there is none or the sandbox is off.
Result<payments::sandbox::CheckoutView> sandbox_checkout(const Env& env, const std::string& id);

// The jobs payments need, for the jobs runner: "expire-payments" (every `period`: applications
// unpaid past their deadline expire; the owner gets an e-mail notice "payment_expired" when
// they have an address) and, when the sandbox is configured, "sandbox-notifications" (every
// 30 s: notifications not yet accepted are delivered again).
std::vector<jobs::Job> payment_jobs(const Env& env, std::chrono::seconds period);

}  // namespace madoguchi::usecases
