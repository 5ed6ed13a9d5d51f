#include "payments/payments.h"

#include <cctype>

#include "audit/audit.h"
#include "auth/crypto.h"
#include "ja/text.h"

namespace madoguchi::payments {
namespace {

constexpr const char* kColumns =
    "SELECT id, application_id, department, receipt, amount, status, provider, token, checkout_url, provider_ref, "
    "refunded, created_at, updated_at, paid_at, expires_at FROM payments ";

Payment to_payment(const store::Row& r) {
  Payment p;
  p.id = r.i64(0);
  p.application_id = r.i64(1);
  p.department = r.str(2);
  p.receipt = r.str(3);
  p.amount = r.i64(4);
  p.status = r.str(5);
  p.provider = r.str(6);
  p.token = r.str(7);
  p.checkout_url = r.str(8);
  p.provider_ref = r.str(9);
  p.refunded = r.i64(10);
  p.created_at = r.i64(11);
  p.updated_at = r.i64(12);
  if (!r.is_null(13)) p.paid_at = r.i64(13);
  p.expires_at = r.i64(14);
  return p;
}

Result<std::vector<Payment>> select(store::Transaction& tx, const std::string& where, const std::vector<store::Value>& params) {
  auto rows = tx.query(std::string(kColumns) + where, params);
  if (!rows.ok()) return rows.status();
  std::vector<Payment> out;
  for (const auto& r : *rows) out.push_back(to_payment(r));
  return out;
}

Result<Payment> one(store::Transaction& tx, const std::string& where, const std::vector<store::Value>& params) {
  auto list = select(tx, where, params);
  if (!list.ok()) return list.status();
  if (list->empty()) return Status::NotFound("no such payment");
  return list->front();
}

Result<Payment> insert_attempt(store::Transaction& tx, const applications::Application& a, int64_t amount,
                               int64_t deadline, int64_t now) {
  auto rows = tx.query(
      "INSERT INTO payments (application_id, department, receipt, amount, status, provider, token, created_at, "
      "updated_at, expires_at) VALUES (?, ?, ?, ?, 'pending', '', ?, ?, ?, ?) RETURNING id",
      {a.id, a.department, a.receipt, amount, auth::random_token(), now, now, deadline});
  if (!rows.ok()) return rows.status();
  return by_id(tx, rows->at(0).i64(0));
}

// A reference for the audit log: only the characters tokens use, at most 64.
std::string safe_ref(const std::string& ref) {
  std::string out;
  for (char c : ref) {
    if (out.size() == 64) break;
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') out += c;
  }
  return out;
}

std::string target(int64_t application_id) { return "application:" + std::to_string(application_id); }

Status system_event(store::Transaction& tx, int64_t application_id, const std::string& action, int64_t now) {
  applications::Event e;
  e.at = now;
  e.actor_kind = "system";
  e.actor_name = "system";
  e.action = action;
  return applications::add_event(tx, application_id, e, std::nullopt);
}

// The attempt became paid: the application, held until now, reaches its department.
Status on_paid(store::Transaction& tx, const Payment& p, int64_t now) {
  auto changed = tx.exec(
      "UPDATE applications SET status = 'received', updated_at = ?, row_version = row_version + 1 "
      "WHERE id = ? AND status = 'awaiting_payment'",
      {now, p.application_id});
  if (!changed.ok()) return changed.status();
  return system_event(tx, p.application_id, "paid", now);
}

}  // namespace

bool Standing::paid() const {
  for (const auto& p : attempts) {
    if (p.status == "paid" || p.status == "refunded") return true;
  }
  return false;
}

bool Standing::expired() const { return owes() && !paid() && latest().status == "expired"; }

const char* applied_name(Applied a) {
  switch (a) {
    case Applied::kPaid: return "paid";
    case Applied::kFailed: return "failed";
    case Applied::kRepeated: return "repeated";
    case Applied::kIgnored: return "ignored";
    case Applied::kUnknown: return "unknown";
    case Applied::kAmountMismatch: return "amount_mismatch";
  }
  return "";
}

Status open(store::Transaction& tx, const applications::Application& a, int64_t deadline, int64_t now) {
  if (a.fee <= 0) return Status::Invalid("nothing to pay");
  auto s = standing(tx, a.id);
  if (!s.ok()) return s.status();
  if (s->owes()) return Status::Ok();
  auto p = insert_attempt(tx, a, a.fee, deadline, now);
  if (!p.ok()) return p.status();
  return audit::record(tx, {"system", "payment.open", target(a.id), std::to_string(a.fee) + " yen"}, now);
}

Result<Standing> standing(store::Transaction& tx, int64_t application_id) {
  auto list = select(tx, "WHERE application_id = ? ORDER BY id", {application_id});
  if (!list.ok()) return list.status();
  return Standing{std::move(*list)};
}

Result<Payment> by_token(store::Transaction& tx, const std::string& token) { return one(tx, "WHERE token = ?", {token}); }

Result<Payment> by_id(store::Transaction& tx, int64_t id) { return one(tx, "WHERE id = ?", {id}); }

Result<Payment> attempt_to_pay(store::Transaction& tx, int64_t application_id, int64_t now) {
  auto s = standing(tx, application_id);
  if (!s.ok()) return s.status();
  if (!s->owes()) return Status::Invalid("nothing to pay");
  if (s->paid()) return Status::Conflict("already paid");
  const Payment& last = s->latest();
  if (last.status == "expired" || now >= last.expires_at) return Status::Invalid("the time to pay has passed");
  if (last.status == "pending") return last;
  auto app = applications::find_by_id(tx, application_id);
  if (!app.ok()) return app.status();
  // After a failure: a new attempt for the same amount, by the same deadline.
  return insert_attempt(tx, *app, last.amount, last.expires_at, now);
}

Result<Payment> set_checkout(store::Transaction& tx, int64_t id, const std::string& provider, const Checkout& c,
                             int64_t now) {
  auto r = tx.exec(
      "UPDATE payments SET provider = ?, checkout_url = ?, provider_ref = ?, updated_at = ? "
      "WHERE id = ? AND checkout_url = ''",
      {provider, c.redirect_url, c.provider_ref, now, id});
  if (!r.ok()) return r.status();
  return by_id(tx, id);
}

Result<Applied> apply(store::Transaction& tx, const std::string& provider, const Notification& n, int64_t now) {
  const std::string kind = n.kind == Notification::Kind::kPaid ? "paid" : "failed";
  // First: has this event been applied? The primary key makes a racing repeat fail to insert.
  auto seen = tx.query("SELECT outcome FROM payment_notifications WHERE provider = ? AND event_id = ?",
                       {provider, n.event_id});
  if (!seen.ok()) return seen.status();
  if (!seen->empty()) return Applied::kRepeated;

  Applied result = Applied::kIgnored;
  std::optional<Payment> p;
  if (auto found = by_token(tx, n.reference); found.ok()) {
    p = *found;
  } else if (found.status().code() != Status::Code::kNotFound) {
    return found.status();
  }
  if (!p || (!p->provider.empty() && p->provider != provider)) {
    result = Applied::kUnknown;
  } else if (n.kind == Notification::Kind::kPaid) {
    if (n.amount_yen != p->amount) {
      result = Applied::kAmountMismatch;
    } else if (p->status == "pending" || p->status == "failed" || p->status == "expired") {
      // A payment after a failure or after the deadline still took the money: it is recorded
      // (and shows in the reconciliation), the late one audited for staff to refund.
      auto r = tx.exec(
          "UPDATE payments SET status = 'paid', paid_at = ?, updated_at = ?, provider = ?, "
          "provider_ref = CASE WHEN ? = '' THEN provider_ref ELSE ? END WHERE id = ?",
          {now, now, provider, n.provider_ref, n.provider_ref, p->id});
      if (!r.ok()) return r.status();
      if (p->status == "expired") {
        if (Status st = audit::record(tx, {"system", "payment.late", target(p->application_id), p->receipt}, now);
            !st.ok()) {
          return st;
        }
      } else if (Status st = on_paid(tx, *p, now); !st.ok()) {
        return st;
      }
      result = Applied::kPaid;
    }
  } else if (p->status == "pending") {
    auto r = tx.exec("UPDATE payments SET status = 'failed', updated_at = ? WHERE id = ?", {now, p->id});
    if (!r.ok()) return r.status();
    result = Applied::kFailed;
  }
  auto ins = tx.exec(
      "INSERT INTO payment_notifications (provider, event_id, payment_id, kind, outcome, received_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {provider, n.event_id, p ? store::Value(p->id) : store::Value(nullptr), kind, std::string(applied_name(result)),
       now});
  if (!ins.ok()) return ins.status();
  const std::string object = p ? target(p->application_id) : "payment:" + safe_ref(n.reference);
  if (Status st = audit::record(tx,
                                {"provider:" + provider, "payment.notification", object,
                                 kind + " " + std::to_string(n.amount_yen) + " yen: " + applied_name(result)},
                                now);
      !st.ok()) {
    return st;
  }
  return result;
}

