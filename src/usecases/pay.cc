#include "usecases/pay.h"

#include <spdlog/spdlog.h>

#include "audit/audit.h"
#include "core/date.h"
#include "notify/outbox.h"
#include "steps/email_notice/email_notice.h"
#include "usecases/follow.h"

namespace madoguchi::usecases {
namespace {

payments::sandbox::Gateway* sandbox(const Env& env) {
  if (!env.payments) return nullptr;
  return dynamic_cast<payments::sandbox::Gateway*>(env.payments->find("sandbox"));
}

std::string return_url(const Env& env, const std::string& token) {
  std::string base = env.config.public_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/pay/return/" + token;
}

// The application `request` names, when the asker may pay it.
Result<std::optional<applications::Application>> find_for(const Env& env, const PayRequest& request,
                                                          int64_t* wait) {
  if (request.account_id) {
    auto a = own_application(env, *request.account_id, request.receipt);
    if (!a.ok()) {
      if (a.status().code() == Status::Code::kNotFound) return std::optional<applications::Application>();
      return a.status();
    }
    return std::optional<applications::Application>(*a);
  }
  if (!request.access_code) return std::optional<applications::Application>();
  auto g = guest_lookup(env, request.receipt, *request.access_code);
  if (!g.ok()) return g.status();
  *wait = g->wait_seconds;
  return g->found;
}

// Verifies and applies one notification in `tx`. *refused is set (and the refusal audited)
// when the signature or the body is bad.
Result<std::optional<payments::Applied>> receive_in(const Env& env, store::Transaction& tx,
                                                    payments::Provider& provider, const payments::Headers& headers,
                                                    const std::string& body, int64_t now, Status* refused) {
  auto n = provider.verify_notification(headers, body, now);
  if (!n.ok()) {
    *refused = n.status();
    if (Status st = audit::record(tx,
                                  {"provider:" + std::string(provider.id()), "payment.notification_refused",
                                   "provider:" + std::string(provider.id()), n.status().message()},
                                  now);
        !st.ok()) {
      return st;
    }
    return std::optional<payments::Applied>();
  }
  auto applied = payments::apply(tx, std::string(provider.id()), *n, now);
  if (!applied.ok()) return applied.status();
  (void)env;
  return std::optional<payments::Applied>(*applied);
}

}  // namespace

Result<PayStart> start_payment(const Env& env, const PayRequest& request) {
  PayStart out;
  auto found = find_for(env, request, &out.wait_seconds);
  if (!found.ok()) return found.status();
  if (out.wait_seconds > 0) {
    out.kind = PayStart::Kind::kWait;
    return out;
  }
  if (!*found) return out;  // kNotFound
  const applications::Application& a = **found;
  payments::Provider* provider = env.payments ? env.payments->active() : nullptr;
  if (!provider) return Status::Io("no payment provider is configured");

  std::optional<payments::Payment> attempt;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto p = payments::attempt_to_pay(tx, a.id, unix_now());
    if (!p.ok()) return p.status();
    attempt = *p;
    return Status::Ok();
  });
  if (s.code() == Status::Code::kConflict) {
    out.kind = PayStart::Kind::kAlreadyPaid;
    return out;
  }
  if (s.code() == Status::Code::kInvalid) {
    out.kind = PayStart::Kind::kClosed;
    return out;
  }
  if (!s.ok()) return s;
  if (!attempt->checkout_url.empty()) {
    // A second press of the button: the same checkout, no second charge.
    out.kind = PayStart::Kind::kRedirect;
    out.url = attempt->checkout_url;
    return out;
  }
  const procedures::Procedure* proc = env.catalog.find(a.procedure_id);
  payments::CheckoutRequest cr;
  cr.reference = attempt->token;
  cr.amount_yen = attempt->amount;
  cr.description = (proc ? proc->title.get("ja") : a.procedure_id) + " " + a.receipt;
  cr.return_url = return_url(env, attempt->token);
  cr.expires_at = attempt->expires_at;
  auto checkout = provider->start_checkout(cr);  // outside any transaction: a network call
  if (!checkout.ok()) return checkout.status();
  s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto p = payments::set_checkout(tx, attempt->id, std::string(provider->id()), *checkout, unix_now());
    if (!p.ok()) return p.status();
    attempt = *p;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  out.kind = PayStart::Kind::kRedirect;
  out.url = attempt->checkout_url;
  return out;
}

