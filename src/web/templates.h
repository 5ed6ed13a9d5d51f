// HTML templates (Mustache, logic-less, HTML-escaping by default). Data is passed as JSON;
// every list "x" in an object is accompanied by a boolean "has_x" (true when not empty).
// User data must only ever be rendered with {{double}} braces; {{{triple}}} is reserved for
// HTML this program produced itself (the page body inside the layout).
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace madoguchi::web {

class Templates {
 public:
  // Loads every DIR/**/*.mustache as "sub/name" (without extension). Files under
  // DIR/partials/ are also available to every template as {{> name}}.
  static Result<Templates> load(const std::string& dir);
  // Renders a template; throws std::runtime_error on an unknown template or a template
  // error, which the router turns into a 500 (a bug, found by tests).
  std::string render(const std::string& name, const nlohmann::json& data) const;
  bool has(const std::string& name) const { return texts_.count(name) != 0; }

 private:
  std::map<std::string, std::string> texts_;
  std::map<std::string, std::string> partials_;
  uint64_t generation_ = 0;  // distinguishes instances in the per-thread parse cache
};

}  // namespace madoguchi::web