Result<std::vector<applications::Application>> expire_due(store::Transaction& tx, int64_t now) {
  // Applications with an attempt past its deadline and none paid.
  auto rows = tx.query(
      "SELECT DISTINCT application_id FROM payments p WHERE p.expires_at <= ? AND p.status IN ('pending', 'failed') "
      "AND NOT EXISTS (SELECT 1 FROM payments q WHERE q.application_id = p.application_id "
      "AND q.status IN ('paid', 'refunded')) ORDER BY application_id",
      {now});
  if (!rows.ok()) return rows.status();
  std::vector<applications::Application> out;
  for (const auto& r : *rows) {
    const int64_t id = r.i64(0);
    auto changed = tx.exec(
        "UPDATE payments SET status = 'expired', updated_at = ? WHERE application_id = ? AND status IN ('pending', "
        "'failed')",
        {now, id});
    if (!changed.ok()) return changed.status();
    auto app = tx.exec(
        "UPDATE applications SET status = 'expired', updated_at = ?, row_version = row_version + 1 "
        "WHERE id = ? AND status IN ('awaiting_payment', 'approved')",
        {now, id});
    if (!app.ok()) return app.status();
    if (*app == 0) continue;  // withdrawn or otherwise closed meanwhile: nothing to tell
    if (Status st = system_event(tx, id, "payment_expired", now); !st.ok()) return st;
    if (Status st = audit::record(tx, {"system", "payment.expire", target(id), ""}, now); !st.ok()) return st;
    auto a = applications::find_by_id(tx, id);
    if (!a.ok()) return a.status();
    out.push_back(std::move(*a));
  }
  return out;
}

