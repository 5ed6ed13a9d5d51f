#include "core/config.h"

#include <toml++/toml.h>

#include "core/settings.h"

namespace madoguchi {
namespace {

// Sets the field of `s` from the TOML value `n`. A value of the wrong type or out of range is
// an error, for the same reason as an unknown key: `threads = "4"` or `max_body_bytes = -1`
// must not quietly mean something else.
Status set_from_toml(const Setting& s, const toml::node& n, Config* c) {
  return std::visit(Overloaded{[&](const TextSetting& t) {
                                 if (!n.is_string()) return s.invalid();
                                 c->*t.field = n.as_string()->get();
                                 return Status::Ok();
                               },
                               [&](const BoolSetting& b) {
                                 if (!n.is_boolean()) return s.invalid();
                                 c->*b.field = n.as_boolean()->get();
                                 return Status::Ok();
                               },
                               [&](const auto& num) {
                                 if (!n.is_integer()) return s.invalid();
                                 const int64_t v = n.as_integer()->get();
                                 if (v < num.min || v > num.max) return s.invalid();
                                 c->*num.field = static_cast<decltype(num.min)>(v);
                                 return Status::Ok();
                               }},
                    s.type);
}

}  // namespace

Config::Config() {
  for (const Setting& s : settings()) s.reset(this);
}

Status load_config_file(const std::string& path, Config* c) {
  toml::table tbl;
  try {
    tbl = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Status::Invalid(path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  auto at = [&path](const toml::source_region& where) { return path + ":" + std::to_string(where.begin.line) + ": "; };
  // Unknown keys first, so a typo is reported even when another value is also wrong.
  for (const auto& [key, node] : tbl) {
    if (!find_setting(key.str()))
      return Status::Invalid(at(key.source()) + "unknown setting '" + std::string(key.str()) + "'");
  }
  for (const auto& [key, node] : tbl) {
    if (Status s = set_from_toml(*find_setting(key.str()), node, c); !s.ok()) {
      return Status::Invalid(at(node.source()) + s.message());
    }
  }
  return Status::Ok();
}

}  // namespace madoguchi
