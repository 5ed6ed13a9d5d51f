#include "auth/totp.h"

#include <liboath/oath.h>
#include <sodium.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>

namespace madoguchi::auth {
namespace {

void ensure_oath() {
  static const int ok = oath_init();
  if (ok != OATH_OK) throw std::runtime_error("liboath failed to initialise");
}

std::string percent_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~' || c == '@') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string new_totp_secret() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  std::string secret(20, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string totp_base32(std::string_view secret) {
  ensure_oath();
  char* out = nullptr;
  size_t len = 0;
  if (oath_base32_encode(secret.data(), secret.size(), &out, &len) != OATH_OK) {
    throw std::runtime_error("base32 encoding failed");
  }
  std::unique_ptr<char, decltype(&free)> owned(out, &free);
  std::string text(out, len);
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret) {
  const std::string i = percent_encode(issuer);
  return "otpauth://totp/" + i + ":" + percent_encode(account) + "?secret=" + totp_base32(secret) + "&issuer=" + i +
         "&algorithm=SHA1&digits=" + std::to_string(kTotpDigits) + "&period=" + std::to_string(kTotpStepSeconds);
}

std::optional<int64_t> totp_step_of(std::string_view secret, std::string_view code, int64_t now) {
  if (code.size() != static_cast<size_t>(kTotpDigits) || code.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  ensure_oath();
  const std::string otp(code);
  int pos = 0;
  uint64_t counter = 0;
  const int r = oath_totp_validate3(secret.data(), secret.size(), static_cast<time_t>(now), kTotpStepSeconds, 0,
                                    kTotpWindowSteps, &pos, &counter, otp.c_str());
  if (r < 0) return std::nullopt;  // OATH_INVALID_OTP, or an error: never a match
  return static_cast<int64_t>(counter);
}

std::string totp_code(std::string_view secret, int64_t now) {
  ensure_oath();
  char out[kTotpDigits + 1] = {};
  if (oath_totp_generate(secret.data(), secret.size(), static_cast<time_t>(now), kTotpStepSeconds, 0, kTotpDigits,
                         out) != OATH_OK) {
    throw std::runtime_error("TOTP generation failed");
  }
  return out;
}

}  // namespace madoguchi::auth