namespace {

constexpr const char* kRefundColumns =
    "SELECT r.id, r.payment_id, r.amount, r.reason, r.staff_name, r.status, r.provider_ref, r.created_at, r.done_at ";

Refund to_refund(const store::Row& r) {
  Refund f;
  f.id = r.i64(0);
  f.payment_id = r.i64(1);
  f.amount = r.i64(2);
  f.reason = r.str(3);
  f.staff_name = r.str(4);
  f.status = r.str(5);
  f.provider_ref = r.str(6);
  f.created_at = r.i64(7);
  if (!r.is_null(8)) f.done_at = r.i64(8);
  return f;
}

}  // namespace

Result<Refund> request_refund(store::Transaction& tx, int64_t payment_id, int64_t amount, const std::string& reason,
                              int64_t staff_id, const std::string& staff_name, int64_t now) {
  auto p = by_id(tx, payment_id);
  if (!p.ok()) return p.status();
  if (p->status != "paid") return Status::Invalid("only a paid payment can be refunded");
  if (amount <= 0) return Status::Invalid("a refund is a positive number of yen");
  if (ja::normalize_ascii_input(reason).empty()) return Status::Invalid("a refund needs a reason");
  if (amount > p->amount - p->refunded) return Status::Invalid("more than what is left to refund");
  // Reserved now, so two refunds at once cannot together exceed the payment.
  auto r = tx.exec("UPDATE payments SET refunded = refunded + ?, updated_at = ? WHERE id = ? AND refunded = ?",
                   {amount, now, payment_id, p->refunded});
  if (!r.ok()) return r.status();
  if (*r != 1) return Status::Conflict("the payment changed meanwhile");
  auto ins = tx.query(
      "INSERT INTO payment_refunds (payment_id, amount, reason, staff_id, staff_name, status, created_at) "
      "VALUES (?, ?, ?, ?, ?, 'requested', ?) RETURNING id",
      {payment_id, amount, reason, staff_id, staff_name, now});
  if (!ins.ok()) return ins.status();
  if (Status st = audit::record(tx,
                                {"staff:" + std::to_string(staff_id), "payment.refund_request", target(p->application_id),
                                 std::to_string(amount) + " yen of payment " + std::to_string(payment_id)},
                                now);
      !st.ok()) {
    return st;
  }
  Refund f;
  f.id = ins->at(0).i64(0);
  f.payment_id = payment_id;
  f.amount = amount;
  f.reason = reason;
  f.staff_name = staff_name;
  f.status = "requested";
  f.created_at = now;
  return f;
}

