// The sandbox provider: a pretend card / コード決済 gateway built into Madoguchi, for the demo,
// development and tests. It behaves as a real gateway does, so the rest of Madoguchi cannot
// tell it from one: the resident is sent to its page (served under /sandbox-pay/, see
// web/payment_pages.cc) where they pay, fail or abandon; the browser comes back to
// Madoguchi's return URL; the result arrives separately as a notification signed with
// HMAC-SHA256 (libsodium crypto_auth_hmacsha256) under a shared secret key.
//
// Its state is what a gateway would keep on its side: checkouts (sandbox_checkouts) and the
// notifications it owes Madoguchi (sandbox_webhooks, delivered at least once: right after the
// resident's choice, and again by a job until Madoguchi accepted them). Delivery is in-process
// — the signed bytes are handed to the same use case the webhook route calls — instead of an
// HTTP POST to loopback, because a node does not know an address where it can reach itself
// (port 0, TLS at a proxy, several nodes) and domain code holds no HTTP client; the signature
// check is the same either way, and the route is tested with real and forged posts.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "payments/provider.h"
#include "store/store.h"

namespace madoguchi::payments::sandbox {

// The header carrying the signature: "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">".
inline constexpr const char* kSignatureHeader = "sandbox-signature";
// Notifications signed longer ago than this (or this far in the future) are refused.
inline constexpr int64_t kTolerance = 300;

// Reads the 32-byte key stored as 64 hex digits (whitespace around it ignored). NotFound when
// the file does not exist; Invalid when it holds anything else.
Result<std::string> load_key(const std::string& path);
// Writes a new random key to `path` (mode 0600, the directory created); fails if it exists.
Result<std::string> create_key(const std::string& path);
// The header value signing `body` at time `t`.
std::string sign(const std::string& key, int64_t t, const std::string& body);

// A checkout as the sandbox page shows it.
struct CheckoutView {
  std::string id, description, return_url, status;  // status: open | paid | failed
  int64_t amount = 0;
  int64_t expires_at = 0;
};

enum class Choice { kPay, kPayNotifyLater, kFail };

class Gateway : public Provider {
 public:
  // `key`: the secret shared with Madoguchi's side (both are this process here).
  Gateway(store::Store& store, std::string key) : store_(store), key_(std::move(key)) {}

  std::string_view id() const override { return "sandbox"; }
  Result<Checkout> start_checkout(const CheckoutRequest& request) override;
  Result<Notification> verify_notification(const Headers& headers, const std::string& body,
                                           int64_t now) const override;
  Result<std::string> refund(const std::string& provider_ref, int64_t amount_yen, const std::string& key) override;

  // The checkout `id`; NotFound when there is none.
  Result<CheckoutView> checkout(const std::string& id);
  // The resident's choice on the page: an open checkout becomes paid or failed and a signed
  // notification is queued (kPayNotifyLater: due a minute later, as a slow gateway's). Conflict
  // when the checkout is no longer open (a second click charges nothing); Invalid after its
  // expiry. Returns the notification's row id.
  Result<int64_t> choose(const std::string& id, Choice choice, int64_t now);
  // Hands each due notification (or only `only`, when set) to `deliver`, signed now, inside
  // `tx` (the gateway's tables and Madoguchi's share the store, so one transaction records both
  // sides). One that `deliver` accepts (true) is not sent again; one refused is retried a
  // minute later. Returns how many were accepted.
  using Deliver = std::function<Result<bool>(const Headers& headers, const std::string& body)>;
  Result<int64_t> deliver_due(store::Transaction& tx, int64_t now, const Deliver& deliver,
                              std::optional<int64_t> only = std::nullopt);

 private:
  store::Store& store_;
  std::string key_;
};

}  // namespace madoguchi::payments::sandbox
