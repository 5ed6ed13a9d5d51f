// Server configuration: madoguchi.toml (see docs/configuration.md), then command-line flags,
// which win. Every key has a default so an empty file is a valid configuration.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace madoguchi {

struct Config {
  std::string listen = "127.0.0.1:8080";
  std::string store = "sqlite:data/madoguchi.db";
  std::string procedures = "procedures";
  std::string templates = "templates";
  std::string locales = "locales";
  std::string static_dir = "static";
  std::string holidays = "generated/holidays.tsv";
  std::string postal = "generated/postal.tsv";  // "" = no postal code lookup
  int threads = 0;                         // 0 = four per core, at least 8
  long long max_body_bytes = 32 << 20;     // a request body, uploads included
  long long max_file_bytes = 10 << 20;     // one attached file
  long long max_application_bytes = 30 << 20;  // all files of one application
  int read_timeout_seconds = 30;
  int idle_timeout_seconds = 60;           // an idle keep-alive connection is closed after this
  int drain_timeout_seconds = 20;          // on SIGTERM, the longest wait for in-flight requests
  int session_hours = 8;                   // a session idle this long expires
  int session_seconds = 0;                 // when > 0, the lifetime in seconds (wins over hours)
  int session_warning_seconds = 300;       // pages warn this long before the session expires
  bool secure_cookies = false;             // set true behind HTTPS
  int housekeeping_minutes = 15;           // expiry jobs' period (all nodes together); 0 = none here
  int draft_retention_days = 30;           // a signed-in resident's unsaved-for-this-long draft goes
  int retention_years = 0;                 // closed applications' 保存期間 where a definition sets none; 0 = keep
  // E-mail notices (src/notify): off while mail_smtp is "". public_url is where residents reach
  // the site, for the link in each notice ("" = http://<listen>/).
  std::string mail_smtp;                   // e.g. smtp://mail.city.example.jp:25
  std::string mail_from = "no-reply@localhost";
  std::string mail_from_name;              // e.g. the ward's name
  std::string public_url;
  int mail_interval_seconds = 10;          // how often each node looks for notices to send

  // How long an idle session lives: session_seconds when set (short lifetimes for tests or
  // shared terminals), else session_hours.
  int64_t session_lifetime_seconds() const {
    return session_seconds > 0 ? int64_t{session_seconds} : int64_t{session_hours} * 3600;
  }
};

// Reads the TOML file at `path` into *config (keys not in the file keep their values).
// Unknown keys are an error, so a typo does not silently fall back to a default.
Status load_config_file(const std::string& path, Config* config);

}  // namespace madoguchi
