#include "steps/payment/payment.h"

#include "payments/payments.h"

namespace madoguchi::steps::payment {
namespace {

using procedures::PaymentTerms;

class PaymentStep : public Step {
 public:
  std::string_view id() const override { return "payment"; }

  Status on(Moment moment, const Occasion& o) const override {
    const procedures::Procedure* proc = o.procedure;
    // Only definitions with `payment:` take payments; free for these answers: nothing to pay.
    if (!proc || !proc->payment || o.application.fee <= 0) return Status::Ok();
    const auto when = proc->payment->when;
    const int64_t deadline = o.now + int64_t{o.env.config.payment_hours} * 3600;
    if (moment == Moment::kSubmitted && when == PaymentTerms::When::kBeforeReview) {
      // Held back from the department until paid.
      auto held = o.tx.exec(
          "UPDATE applications SET status = 'awaiting_payment', row_version = row_version + 1 "
          "WHERE id = ? AND status = 'received'",
          {o.application.id});
      if (!held.ok()) return held.status();
      return payments::open(o.tx, o.application, deadline, o.now);
    }
    if (moment == Moment::kDecided && when == PaymentTerms::When::kAfterReview && o.application.status == "approved") {
      return payments::open(o.tx, o.application, deadline, o.now);
    }
    return Status::Ok();
  }

  Result<std::optional<std::string>> holds(const Occasion& o) const override {
    auto s = payments::standing(o.tx, o.application.id);
    if (!s.ok()) return s.status();
    if (s->owes() && !s->paid()) return std::optional<std::string>("payment.hold");
    return std::optional<std::string>();
  }

  void check(const procedures::Procedure& p, bool switched_on, std::vector<procedures::Problem>* problems) const override {
    if (p.payment && !switched_on) {
      problems->push_back({p.file, p.payment->line,
                           "'payment' is set but the payment step is not in 'steps:'; add it, or the fee would "
                           "never be asked for"});
    }
    if (p.payment && p.fee.yen == 0) {
      problems->push_back({p.file, p.payment->line, "'payment' needs a fee ('fee: {yen: …}')"});
    }
    if (p.payment && !p.online) {
      problems->push_back({p.file, p.payment->line, "'payment' is for online applications ('channels: [online]')"});
    }
  }

};

}  // namespace

std::unique_ptr<Step> make_step() { return std::make_unique<PaymentStep>(); }

}  // namespace madoguchi::steps::payment
