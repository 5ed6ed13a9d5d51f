#include "core/config.h"

#include <toml++/toml.h>

#include <set>

namespace madoguchi {

Status load_config_file(const std::string& path, Config* c) {
  toml::table tbl;
  try {
    tbl = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Status::Invalid(path + ":" + std::to_string(e.source().begin.line) + ": " +
                           std::string(e.description()));
  }
  static const std::set<std::string> kKnown = {
      "listen", "store", "procedures", "templates", "locales", "static", "holidays", "threads",
      "max_body_bytes", "max_file_bytes", "max_application_bytes", "read_timeout_seconds",
      "session_hours", "secure_cookies"};
  for (const auto& [key, node] : tbl) {
    if (!kKnown.count(std::string(key.str()))) {
      return Status::Invalid(path + ":" + std::to_string(key.source().begin.line) +
                             ": unknown setting '" + std::string(key.str()) + "'");
    }
  }
  auto str = [&](const char* k, std::string* out) {
    if (auto v = tbl[k].value<std::string>()) *out = *v;
  };
  auto num = [&](const char* k, auto* out) {
    if (auto v = tbl[k].value<int64_t>()) *out = static_cast<std::remove_pointer_t<decltype(out)>>(*v);
  };
  str("listen", &c->listen);
  str("store", &c->store);
  str("procedures", &c->procedures);
  str("templates", &c->templates);
  str("locales", &c->locales);
  str("static", &c->static_dir);
  str("holidays", &c->holidays);
  num("threads", &c->threads);
  num("max_body_bytes", &c->max_body_bytes);
  num("max_file_bytes", &c->max_file_bytes);
  num("max_application_bytes", &c->max_application_bytes);
  num("read_timeout_seconds", &c->read_timeout_seconds);
  num("session_hours", &c->session_hours);
  if (auto v = tbl["secure_cookies"].value<bool>()) c->secure_cookies = *v;
  return Status::Ok();
}

}  // namespace madoguchi
