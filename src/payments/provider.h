// A payment provider: the plug-in between Madoguchi and one card / コード決済 gateway. Modelled
// on Open Forms' payments registry (a base interface, one plug-in per provider in its own
// folder): the domain (payments.h) and the use cases (usecases/pay.h) only ever talk to this
// interface, so a real gateway is one new folder src/payments/<id>/ and one line where the
// providers are registered (docs/payments.md).
//
// The life of one payment attempt, as the interface sees it:
//   1. start_checkout: Madoguchi asks the gateway for a checkout page for `reference` and sends
//      the resident's browser there.
//   2. The resident pays, fails or gives up on the gateway's page; the gateway sends the
//      browser back to `return_url` — which proves nothing: the page there only shows what the
//      store knows.
//   3. The gateway tells Madoguchi the result by a signed notification (a webhook);
//      verify_notification checks the signature and reads it. Only a verified notification
//      changes a payment.
//   4. Staff may refund a paid payment, wholly or in part (refund).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace madoguchi::payments {

struct CheckoutRequest {
  std::string reference;    // Madoguchi's id of the attempt (random, unique): the idempotency key
  int64_t amount_yen = 0;   // integer yen, > 0
  std::string description;  // shown on the gateway's page ("住民票の写し等 受付番号 …")
  std::string return_url;   // where the gateway sends the browser back
  int64_t expires_at = 0;   // unix seconds: the gateway must not take money after this
};

struct Checkout {
  std::string provider_ref;  // the gateway's id of the checkout
  std::string redirect_url;  // where to send the resident's browser
};

// A verified notification from the gateway about one attempt.
struct Notification {
  enum class Kind { kPaid, kFailed };
  Kind kind = Kind::kFailed;
  std::string event_id;      // unique per notification at this provider: repeats are ignored
  std::string reference;     // CheckoutRequest::reference
  std::string provider_ref;  // the gateway's id of the payment (kept for reconciliation)
  int64_t amount_yen = 0;    // what the gateway says it took (kPaid)
};

// Header names in lower case, as the HTTP layer hands them over.
using Headers = std::vector<std::pair<std::string, std::string>>;

class Provider {
 public:
  virtual ~Provider() = default;
  // The name in configuration (payment_provider) and in the webhook's path
  // (/payments/webhook/<id>): lower-case letters, digits and '_'.
  virtual std::string_view id() const = 0;
  // Opens (or, for a reference seen before, finds again) the checkout. Called outside any
  // store transaction, because a real gateway is a network call; the same reference must give
  // the same checkout, so a double-clicked pay button never opens two charges.
  virtual Result<Checkout> start_checkout(const CheckoutRequest& request) = 0;
  // Checks the notification's signature over the exact bytes received and reads it.
  // PermissionDenied when the signature is missing, wrong or too old; Invalid when the
  // signed body is not a notification this provider sends. Pure: stores nothing.
  virtual Result<Notification> verify_notification(const Headers& headers, const std::string& body,
                                                   int64_t now) const = 0;
  // Gives `amount_yen` of the payment `provider_ref` back. `key` is unique per refund and makes
  // a repeated call harmless. Returns the gateway's id of the refund.
  virtual Result<std::string> refund(const std::string& provider_ref, int64_t amount_yen, const std::string& key) = 0;
};

// The providers of a deployment, and the one new payments go to.
class Providers {
 public:
  // Adds a provider; throws std::invalid_argument when its id is taken or malformed.
  void add(std::unique_ptr<Provider> provider);
  // The provider with this id, or nullptr (a notification for an unknown provider is refused).
  Provider* find(std::string_view id) const;
  // Makes `id` the provider new payments use; false when there is no such provider.
  bool set_active(std::string_view id);
  // The provider new payments use, or nullptr when none is configured.
  Provider* active() const { return active_; }

 private:
  std::vector<std::unique_ptr<Provider>> providers_;
  Provider* active_ = nullptr;
};

}  // namespace madoguchi::payments
