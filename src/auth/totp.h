// Time-based one-time passwords for staff's second factor: RFC 6238 with SHA-1, 30-second
// steps and 6 digits — what every authenticator app accepts — computed by liboath. Nothing
// here is home-made crypto; this file only names the parameters and keeps liboath's C API out
// of the rest of the program.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace madoguchi::auth {

inline constexpr int kTotpStepSeconds = 30;
inline constexpr int kTotpDigits = 6;
// Codes of one step before or after now are accepted too: a phone's clock a little off, or a
// code typed as it changed.
inline constexpr int kTotpWindowSteps = 1;

// A new random secret: 20 bytes (160 bits, RFC 4226's recommendation), raw.
std::string new_totp_secret();
// The secret in base32 (RFC 4648, upper case, no padding), as people type it into an app.
std::string totp_base32(std::string_view secret);
// "otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=ISSUER&algorithm=SHA1&digits=6&period=30",
// with issuer and account percent-encoded (Google Authenticator's Key Uri Format).
std::string otpauth_uri(std::string_view issuer, std::string_view account, std::string_view secret);
// The time step (unix time / 30) whose code `code` is, within kTotpWindowSteps of `now`;
// nullopt when it is none of them (or not 6 digits). The caller refuses a step it has already
// accepted once (replay).
std::optional<int64_t> totp_step_of(std::string_view secret, std::string_view code, int64_t now);
// The code at `now` (for tests and the enrolment check).
std::string totp_code(std::string_view secret, int64_t now);

}  // namespace madoguchi::auth
