// What staff do with payments: the department's payments of a day, the day's reconciliation
// report (CSV), and refunds. Limited to the staff member's own department — another
// department's payment is NotFound — and audited in the same transaction as the read or the
// change.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"
#include "payments/payments.h"
#include "usecases/casework.h"
#include "usecases/env.h"

namespace madoguchi::usecases {

struct DayOfPayments {
  Date day;
  std::vector<payments::Payment> payments;  // attempts of the department changed that day, newest first
  std::vector<std::string> procedure_ids;    // of each of `payments`, in the same order
  std::vector<std::pair<payments::Refund, payments::Payment>> refunds;  // done that day
  int64_t paid_total = 0;      // yen paid that day (payments::paid_in)
  int64_t refunded_total = 0;  // yen refunded that day
};
// The department's payments of JST day `day`, audited as "payments.view".
Result<DayOfPayments> department_payments(const Env& env, const Staff& staff, const Date& day);

// The reconciliation report of JST day `day` for the department, as CSV in UTF-8 with a BOM
// (so Excel opens it as UTF-8): one line per payment paid and per refund done that day —
// kind, time (JST), receipt number, procedure, amount (refunds negative), provider, provider
// reference, Madoguchi's reference — then the totals (paid, refunded, net), which equal the
// sums of the lines. Audited as "payments.reconciliation".
Result<std::string> reconciliation_csv(const Env& env, const Staff& staff, const Date& day);

// Refunds `amount` yen of payment `payment_id` with `reason`. Only a member of staff whose
// role ranks at least as high as the last role of the procedure's route (the one who decides)
// may: PermissionDenied otherwise. NotFound for another department's payment; Invalid as
// payments::request_refund (not paid, not positive, no reason, more than is left). The
// provider is asked outside the transaction; its refusal is recorded and returned (Io).
Status refund_payment(const Env& env, const Staff& staff, int64_t payment_id, int64_t amount, const std::string& reason);

// Whether `staff` may refund payments of procedure `procedure_id` (as refund_payment decides).
bool may_refund(const Env& env, const Staff& staff, const std::string& procedure_id);

}  // namespace madoguchi::usecases
