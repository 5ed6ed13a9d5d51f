// What an application owes and how it was paid: payment attempts, their states, the
// providers' notifications applied to them, refunds, and the reports staff reconcile with.
// Every function takes the caller's store::Transaction; none talks to a provider (the use
// cases in usecases/pay.h do that, outside transactions).
//
// An application that must pay has one or more attempts, oldest first. At most one attempt
// is pending at a time, so one pay button can only ever lead to one charge:
//   pending → paid      a verified notification said the gateway took exactly `amount`
//   pending → failed    a verified notification said it did not; the resident may try again
//                       (a new pending attempt with the same deadline)
//   pending → expired   the deadline passed unpaid (expire_due); the application is closed
//   paid → refunded     staff gave everything back; a partial refund keeps "paid" with
//                       `refunded` > 0
// A notification is applied at most once (payment_notifications remembers its event id), and
// "paid" is final against a later or repeated "failed", whatever order they arrive in.
//
// The application itself: a procedure paying before review is held in status
// "awaiting_payment" (not in the department's queue, no staff action possible) until paid,
// when it becomes "received"; unpaid past the deadline it becomes "expired" (closed). A
// procedure paying after review is approved first; it cannot be completed while unpaid, and
// becomes "expired" too when the deadline passes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "applications/applications.h"
#include "core/status.h"
#include "payments/provider.h"
#include "store/store.h"

namespace madoguchi::payments {

struct Payment {
  int64_t id = 0;
  int64_t application_id = 0;
  std::string department, receipt;
  int64_t amount = 0;     // integer yen: the application's fee
  std::string status;     // pending | paid | failed | expired | refunded
  std::string provider;   // "" until a checkout was started
  std::string token;      // Madoguchi's reference: random, in the return URL and sent to the gateway
  std::string checkout_url, provider_ref;
  int64_t refunded = 0;   // yen given back (requested or done)
  int64_t created_at = 0, updated_at = 0;
  std::optional<int64_t> paid_at;
  int64_t expires_at = 0;  // the application's deadline to pay
};

// Where an application stands: its attempts, oldest first (empty = it owes nothing).
struct Standing {
  std::vector<Payment> attempts;
  bool owes() const { return !attempts.empty(); }
  // An attempt is paid (or was, and was refunded later).
  bool paid() const;
  bool expired() const;
  // The newest attempt; only when owes().
  const Payment& latest() const { return attempts.back(); }
};

// Opens what `a` owes: its first attempt, pending, for a.fee yen, payable until `deadline`.
// Nothing changes when `a` already has an attempt (a step hearing of a moment twice). Invalid
// when a.fee is not positive.
Status open(store::Transaction& tx, const applications::Application& a, int64_t deadline, int64_t now);

Result<Standing> standing(store::Transaction& tx, int64_t application_id);
// NotFound when there is no such attempt.
Result<Payment> by_token(store::Transaction& tx, const std::string& token);
Result<Payment> by_id(store::Transaction& tx, int64_t id);

// The attempt the pay button leads to: the pending one, or — after a failure, before the
// deadline — a new pending one. Conflict when already paid; Invalid when the deadline passed
// or the application owes nothing.
Result<Payment> attempt_to_pay(store::Transaction& tx, int64_t application_id, int64_t now);
// Records where attempt `id` pays, at `provider`. Only the first checkout is kept: a second
// (a double click racing the first) is ignored and the kept one returned.
Result<Payment> set_checkout(store::Transaction& tx, int64_t id, const std::string& provider, const Checkout& c,
                             int64_t now);

// What applying a notification did.
enum class Applied {
  kPaid,            // pending (or failed, or expired: a late payment) → paid
  kFailed,          // pending → failed
  kRepeated,        // this event id was applied before: nothing changed
  kIgnored,         // nothing to change (a failure after the payment, a payment already paid)
  kUnknown,         // no attempt has this reference
  kAmountMismatch,  // the amount is not the attempt's: nothing marked paid, audited
};
const char* applied_name(Applied a);

// Applies a verified notification from `provider` in `tx`: the attempt's state, the
// application's (awaiting_payment → received, with an event "paid"), an audit entry.
Result<Applied> apply(store::Transaction& tx, const std::string& provider, const Notification& n, int64_t now);

// Every application whose deadline passed unpaid: its pending attempts → expired, the
// application → "expired" with an event "payment_expired", audited. Returns the applications
// changed, for their notices.
Result<std::vector<applications::Application>> expire_due(store::Transaction& tx, int64_t now);

struct Refund {
  int64_t id = 0, payment_id = 0, amount = 0;
  std::string reason, staff_name, status;  // status: requested | done | failed
  std::string provider_ref;
  int64_t created_at = 0;
  std::optional<int64_t> done_at;
};
// Reserves a refund of `amount` yen on paid attempt `payment_id`: Invalid unless the attempt
// is paid, amount > 0, the reason is not blank and amount + refunded so far ≤ the attempt's
// amount (an over-refund is refused). Audited as "payment.refund_request" by `actor`.
Result<Refund> request_refund(store::Transaction& tx, int64_t payment_id, int64_t amount, const std::string& reason,
                              int64_t staff_id, const std::string& staff_name, int64_t now);
// Records the provider's answer: done (with its id; the attempt becomes "refunded" when all
// of it was given back) or failed (the reserved amount is released).
Status finish_refund(store::Transaction& tx, int64_t refund_id, const Result<std::string>& outcome, int64_t now);

// The department's attempts updated in [from, to) (unix seconds), newest first.
Result<std::vector<Payment>> for_department(store::Transaction& tx, const std::string& department, int64_t from,
                                            int64_t to);
// Refunds of the department's payments, done in [from, to).
Result<std::vector<std::pair<Refund, Payment>>> refunds_for_department(store::Transaction& tx,
                                                                      const std::string& department, int64_t from,
                                                                      int64_t to);
// The department's payments paid in [from, to).
Result<std::vector<Payment>> paid_in(store::Transaction& tx, const std::string& department, int64_t from, int64_t to);

}  // namespace madoguchi::payments
