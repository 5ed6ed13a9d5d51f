// Paying an application's fee: the pay button (a signed-in owner, or a guest with the access
// code), the page the gateway sends the browser back to, the provider's signed notification,
// the built-in sandbox gateway's own page (/sandbox-pay/…), and the staff's payments page,
// reconciliation download and refunds. Each handler calls one use case (usecases/pay.h,
// usecases/pay_staff.h) and renders its outcome; everything works without JavaScript.
#include <spdlog/spdlog.h>

#include "usecases/pay.h"
#include "usecases/pay_staff.h"
#include "web/app.h"
#include "web/route.h"
#include "web/views.h"

namespace madoguchi::web {
namespace {

usecases::Staff staff_of(const Visitor& v) {
  return {v.account->id, v.account->display_name, v.account->department, v.account->role};
}

// The state a resident reads: due, failed (try again), paid, refunded, expired.
std::string state_of(const payments::Standing& s, const payments::Payment** paid) {
  for (const auto& p : s.attempts) {
    if (p.status == "paid" || p.status == "refunded") *paid = &p;
  }
  if (*paid) return (*paid)->refunded > 0 ? "refunded" : "paid";
  if (s.expired()) return "expired";
  return s.latest().status == "failed" ? "failed" : "due";
}

http::Response pay(Call& c, const std::string& receipt, std::optional<std::string> code) {
  usecases::PayRequest request;
  request.receipt = receipt;
  if (c.v.account && !c.v.account->is_staff()) request.account_id = c.v.account->id;
  if (!request.account_id) request.access_code = std::move(code);
  auto r = usecases::start_payment(env(c.app), request);
  if (!r.ok()) {
    spdlog::error("starting a payment failed: {}", r.status().message());
    return c.error(500, "payment.unavailable");
  }
  switch (r->kind) {
    case usecases::PayStart::Kind::kRedirect:
      return http::Response::redirect(r->url);
    case usecases::PayStart::Kind::kAlreadyPaid:
      return http::Response::redirect(request.account_id ? "/applications/" + http::percent_encode(receipt)
                                                         : "/status");
    case usecases::PayStart::Kind::kClosed:
      return c.error(409, "payment.closed");
    case usecases::PayStart::Kind::kWait:
      return c.error(403, "payment.too_many");
    case usecases::PayStart::Kind::kNotFound:
      break;
  }
  return c.error(404, "error.no_application");
}

http::Response resident_pay(Call& c) { return pay(c, c.req.params["receipt"], std::nullopt); }
http::Response guest_pay(Call& c) { return pay(c, c.field("receipt"), c.field("code")); }

// Where the gateway sends the browser back. It proves nothing: the page shows what the store
// knows, which may still be "waiting for the provider" when the browser is faster than the
// notification.
http::Response payment_return(Call& c) {
  auto p = usecases::payment_by_token(env(c.app), c.req.params["token"]);
  if (!p.ok()) {
    if (p.status().code() == Status::Code::kNotFound) return c.error(404, "error.not_found");
    return c.error(500, "error.internal");
  }
  Json view;
  view["receipt"] = p->receipt;
  view["amount"] = format_yen(c.app, c.v.locale, p->amount);
  view["state"] = p->status;
  view["is_" + p->status] = true;
  view["back"] = c.v.account && !c.v.account->is_staff() ? "/applications/" + p->receipt : "/status";
  if (Status st = ensure_session(c.app, &c.v); !st.ok()) return c.error(500, "error.internal");
  return c.render(200, "payment/return", view, "payment.return_title");
}

http::Response webhook(Call& c) {
  auto r = usecases::receive_notification(env(c.app), c.req.params["provider"], c.req.headers, c.req.body);
  http::Response res;
  if (r.ok()) {
    res = http::Response::text(200, std::string(payments::applied_name(*r)) + "\n");
  } else {
    switch (r.status().code()) {
      case Status::Code::kNotFound:
      case Status::Code::kPermissionDenied:
        res = http::Response::text(403, "forbidden\n");
        break;
      case Status::Code::kInvalid:
        res = http::Response::text(400, "bad request\n");
        break;
      default:
        spdlog::error("payment notification failed: {}", r.status().message());
        res = http::Response::text(500, "try again\n");
    }
  }
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

http::Response sandbox_page(Call& c) {
  auto co = usecases::sandbox_checkout(env(c.app), c.req.params["checkout"]);
  if (!co.ok()) {
    if (co.status().code() == Status::Code::kNotFound) return c.error(404, "error.not_found");
    return c.error(500, "error.internal");
  }
  if (Status st = ensure_session(c.app, &c.v); !st.ok()) return c.error(500, "error.internal");
  Json view;
  view["checkout"] = co->id;
  view["description"] = co->description;
  view["amount"] = format_yen(c.app, c.v.locale, co->amount);
  view["open"] = co->status == "open" && unix_now() < co->expires_at;
  view["return_url"] = co->return_url;
  view["action"] = "/sandbox-pay/" + co->id;
  return c.render(200, "payment/sandbox", view, "sandbox.title");
}

http::Response sandbox_choose(Call& c) {
  const std::string choice = c.field("choice");
  payments::sandbox::Choice ch;
  if (choice == "pay") ch = payments::sandbox::Choice::kPay;
  else if (choice == "pay_later") ch = payments::sandbox::Choice::kPayNotifyLater;
  else if (choice == "fail") ch = payments::sandbox::Choice::kFail;
  else return c.error(400, "error.bad_request");
  const std::string id = c.req.params["checkout"];
  auto back = usecases::sandbox_choose(env(c.app), id, ch);
  if (back.ok()) return http::Response::redirect(*back);
  switch (back.status().code()) {
    case Status::Code::kNotFound:
      return c.error(404, "error.not_found");
    case Status::Code::kConflict:
    case Status::Code::kInvalid: {
      // A second click, or too late: nothing is charged; back to Madoguchi's return page.
      auto co = usecases::sandbox_checkout(env(c.app), id);
      if (co.ok()) return http::Response::redirect(co->return_url);
      return c.error(409, "error.conflict");
    }
    default:
      spdlog::error("sandbox payment failed: {}", back.status().message());
      return c.error(500, "error.internal");
  }
}

Date day_asked(Call& c) { return Date::parse_iso(c.req.query_param("date")).value_or(today_jst()); }

http::Response staff_payments_page(Call& c, const Date& day, const std::string& error = "") {
  App& app = c.app;
  const usecases::Staff staff = staff_of(c.v);
  auto d = usecases::department_payments(env(app), staff, day);
  if (!d.ok()) return c.error(500, "error.internal");
  const std::string& locale = c.v.locale;
  Json rows = Json::array();
  for (size_t i = 0; i < d->payments.size(); ++i) {
    const payments::Payment& p = d->payments[i];
    const std::string& proc = d->procedure_ids[i];
    Json row = {{"receipt", p.receipt},
                {"href", "/staff/cases/" + std::to_string(p.application_id)},
                {"amount", format_yen(app, locale, p.amount)},
                {"status", app.locales.t(locale, "payment.state." + p.status)},
                {"status_id", p.status},
                {"updated", format_time(p.updated_at)},
                {"provider_ref", p.provider_ref},
                {"refunded", p.refunded > 0 ? format_yen(app, locale, p.refunded) : ""},
                {"id", p.id}};
    if (p.status == "paid" && p.refunded < p.amount && usecases::may_refund(env(app), staff, proc)) {
      row["refund_action"] = "/staff/payments/" + std::to_string(p.id) + "/refund";
      row["refundable"] = p.amount - p.refunded;
    }
    rows.push_back(row);
  }
  Json refunds = Json::array();
  for (const auto& [r, p] : d->refunds) {
    refunds.push_back({{"receipt", p.receipt},
                       {"amount", format_yen(app, locale, r.amount)},
                       {"reason", r.reason},
                       {"by", r.staff_name},
                       {"when", format_time(*r.done_at)}});
  }
  Json view;
  view["date"] = day.iso();
  view["rows"] = rows;
  view["none"] = rows.empty();
  view["has_refunds"] = !refunds.empty();
  view["refunds"] = refunds;
  view["paid_total"] = format_yen(app, locale, d->paid_total);
  view["refunded_total"] = format_yen(app, locale, d->refunded_total);
  view["net_total"] = format_yen(app, locale, d->paid_total - d->refunded_total);
  view["csv_href"] = "/staff/payments/reconciliation?date=" + day.iso();
  if (c.req.query_param("refunded") == "1") view["refunded_done"] = true;
  if (!error.empty()) view["error"] = app.locales.t(locale, error);
  return c.render(error.empty() ? 200 : 400, "payment/staff", view, "payment.staff_title");
}

http::Response staff_payments(Call& c) { return staff_payments_page(c, day_asked(c)); }

http::Response reconciliation(Call& c) {
  const Date day = day_asked(c);
  auto csv = usecases::reconciliation_csv(env(c.app), staff_of(c.v), day);
  if (!csv.ok()) return c.error(500, "error.internal");
  http::Response res = http::Response::text(200, *csv);
  res.content_type = "text/csv; charset=utf-8";
  res.as_attachment("payments-" + c.v.account->department + "-" + day.iso() + ".csv");
  res.headers.emplace_back("Cache-Control", "no-store");
  return res;
}

http::Response refund(Call& c) {
  const Date day = Date::parse_iso(c.field("date")).value_or(today_jst());
  const auto amount = parse_count(c.field("amount"));
  if (!amount) return staff_payments_page(c, day, "payment.refund_amount_invalid");
  Status s = usecases::refund_payment(env(c.app), staff_of(c.v), c.id("id"), *amount, c.field("reason"));
  switch (s.code()) {
    case Status::Code::kOk:
      return http::Response::redirect("/staff/payments?date=" + day.iso() + "&refunded=1");
    case Status::Code::kNotFound:
      return c.error(404, "error.not_found");
    case Status::Code::kPermissionDenied:
      return c.error(403, "payment.refund_not_allowed");
    case Status::Code::kInvalid:
      return staff_payments_page(c, day, "payment.refund_invalid");
    case Status::Code::kConflict:
      return c.error(409, "error.conflict");
    default:
      spdlog::error("refund failed: {}", s.message());
      return staff_payments_page(c, day, "payment.refund_failed");
  }
}

}  // namespace

Json payment_panel(App& app, const Visitor& v, const std::string& receipt, bool owner, const std::string& access_code) {
  auto s = usecases::payment_standing_by_receipt(env(app), receipt);
  if (!s.ok()) {
    spdlog::error("payment standing not read: {}", s.status().message());
    return Json();
  }
  if (!s->owes()) return Json();
  const payments::Payment* paid = nullptr;
  const std::string state = state_of(*s, &paid);
  Json view;
  view["state"] = state;
  view["is_" + state] = true;
  view["state_text"] = app.locales.t(v.locale, "payment.panel_state." + state);
  view["amount"] = format_yen(app, v.locale, s->latest().amount);
  view["deadline"] = format_time(s->latest().expires_at);
  if (paid && paid->refunded > 0) view["refunded"] = format_yen(app, v.locale, paid->refunded);
  const bool can_pay = (state == "due" || state == "failed") && unix_now() < s->latest().expires_at;
  if (can_pay && owner) {
    view["pay_action"] = "/applications/" + receipt + "/pay";
  } else if (can_pay && !access_code.empty()) {
    view["pay_action"] = "/status/pay";
    view["receipt"] = receipt;
    view["access_code"] = access_code;
  } else if (can_pay) {
    view["lookup_to_pay"] = true;  // a guest who no longer has the code on the page
  }
  return view;
}

void register_payment_routes(http::Router& r, App& app) {
  add_route(r, app, "POST", "/applications/{receipt}/pay", kCsrf, resident_pay);
  add_route(r, app, "POST", "/status/pay", kCsrf, guest_pay);
  add_route(r, app, "GET", "/pay/return/{token}", kOpen, payment_return);
  add_route(r, app, "POST", "/payments/webhook/{provider}", kSignedBody, webhook);
  add_route(r, app, "GET", "/sandbox-pay/{checkout}", kOpen, sandbox_page);
  add_route(r, app, "POST", "/sandbox-pay/{checkout}", kCsrf, sandbox_choose);
  add_route(r, app, "GET", "/staff/payments", kStaff, staff_payments);
  add_route(r, app, "GET", "/staff/payments/reconciliation", kStaff, reconciliation);
  add_route(r, app, "POST", "/staff/payments/{id:id}/refund", kStaff | kCsrf, refund);
}

}  // namespace madoguchi::web
