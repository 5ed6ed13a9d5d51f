// HTML templates (Mustache, logic-less, HTML-escaping by default). Data is passed as JSON;
// every list "x" in an object is accompanied by a boolean "has_x" (true when not empty).
// User data must only ever be rendered with {{double}} braces; {{{triple}}} is reserved for
// HTML this program produced itself (the page body inside the layout).
#pragma once

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace kainjow::mustache {
template <typename string_type>
class basic_data;
}

namespace madoguchi::web {

class Templates {
 public:
  // Loads every DIR/**/*.mustache as "sub/name" (without extension). Files under
  // DIR/partials/ are also available to every template as {{> name}}.
  static Result<Templates> load(const std::string& dir);
  // Renders a template; throws std::runtime_error on an unknown template or a template
  // error, which the router turns into a 500 (a bug, found by tests).
  std::string render(const std::string& name, const nlohmann::json& data) const;

  // Keeps `data` (a JSON object) converted once under `key`, for data that many pages show
  // unchanged: a locale's strings ({"t": …, "t_html": …}). Converting those ~600 strings
  // for every page was the largest part of a page's CPU time. Call before serving; not
  // thread-safe against concurrent renders.
  void share(const std::string& key, const nlohmann::json& data);
  bool has_shared(const std::string& key) const { return shared_.count(key) != 0; }
  // Renders template `name` with `view`, then `layout` with the same view plus "body" (the
  // first result, unescaped in the layout), converting the view once for both. Names are
  // looked up in `view` first, then in the data shared under `shared_key`, which must exist
  // (std::runtime_error otherwise, as for an unknown template).
  std::string render_in_layout(const std::string& layout, const std::string& name, const nlohmann::json& view,
                               const std::string& shared_key) const;
  bool has(const std::string& name) const { return texts_.count(name) != 0; }

 private:
  using Data = kainjow::mustache::basic_data<std::string>;
  // Renders with `data` looked up first, then `shared` (may be null).
  std::string render_data(const std::string& name, const Data* shared, const Data& data) const;

  std::map<std::string, std::string> texts_;
  std::map<std::string, std::string> partials_;
  std::map<std::string, std::shared_ptr<const Data>> shared_;
  uint64_t generation_ = 0;  // distinguishes instances in the per-thread parse cache
};

}  // namespace madoguchi::web
