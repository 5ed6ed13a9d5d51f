// The payment step: a procedure with a fee and `payment:` in its definition is paid online,
// through the deployment's payment provider (payments/provider.h). The step is on by default
// and does nothing for a definition without `payment:`; a definition that lists its `steps:`
// must list `payment` when it sets `payment:` (check-procedures fails otherwise).
//
//   payment: {when: before_review}  at submission the fee is owed and the application waits in
//                                   "awaiting_payment", outside the department's queue, until a
//                                   verified notification says it was paid; then "received".
//   payment: {when: after_review}   the department reviews and decides first; on approval the
//                                   fee is owed, and the case cannot be completed until paid.
//
// Either way the resident has `payment_hours` (a setting) to pay; then the application
// expires (payments::expire_due, run by a job). A procedure whose fee comes to 0 yen for the
// answers given owes nothing and skips the step. While a fee is owed and unpaid the step holds
// the application (Step::holds): staff cannot approve or complete it.
#pragma once

#include <memory>

#include "steps/step.h"

namespace madoguchi::steps::payment {

// The step, id "payment", on by default (acting only where `payment:` is set).
std::unique_ptr<Step> make_step();

}  // namespace madoguchi::steps::payment
