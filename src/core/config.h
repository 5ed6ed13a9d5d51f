// Server configuration: madoguchi.toml (see docs/configuration.md), then command-line flags,
// which win. Every key has a default so an empty file is a valid configuration.
#pragma once

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
  int threads = 0;                         // 0 = one per core
  long long max_body_bytes = 32 << 20;     // a request body, uploads included
  long long max_file_bytes = 10 << 20;     // one attached file
  long long max_application_bytes = 30 << 20;  // all files of one application
  int read_timeout_seconds = 30;
  int session_hours = 8;                   // a session idle this long expires
  bool secure_cookies = false;             // set true behind HTTPS
};

// Reads the TOML file at `path` into *config (keys not in the file keep their values).
// Unknown keys are an error, so a typo does not silently fall back to a default.
Status load_config_file(const std::string& path, Config* config);

}  // namespace madoguchi
