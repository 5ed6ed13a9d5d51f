// Server configuration: madoguchi.toml (see docs/configuration.md), then command-line flags,
// which win. Every key has a default so an empty file is a valid configuration.
//
// The fields are the settings of core/settings.h: each one's key, default, range and meaning is
// declared once, in the table in core/settings.cc, and Config() sets each field to its default
// from there (so no default is written twice). A new setting is a field here plus a row there.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace madoguchi {

struct Config {
  // Every field gets its default from the settings table.
  Config();

  std::string listen;
  std::string store;
  std::string procedures;
  std::string templates;
  std::string locales;
  std::string static_dir;  // key "static"
  std::string holidays;
  std::string postal;               // "" = no postal code lookup
  int threads;                      // 0 = four per core, at least 8
  long long max_body_bytes;         // a request body, uploads included
  long long max_file_bytes;         // one attached file
  long long max_application_bytes;  // all files of one application
  int read_timeout_seconds;
  int idle_timeout_seconds;     // an idle keep-alive connection is closed after this
  int drain_timeout_seconds;    // on SIGTERM, the longest wait for in-flight requests
  int session_hours;            // a session idle this long expires
  int session_seconds;          // when > 0, the lifetime in seconds (wins over hours)
  int session_warning_seconds;  // pages warn this long before the session expires
  int session_absolute_hours;        // a resident's or guest's session ends this long after it began; 0 = never
  int staff_session_absolute_hours;  // the same for staff
  bool secure_cookies;          // set true behind HTTPS; also turns HSTS on
  // Who may read /metrics: clients at these addresses (comma-separated addresses and CIDR
  // blocks), or anyone presenting the bearer token read from metrics_token_file ("" = the
  // MADOGUCHI_METRICS_TOKEN environment variable, or no token).
  std::string metrics_allow;
  std::string metrics_token_file;
  // Proxies (addresses and CIDR blocks) whose X-Forwarded-For is believed: the client address
  // that sign-in limits count is then the nearest hop they report. "" = none: the peer address.
  std::string trusted_proxies;
  // Staff's second factor (TOTP, src/auth/totp.h): mandatory for every staff sign-in when
  // staff_totp is true; the TOTP secrets are sealed under the key in totp_key_file (made when
  // absent), and authenticator apps show totp_issuer beside the login.
  bool staff_totp;
  std::string totp_key_file;
  std::string totp_issuer;
  int housekeeping_minutes;     // expiry jobs' period (all nodes together); 0 = none here
  int draft_retention_days;     // a signed-in resident's unsaved-for-this-long draft goes
  int retention_years;          // closed applications' 保存期間 where a definition sets none; 0 = keep
  // E-mail notices (src/notify): off while mail_smtp is "". public_url is where residents reach
  // the site, for the link in each notice ("" = http://<listen>/).
  std::string mail_smtp;  // e.g. smtp://mail.city.example.jp:25
  std::string mail_from;
  std::string mail_from_name;  // e.g. the ward's name
  std::string public_url;
  int mail_interval_seconds;  // how often each node looks for notices to send
  // Residents' one-time e-mailed links (src/auth/account_links.h): how long each works.
  int signup_link_hours;     // verifying a sign-up's address
  int reset_link_minutes;    // resetting a password
  // Payments (src/payments, docs/payments.md).
  std::string payment_provider;  // the provider new payments go to
  int payment_hours;             // how long a resident has to pay before the application expires
  std::string sandbox_key_file;  // the sandbox provider's HMAC key
  // Issued documents (src/documents, docs/documents.md): the ward's PEM signing key and
  // certificate (chain), the CA certificates Madoguchi's own check trusts, and the issuer
  // printed on documents. Off while documents_key is "".
  std::string documents_key;
  std::string documents_certificate;
  std::string documents_ca;
  std::string documents_issuer;

  // How long an idle session lives: session_seconds when set (short lifetimes for tests or
  // shared terminals), else session_hours.
  int64_t session_lifetime_seconds() const {
    return session_seconds > 0 ? int64_t{session_seconds} : int64_t{session_hours} * 3600;
  }
};

// Reads the TOML file at `path` into *config (keys not in the file keep their values).
// Unknown keys are an error, so a typo does not silently fall back to a default; so is a
// value of the wrong type or out of the setting's range ("FILE:LINE: setting 'k' must be …").
Status load_config_file(const std::string& path, Config* config);

}  // namespace madoguchi
