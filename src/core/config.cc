#include "core/config.h"

#include <toml++/toml.h>

#include <limits>
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
      "listen", "store", "procedures", "templates", "locales", "static", "holidays", "postal", "threads",
      "max_body_bytes", "max_file_bytes", "max_application_bytes", "read_timeout_seconds",
      "idle_timeout_seconds", "drain_timeout_seconds",
      "session_hours", "session_seconds", "session_warning_seconds", "secure_cookies",
      "housekeeping_minutes", "draft_retention_days", "mail_smtp", "mail_from", "mail_from_name", "public_url",
      "mail_interval_seconds", "retention_years"};
  for (const auto& [key, node] : tbl) {
    if (!kKnown.count(std::string(key.str()))) {
      return Status::Invalid(path + ":" + std::to_string(key.source().begin.line) +
                             ": unknown setting '" + std::string(key.str()) + "'");
    }
  }
  // A value of the wrong type or out of range is an error too, for the same reason as an
  // unknown key: `threads = "4"` or `max_body_bytes = -1` must not quietly mean something else.
  auto bad = [&](const char* k, const std::string& want) {
    return Status::Invalid(path + ":" + std::to_string(tbl.get(k)->source().begin.line) + ": setting '" + k +
                           "' must be " + want);
  };
  auto str = [&](const char* k, std::string* out) -> Status {
    const toml::node* n = tbl.get(k);
    if (!n) return Status::Ok();
    if (!n->is_string()) return bad(k, "a string");
    *out = n->as_string()->get();
    return Status::Ok();
  };
  auto num = [&](const char* k, auto* out, int64_t min) -> Status {
    const toml::node* n = tbl.get(k);
    if (!n) return Status::Ok();
    using T = std::remove_pointer_t<decltype(out)>;
    const int64_t max = static_cast<int64_t>(std::numeric_limits<T>::max());
    if (!n->is_integer() || n->as_integer()->get() < min || n->as_integer()->get() > max) {
      return bad(k, "an integer from " + std::to_string(min) + " to " + std::to_string(max));
    }
    *out = static_cast<T>(n->as_integer()->get());
    return Status::Ok();
  };
  for (Status s : {str("listen", &c->listen), str("store", &c->store), str("procedures", &c->procedures),
                   str("templates", &c->templates), str("locales", &c->locales), str("static", &c->static_dir),
                   str("holidays", &c->holidays), str("postal", &c->postal), num("threads", &c->threads, 0),
                   num("max_body_bytes", &c->max_body_bytes, 1), num("max_file_bytes", &c->max_file_bytes, 1),
                   num("max_application_bytes", &c->max_application_bytes, 1),
                   num("read_timeout_seconds", &c->read_timeout_seconds, 1),
                   num("idle_timeout_seconds", &c->idle_timeout_seconds, 1),
                   num("drain_timeout_seconds", &c->drain_timeout_seconds, 0),
                   num("session_hours", &c->session_hours, 1), num("session_seconds", &c->session_seconds, 0),
                   num("session_warning_seconds", &c->session_warning_seconds, 0),
                   num("housekeeping_minutes", &c->housekeeping_minutes, 0),
                   num("draft_retention_days", &c->draft_retention_days, 1), str("mail_smtp", &c->mail_smtp),
                   str("mail_from", &c->mail_from), str("mail_from_name", &c->mail_from_name),
                   str("public_url", &c->public_url), num("mail_interval_seconds", &c->mail_interval_seconds, 1),
                   num("retention_years", &c->retention_years, 0)}) {
    if (!s.ok()) return s;
  }
  if (const toml::node* n = tbl.get("secure_cookies")) {
    if (!n->is_boolean()) return bad("secure_cookies", "true or false");
    c->secure_cookies = n->as_boolean()->get();
  }
  return Status::Ok();
}

}  // namespace madoguchi