Status finish_refund(store::Transaction& tx, int64_t refund_id, const Result<std::string>& outcome, int64_t now) {
  auto rows = tx.query(std::string(kRefundColumns) + "FROM payment_refunds r WHERE r.id = ?", {refund_id});
  if (!rows.ok()) return rows.status();
  if (rows->empty()) return Status::NotFound("no such refund");
  const Refund f = to_refund(rows->at(0));
  if (f.status != "requested") return Status::Ok();
  auto p = by_id(tx, f.payment_id);
  if (!p.ok()) return p.status();
  if (!outcome.ok()) {
    auto r = tx.exec("UPDATE payment_refunds SET status = 'failed', done_at = ? WHERE id = ?", {now, refund_id});
    if (!r.ok()) return r.status();
    auto back = tx.exec("UPDATE payments SET refunded = refunded - ?, updated_at = ? WHERE id = ?",
                        {f.amount, now, f.payment_id});
    if (!back.ok()) return back.status();
    return audit::record(tx, {"system", "payment.refund_failed", target(p->application_id), outcome.status().message()},
                         now);
  }
  auto r = tx.exec("UPDATE payment_refunds SET status = 'done', provider_ref = ?, done_at = ? WHERE id = ?",
                   {*outcome, now, refund_id});
  if (!r.ok()) return r.status();
  if (p->refunded >= p->amount) {
    auto full = tx.exec("UPDATE payments SET status = 'refunded', updated_at = ? WHERE id = ?", {now, p->id});
    if (!full.ok()) return full.status();
  }
  applications::Event e;
  e.at = now;
  e.actor_kind = "staff";
  e.actor_name = f.staff_name;
  e.action = "refunded";
  e.message = f.reason;
  if (Status st = applications::add_event(tx, p->application_id, e, std::nullopt); !st.ok()) return st;
  return audit::record(tx, {"system", "payment.refund", target(p->application_id), std::to_string(f.amount) + " yen"},
                       now);
}

Result<std::vector<Payment>> for_department(store::Transaction& tx, const std::string& department, int64_t from,
                                            int64_t to) {
  return select(tx, "WHERE department = ? AND updated_at >= ? AND updated_at < ? ORDER BY updated_at DESC, id DESC",
                {department, from, to});
}

Result<std::vector<Payment>> paid_in(store::Transaction& tx, const std::string& department, int64_t from, int64_t to) {
  return select(tx, "WHERE department = ? AND paid_at >= ? AND paid_at < ? ORDER BY paid_at, id", {department, from, to});
}

Result<std::vector<std::pair<Refund, Payment>>> refunds_for_department(store::Transaction& tx,
                                                                      const std::string& department, int64_t from,
                                                                      int64_t to) {
  auto rows = tx.query(std::string(kRefundColumns) +
                           "FROM payment_refunds r JOIN payments p ON p.id = r.payment_id "
                           "WHERE p.department = ? AND r.status = 'done' AND r.done_at >= ? AND r.done_at < ? "
                           "ORDER BY r.done_at, r.id",
                       {department, from, to});
  if (!rows.ok()) return rows.status();
  std::vector<std::pair<Refund, Payment>> out;
  for (const auto& r : *rows) {
    Refund f = to_refund(r);
    auto p = by_id(tx, f.payment_id);
    if (!p.ok()) return p.status();
    out.emplace_back(std::move(f), std::move(*p));
  }
  return out;
}

}  // namespace madoguchi::payments
