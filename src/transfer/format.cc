#include <spdlog/spdlog.h>

#include <cmath>
#include <limits>

#include "transfer/internal.h"
#include "transfer/transfer.h"

namespace madoguchi::transfer {

int64_t Summary::total_rows() const {
  int64_t n = 0;
  for (const auto& [table, rows] : rows) n += rows;
  return n;
}

Result<int> schema_version(store::Transaction& tx) {
  auto r = tx.query("SELECT MAX(version) FROM schema_migrations");
  if (!r.ok()) return r.status();
  if (r->empty() || r->front().is_null(0)) return 0;
  return static_cast<int>(r->front().i64(0));
}

namespace internal {

Checksum::Checksum() {
  // Idempotent; libsodium wants it before any other call. Its SHA-256 needs nothing it sets
  // up (CPU feature detection, the random generator), so a failure is logged, not fatal.
  if (sodium_init() < 0) spdlog::error("transfer checksum: libsodium failed to initialise (sodium_init)");
  crypto_hash_sha256_init(&state_);
}

void Checksum::add_line(std::string_view line) {
  crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(line.data()), line.size());
  crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>("\n"), 1);
}

std::string Checksum::hex() {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&state_, digest);
  char out[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(out, sizeof out, digest, sizeof digest);
  return out;
}

Result<Json> to_json(const store::Value& v) {
  if (std::holds_alternative<std::nullptr_t>(v)) return Json(nullptr);
  if (auto* n = std::get_if<int64_t>(&v)) return Json(*n);
  if (auto* d = std::get_if<double>(&v)) {
    // JSON has no NaN or infinity; nlohmann would write null and the value would be lost.
    if (!std::isfinite(*d)) return Status::Invalid("a floating-point value is not finite");
    return Json(*d);
  }
  if (auto* s = std::get_if<std::string>(&v)) return Json(*s);
  const auto& b = std::get<store::Blob>(v);
  const size_t len = sodium_base64_ENCODED_LEN(b.size(), sodium_base64_VARIANT_ORIGINAL);
  std::string text(len, '\0');
  sodium_bin2base64(text.data(), len, b.data(), b.size(), sodium_base64_VARIANT_ORIGINAL);
  text.resize(len - 1);  // the encoded length counts the terminating NUL
  return Json{{"base64", std::move(text)}};
}

Result<store::Value> from_json(const Json& j) {
  switch (j.type()) {
    case Json::value_t::null: return store::Value(nullptr);
    case Json::value_t::number_integer: return store::Value(j.get<int64_t>());
    case Json::value_t::number_unsigned: {
      // nlohmann reads every non-negative integer as unsigned; ours fit in int64.
      uint64_t u = j.get<uint64_t>();
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return Status::Invalid("an integer does not fit in 64 bits");
      }
      return store::Value(static_cast<int64_t>(u));
    }
    case Json::value_t::number_float: return store::Value(j.get<double>());
    case Json::value_t::string: return store::Value(j.get<std::string>());
    case Json::value_t::object: {
      auto it = j.find("base64");
      if (j.size() != 1 || it == j.end() || !it->is_string()) break;
      const std::string& text = it->get_ref<const std::string&>();
      store::Blob out(text.size() / 4 * 3 + 3);
      size_t out_len = 0;
      const char* end = nullptr;
      if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &out_len, &end,
                            sodium_base64_VARIANT_ORIGINAL) != 0 ||
          end != text.data() + text.size()) {
        return Status::Invalid("a blob is not valid base64");
      }
      out.resize(out_len);
      return store::Value(std::move(out));
    }
    default: break;
  }
  return Status::Invalid("a value is neither null, an integer, a number, a string nor {\"base64\": …}");
}

}  // namespace internal
}  // namespace madoguchi::transfer
