#include "payments/sandbox/sandbox.h"

#include <sodium.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/date.h"

namespace madoguchi::payments::sandbox {
namespace {

std::string to_hex(const unsigned char* data, size_t n) {
  std::string hex(n * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), data, n);
  hex.pop_back();
  return hex;
}

// HMAC-SHA256 over "<t>.<body>" (the timestamp is signed, so an old notification cannot be
// given a new time).
void mac(const std::string& key, int64_t t, const std::string& body, unsigned char out[crypto_auth_hmacsha256_BYTES]) {
  const std::string signed_text = std::to_string(t) + "." + body;
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size());
  crypto_auth_hmacsha256_final(&st, out);
}

std::string header(const Headers& headers, const std::string& name) {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return "";
}

// "t=…,v1=…" → (t, hex); false when malformed.
bool parse_signature(const std::string& value, int64_t* t, std::string* hex) {
  std::stringstream in(value);
  std::string part;
  bool have_t = false;
  while (std::getline(in, part, ',')) {
    if (part.rfind("t=", 0) == 0) {
      const std::string digits = part.substr(2);
      if (digits.empty() || digits.size() > 12 || digits.find_first_not_of("0123456789") != std::string::npos) {
        return false;
      }
      *t = std::stoll(digits);
      have_t = true;
    } else if (part.rfind("v1=", 0) == 0) {
      *hex = part.substr(3);
    }
  }
  return have_t && hex->size() == crypto_auth_hmacsha256_BYTES * 2;
}

std::string new_id(const std::string& prefix) {
  unsigned char bytes[12];
  randombytes_buf(bytes, sizeof bytes);
  return prefix + to_hex(bytes, sizeof bytes);
}

}  // namespace

Result<std::string> load_key(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::NotFound("no sandbox payment key at " + path);
  std::ifstream in(path);
  std::string hex;
  in >> hex;
  std::string key(crypto_auth_hmacsha256_KEYBYTES, '\0');
  size_t len = 0;
  if (hex.size() != key.size() * 2 ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), hex.data(), hex.size(), nullptr, &len,
                     nullptr) != 0 ||
      len != key.size()) {
    return Status::Invalid(path + ": not a sandbox payment key (64 hex digits)");
  }
  return key;
}

Result<std::string> create_key(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return Status::Conflict(path + " exists");
  const auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  std::string key(crypto_auth_hmacsha256_KEYBYTES, '\0');
  crypto_auth_hmacsha256_keygen(reinterpret_cast<unsigned char*>(key.data()));
  const mode_t old = umask(077);
  {
    std::ofstream out(path, std::ios::trunc);
    out << to_hex(reinterpret_cast<const unsigned char*>(key.data()), key.size()) << "\n";
    if (!out) {
      umask(old);
      return Status::Io("cannot write " + path);
    }
  }
  umask(old);
  return key;
}

std::string sign(const std::string& key, int64_t t, const std::string& body) {
  unsigned char out[crypto_auth_hmacsha256_BYTES];
  mac(key, t, body, out);
  return "t=" + std::to_string(t) + ",v1=" + to_hex(out, sizeof out);
}

