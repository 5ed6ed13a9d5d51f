#include "usecases/pay_staff.h"

#include "audit/audit.h"

namespace madoguchi::usecases {
namespace {

// [start, end) of a JST day in unix seconds.
std::pair<int64_t, int64_t> day_range(const Date& day) {
  const int64_t start = day.days_since_epoch() * 86400 - 9 * 3600;
  return {start, start + 86400};
}

// One CSV field: quoted when it holds a separator, a quote or a line break; a leading
// = + - @ is prefixed with ' so a spreadsheet does not run it as a formula.
std::string csv(const std::string& s) {
  std::string v = s;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v = "'" + v;
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Result<std::string> procedure_of(store::Transaction& tx, int64_t application_id) {
  auto a = applications::find_by_id(tx, application_id);
  if (!a.ok()) return a.status();
  return a->procedure_id;
}

}  // namespace

bool may_refund(const Env& env, const Staff& staff, const std::string& procedure_id) {
  const procedures::Procedure* p = env.catalog.find(procedure_id);
  if (!p || p->route.empty() || staff.role.empty()) return false;
  const auto& roles = env.catalog.organisation().roles;
  auto mine = roles.find(staff.role);
  auto decider = roles.find(p->route.back());
  if (mine == roles.end() || decider == roles.end()) return false;
  return mine->second.rank >= decider->second.rank;
}

Result<DayOfPayments> department_payments(const Env& env, const Staff& staff, const Date& day) {
  DayOfPayments out;
  out.day = day;
  const auto [from, to] = day_range(day);
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto list = payments::for_department(tx, staff.department, from, to);
    if (!list.ok()) return list.status();
    out.payments = std::move(*list);
    for (const auto& p : out.payments) {
      auto proc = procedure_of(tx, p.application_id);
      if (!proc.ok()) return proc.status();
      out.procedure_ids.push_back(*proc);
    }
    auto refunds = payments::refunds_for_department(tx, staff.department, from, to);
    if (!refunds.ok()) return refunds.status();
    out.refunds = std::move(*refunds);
    auto paid = payments::paid_in(tx, staff.department, from, to);
    if (!paid.ok()) return paid.status();
    for (const auto& p : *paid) out.paid_total += p.amount;
    for (const auto& [r, p] : out.refunds) out.refunded_total += r.amount;
    return audit::record(tx, {audit_actor(staff), "payments.view", "department:" + staff.department, day.iso()},
                         unix_now());
  });
  if (!s.ok()) return s;
  return out;
}

Result<std::string> reconciliation_csv(const Env& env, const Staff& staff, const Date& day) {
  const auto [from, to] = day_range(day);
  std::string out = "\xEF\xBB\xBF";  // the BOM: Excel reads the file as UTF-8
  out += "kind,time,receipt,procedure,amount_yen,provider,provider_reference,madoguchi_reference\r\n";
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    int64_t paid = 0, refunded = 0;
    auto list = payments::paid_in(tx, staff.department, from, to);
    if (!list.ok()) return list.status();
    for (const auto& p : *list) {
      auto proc = procedure_of(tx, p.application_id);
      if (!proc.ok()) return proc.status();
      out += "payment," + csv(jst_timestamp(*p.paid_at)) + "," + csv(p.receipt) + "," + csv(*proc) + "," +
             std::to_string(p.amount) + "," + csv(p.provider) + "," + csv(p.provider_ref) + "," + csv(p.token) +
             "\r\n";
      paid += p.amount;
    }
    auto refunds = payments::refunds_for_department(tx, staff.department, from, to);
    if (!refunds.ok()) return refunds.status();
    for (const auto& [r, p] : *refunds) {
      auto proc = procedure_of(tx, p.application_id);
      if (!proc.ok()) return proc.status();
      out += "refund," + csv(jst_timestamp(*r.done_at)) + "," + csv(p.receipt) + "," + csv(*proc) + "," +
             std::to_string(-r.amount) + "," + csv(p.provider) + "," + csv(r.provider_ref) + "," + csv(p.token) +
             "\r\n";
      refunded += r.amount;
    }
    out += "total_paid,,,," + std::to_string(paid) + ",,,\r\n";
    out += "total_refunded,,,," + std::to_string(-refunded) + ",,,\r\n";
    out += "net,,,," + std::to_string(paid - refunded) + ",,,\r\n";
    return audit::record(tx, {audit_actor(staff), "payments.reconciliation", "department:" + staff.department, day.iso()},
                         unix_now());
  });
  if (!s.ok()) return s;
  return out;
}

Status refund_payment(const Env& env, const Staff& staff, int64_t payment_id, int64_t amount, const std::string& reason) {
  std::optional<payments::Refund> refund;
  std::optional<payments::Payment> payment;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto p = payments::by_id(tx, payment_id);
    if (!p.ok()) return p.status();
    if (p->department != staff.department) return Status::NotFound("no such payment");
    auto proc = procedure_of(tx, p->application_id);
    if (!proc.ok()) return proc.status();
    if (!may_refund(env, staff, *proc)) return Status::PermissionDenied("this role may not refund");
    auto r = payments::request_refund(tx, payment_id, amount, reason, staff.id, staff.name, unix_now());
    if (!r.ok()) return r.status();
    refund = *r;
    payment = *p;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  payments::Provider* provider = env.payments ? env.payments->find(payment->provider) : nullptr;
  Result<std::string> outcome = provider ? provider->refund(payment->provider_ref, amount,
                                                            payment->token + "-" + std::to_string(refund->id))
                                         : Result<std::string>(Status::Io("the payment's provider is not configured"));
  s = store::with_write(env.store, [&](store::Transaction& tx) {
    return payments::finish_refund(tx, refund->id, outcome, unix_now());
  });
  if (!s.ok()) return s;
  if (!outcome.ok()) return Status::Io("the provider refused the refund: " + outcome.status().message());
  return Status::Ok();
}

}  // namespace madoguchi::usecases