Result<payments::Payment> payment_by_token(const Env& env, const std::string& token) {
  std::optional<payments::Payment> out;
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto p = payments::by_token(tx, token);
    if (!p.ok()) return p.status();
    out = *p;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return *out;
}

Result<payments::Standing> payment_standing_by_receipt(const Env& env, const std::string& receipt) {
  payments::Standing out;
  Status s = store::with_read(env.store, [&](store::Transaction& tx) {
    auto a = applications::find_by_receipt(tx, receipt);
    if (!a.ok()) return a.status().code() == Status::Code::kNotFound ? Status::Ok() : a.status();
    auto st = payments::standing(tx, a->id);
    if (!st.ok()) return st.status();
    out = std::move(*st);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<payments::Applied> receive_notification(const Env& env, const std::string& provider_id,
                                               const payments::Headers& headers, const std::string& body) {
  payments::Provider* provider = env.payments ? env.payments->find(provider_id) : nullptr;
  if (!provider) return Status::NotFound("no such payment provider");
  Status refused;
  std::optional<payments::Applied> applied;
  Status s = store::with_write(env.store, [&](store::Transaction& tx) {
    auto r = receive_in(env, tx, *provider, headers, body, unix_now(), &refused);
    if (!r.ok()) return r.status();
    applied = *r;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  if (!refused.ok()) return refused;
  return *applied;
}

Result<std::string> sandbox_choose(const Env& env, const std::string& id, payments::sandbox::Choice choice) {
  payments::sandbox::Gateway* gw = sandbox(env);
  if (!gw) return Status::NotFound("the sandbox is off");
  auto view = gw->checkout(id);
  if (!view.ok()) return view.status();
  const int64_t now = unix_now();
  auto webhook = gw->choose(id, choice, now);
  if (!webhook.ok()) return webhook.status();
  if (choice != payments::sandbox::Choice::kPayNotifyLater) {
    // As a fast gateway does: the notification goes out at once; the job retries if it fails.
    Status s = store::with_write(env.store, [&](store::Transaction& tx) {
      Status refused;
      auto delivered = gw->deliver_due(
          tx, now,
          [&](const payments::Headers& h, const std::string& body) -> Result<bool> {
            auto r = receive_in(env, tx, *gw, h, body, now, &refused);
            if (!r.ok()) return r.status();
            return r->has_value();
          },
          *webhook);
      return delivered.status();
    });
    if (!s.ok()) spdlog::warn("sandbox notification not delivered now (the job retries): {}", s.message());
  }
  return view->return_url;
}

Result<payments::sandbox::CheckoutView> sandbox_checkout(const Env& env, const std::string& id) {
  payments::sandbox::Gateway* gw = sandbox(env);
  if (!gw) return Status::NotFound("the sandbox is off");
  return gw->checkout(id);
}

std::vector<jobs::Job> payment_jobs(const Env& env, std::chrono::seconds period) {
  std::vector<jobs::Job> out;
  out.push_back({"expire-payments", period, [env](store::Transaction& tx, int64_t now) -> Result<int64_t> {
                   auto expired = payments::expire_due(tx, now);
                   if (!expired.ok()) return expired.status();
                   for (const auto& a : *expired) {
                     auto m = steps::email_notice::compose(env, tx, a, "payment_expired");
                     if (!m.ok()) return m.status();
                     if (*m) {
                       if (Status st = notify::enqueue(tx, **m, now); !st.ok()) return st;
                     }
                   }
                   return static_cast<int64_t>(expired->size());
                 }});
  if (payments::sandbox::Gateway* gw = sandbox(env)) {
    out.push_back({"sandbox-notifications", std::chrono::seconds(30),
                   [env, gw](store::Transaction& tx, int64_t now) -> Result<int64_t> {
                     return gw->deliver_due(tx, now, [&](const payments::Headers& h, const std::string& body) -> Result<bool> {
                       Status refused;
                       auto r = receive_in(env, tx, *gw, h, body, now, &refused);
                       if (!r.ok()) return r.status();
                       return r->has_value();
                     });
                   }});
  }
  return out;
}

}  // namespace madoguchi::usecases