Result<Checkout> Gateway::start_checkout(const CheckoutRequest& request) {
  if (request.amount_yen <= 0) return Status::Invalid("the sandbox takes positive amounts only");
  Checkout out;
  Status s = store::with_write(store_, [&](store::Transaction& tx) {
    // The same reference gives the same checkout: a repeated request opens no second charge.
    auto rows = tx.query("SELECT id FROM sandbox_checkouts WHERE merchant_ref = ?", {request.reference});
    if (!rows.ok()) return rows.status();
    if (!rows->empty()) {
      out.provider_ref = rows->at(0).str(0);
    } else {
      out.provider_ref = new_id("sbx_");
      auto ins = tx.exec(
          "INSERT INTO sandbox_checkouts (id, merchant_ref, amount, description, return_url, status, created_at, "
          "expires_at) VALUES (?, ?, ?, ?, ?, 'open', ?, ?)",
          {out.provider_ref, request.reference, request.amount_yen, request.description, request.return_url,
           unix_now(), request.expires_at});
      if (!ins.ok()) return ins.status();
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  out.redirect_url = "/sandbox-pay/" + out.provider_ref;
  return out;
}

Result<Notification> Gateway::verify_notification(const Headers& headers, const std::string& body,
                                                  int64_t now) const {
  int64_t t = 0;
  std::string hex;
  if (!parse_signature(header(headers, kSignatureHeader), &t, &hex)) {
    return Status::PermissionDenied("missing or malformed signature");
  }
  unsigned char given[crypto_auth_hmacsha256_BYTES];
  size_t len = 0;
  if (sodium_hex2bin(given, sizeof given, hex.data(), hex.size(), nullptr, &len, nullptr) != 0 || len != sizeof given) {
    return Status::PermissionDenied("malformed signature");
  }
  unsigned char expected[crypto_auth_hmacsha256_BYTES];
  mac(key_, t, body, expected);
  if (crypto_verify_32(given, expected) != 0) return Status::PermissionDenied("wrong signature");
  if (t < now - kTolerance || t > now + kTolerance) return Status::PermissionDenied("signature too old");
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("id") || !j["id"].is_string() || !j.contains("type") ||
      !j.contains("merchant_reference") || !j["merchant_reference"].is_string() || !j.contains("amount") ||
      !j["amount"].is_number_integer() || !j.contains("checkout") || !j["checkout"].is_string()) {
    return Status::Invalid("not a sandbox notification");
  }
  Notification n;
  const std::string type = j["type"].is_string() ? j["type"].get<std::string>() : "";
  if (type == "payment.succeeded") {
    n.kind = Notification::Kind::kPaid;
  } else if (type == "payment.failed") {
    n.kind = Notification::Kind::kFailed;
  } else {
    return Status::Invalid("unknown notification type");
  }
  n.event_id = j["id"].get<std::string>();
  n.reference = j["merchant_reference"].get<std::string>();
  n.provider_ref = j["checkout"].get<std::string>();
  n.amount_yen = j["amount"].get<int64_t>();
  return n;
}

Result<std::string> Gateway::refund(const std::string& provider_ref, int64_t amount_yen, const std::string& key) {
  Status s = store::with_write(store_, [&](store::Transaction& tx) {
    auto r = tx.exec(
        "UPDATE sandbox_checkouts SET refunded = refunded + ? WHERE id = ? AND status = 'paid' AND refunded + ? <= "
        "amount",
        {amount_yen, provider_ref, amount_yen});
    if (!r.ok()) return r.status();
    if (*r != 1) return Status::Invalid("the sandbox refuses this refund");
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return "sbx_rf_" + key;
}

Result<CheckoutView> Gateway::checkout(const std::string& id) {
  std::optional<CheckoutView> out;
  Status s = store::with_read(store_, [&](store::Transaction& tx) {
    auto rows = tx.query(
        "SELECT id, description, return_url, status, amount, expires_at FROM sandbox_checkouts WHERE id = ?", {id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("no such checkout");
    const auto& r = rows->at(0);
    out = CheckoutView{r.str(0), r.str(1), r.str(2), r.str(3), r.i64(4), r.i64(5)};
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return *out;
}

Result<int64_t> Gateway::choose(const std::string& id, Choice choice, int64_t now) {
  int64_t webhook = 0;
  Status s = store::with_write(store_, [&](store::Transaction& tx) {
    auto rows = tx.query("SELECT merchant_ref, amount, status, expires_at FROM sandbox_checkouts WHERE id = ?", {id});
    if (!rows.ok()) return rows.status();
    if (rows->empty()) return Status::NotFound("no such checkout");
    const auto& r = rows->at(0);
    if (r.str(2) != "open") return Status::Conflict("the checkout is closed");
    if (now >= r.i64(3)) return Status::Invalid("the checkout expired");
    const bool paid = choice != Choice::kFail;
    auto up = tx.exec("UPDATE sandbox_checkouts SET status = ? WHERE id = ? AND status = 'open'",
                      {std::string(paid ? "paid" : "failed"), id});
    if (!up.ok()) return up.status();
    if (*up != 1) return Status::Conflict("the checkout is closed");
    const nlohmann::json body = {{"id", new_id("evt_")},
                                 {"type", paid ? "payment.succeeded" : "payment.failed"},
                                 {"checkout", id},
                                 {"merchant_reference", r.str(0)},
                                 {"amount", r.i64(1)},
                                 {"currency", "JPY"},
                                 {"created", now}};
    auto ins = tx.query(
        "INSERT INTO sandbox_webhooks (event_id, body, deliver_after) VALUES (?, ?, ?) RETURNING id",
        {body["id"].get<std::string>(), body.dump(), choice == Choice::kPayNotifyLater ? now + 60 : now});
    if (!ins.ok()) return ins.status();
    webhook = ins->at(0).i64(0);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return webhook;
}

Result<int64_t> Gateway::deliver_due(store::Transaction& tx, int64_t now, const Deliver& deliver,
                                     std::optional<int64_t> only) {
  auto rows = only ? tx.query("SELECT id, body FROM sandbox_webhooks WHERE id = ? AND delivered_at IS NULL "
                              "AND deliver_after <= ?",
                              {*only, now})
                   : tx.query("SELECT id, body FROM sandbox_webhooks WHERE delivered_at IS NULL AND deliver_after <= ? "
                              "ORDER BY id LIMIT 100",
                              {now});
  if (!rows.ok()) return rows.status();
  int64_t accepted = 0;
  for (const auto& r : *rows) {
    const int64_t id = r.i64(0);
    const std::string body = r.str(1);
    const Headers headers = {{"content-type", "application/json"}, {kSignatureHeader, sign(key_, now, body)}};
    auto result = deliver(headers, body);
    if (!result.ok()) return result.status();
    auto w = *result ? tx.exec("UPDATE sandbox_webhooks SET delivered_at = ?, attempts = attempts + 1 WHERE id = ?",
                               {now, id})
                     : tx.exec("UPDATE sandbox_webhooks SET attempts = attempts + 1, last_error = 'refused', "
                               "deliver_after = ? WHERE id = ?",
                               {now + 60, id});
    if (!w.ok()) return w.status();
    if (*result) ++accepted;
  }
  return accepted;
}

}  // namespace madoguchi::payments::sandbox
