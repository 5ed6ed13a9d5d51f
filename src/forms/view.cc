// page_view: the data templates/partials/field.mustache renders. Every view carries every
// key the partial reads (false / "" / [] when unused): Mustache looks a missing key up in the
// enclosing context, so a child field would otherwise show its parent's error or rows.
#include <algorithm>
#include <utility>

#include "forms/field_type.h"
#include "forms/internal.h"
#include "ja/ruby.h"

namespace madoguchi::forms {

using namespace internal;

namespace {

Json base_view() {
  Json v = {
      {"id", ""}, {"type", ""}, {"name", ""}, {"html_id", ""},
      {"label", ""}, {"label_html", ""}, {"label_ja", false},
      {"hint", ""}, {"hint_html", ""}, {"has_hint", false}, {"hint_ja", false},
      {"type_hint", ""}, {"has_type_hint", false}, {"has_any_hint", false}, {"hint_id", ""},
      {"required", false}, {"optional", false},
      {"has_error", false}, {"errors", Json::array()}, {"error_id", ""},
      {"describedby", ""}, {"has_describedby", false},
      {"value", ""},
      {"conditional", false}, {"condition", ""},
      {"input_type", "text"}, {"inputmode", ""}, {"has_inputmode", false},
      {"autocomplete", ""}, {"has_autocomplete", false}, {"spellcheck_off", false},
      {"has_limit", false}, {"limit_text", ""}, {"maxlength", ""},
      {"unit", ""}, {"has_unit", false}, {"unit_ja", false},
      {"options", Json::array()}, {"parts", Json::array()},
      {"files", Json::array()}, {"has_files", false}, {"accept", ""}, {"multiple", false},
      {"children", Json::array()},
      {"rows", Json::array()}, {"has_rows", false}, {"can_add", false}, {"add_value", ""},
      {"add_text", ""}, {"template_row", false}, {"min_items", 0}, {"max_items", 0},
      {"date_display", ""}, {"has_date_display", false},
  };
  // "is_<type>" for every type, so the partial can pick the markup of the field's own.
  for (const auto& type : field_type_names()) v["is_" + type] = false;
  for (const char* flag : {"is_input", "is_choice", "is_compound", "is_stop"}) v[flag] = false;
  return v;
}

class ViewBuilder {
 public:
  ViewBuilder(const Json& answers, const std::vector<FieldError>& errors, const Context& ctx)
      : answers_(answers), errors_(errors), ctx_(ctx) {}

  Json fields(const std::vector<Field>& fields, const Json& scope, const Json* row,
              const std::string& prefix, const std::set<std::string>& local_ids, const Field* group);

 private:
  friend class FieldScope;

  Json field(const Leveled& l, const Json& scope, const Json* row, const std::string& prefix,
             const std::set<std::string>& local_ids);
  void add_errors(Json& v, const std::vector<std::string>& ids);
  Json condition_json(const Condition& c, const std::string& prefix, const Json* row,
                      const std::set<std::string>& siblings);

  const Json& answers_;
  const std::vector<FieldError>& errors_;
  const Context& ctx_;
  std::set<std::string> group_siblings_;  // ids of the current group's children
};

void ViewBuilder::add_errors(Json& v, const std::vector<std::string>& ids) {
  for (const auto& e : errors_) {
    if (std::find(ids.begin(), ids.end(), e.html_id) == ids.end()) continue;
    v["errors"].push_back({{"message", e.message}, {"html_id", e.html_id}});
    v["has_error"] = true;
  }
}

Json ViewBuilder::condition_json(const Condition& c, const std::string& prefix, const Json* row,
                                 const std::set<std::string>& siblings) {
  Json out = Json::object();
  switch (c.kind) {
    case Condition::Kind::kAll:
    case Condition::Kind::kAny: {
      Json list = Json::array();
      for (const auto& x : c.children) list.push_back(condition_json(x, prefix, row, siblings));
      out[c.kind == Condition::Kind::kAll ? "all" : "any"] = list;
      return out;
    }
    default:
      break;
  }
  out["field"] = (row && siblings.count(c.field) ? prefix : std::string("f.")) + c.field;
  if (c.kind == Condition::Kind::kEquals) out["equals"] = c.values.empty() ? "" : c.values[0];
  if (c.kind == Condition::Kind::kOneOf) out["one_of"] = c.values;
  if (c.kind == Condition::Kind::kNotEmpty) out["not_empty"] = true;
  return out;
}

// What a field's type sees of the builder while it fills its view: the field's place on the
// page (scope, row, prefix) and the builder's recursion for fieldsets and group rows.
class FieldScope : public ViewContext {
 public:
  FieldScope(ViewBuilder& b, const Json& scope, const Json* row, const std::string& prefix,
             const std::set<std::string>& local_ids)
      : b_(b), scope_(scope), row_(row), prefix_(prefix), local_ids_(local_ids) {}

  const Context& ctx() const override { return b_.ctx_; }
  const Json& scope() const override { return scope_; }
  bool has_error(const std::string& html_id) const override {
    return std::any_of(b_.errors_.begin(), b_.errors_.end(), [&](const FieldError& e) { return e.html_id == html_id; });
  }

  Json fieldset_children(const Field& fieldset) override {
    Json children = Json::array();
    for (const auto& c : fieldset.children) {
      Leveled cl{&c, &fieldset};
      if (!shown(cl, b_.answers_, row_, local_ids_)) continue;
      children.push_back(b_.field(cl, scope_, row_, prefix_, local_ids_));
    }
    return children;
  }

  Json row_fields(const Field& group, Json& row, const std::string& row_name) override {
    std::set<std::string> siblings = ids_of(group.children);
    std::set<std::string> local = local_ids_;
    local.insert(siblings.begin(), siblings.end());
    // Conditions inside the row name their siblings by the row's own HTML names.
    std::set<std::string> saved = std::exchange(b_.group_siblings_, siblings);
    Json out = b_.fields(group.children, row, &row, row_name + ".", local, &group);
    b_.group_siblings_ = std::move(saved);
    return out;
  }

 private:
  ViewBuilder& b_;
  const Json& scope_;
  const Json* row_;
  const std::string& prefix_;
  const std::set<std::string>& local_ids_;
};

Json ViewBuilder::field(const Leveled& l, const Json& scope, const Json* row,
                        const std::string& prefix, const std::set<std::string>& local_ids) {
  const Field& f = *l.field;
  Json v = base_view();
  const std::string name = prefix + f.id;
  const std::string id = html_id(name);
  v["id"] = f.id;
  v["type"] = procedures::field_type_name(f.type);
  v["is_" + v["type"].get<std::string>()] = true;
  v["name"] = name;
  v["html_id"] = id;
  bool fb = false;
  v["label"] = f.label.get(ctx_.locale, &fb);
  v["label_ja"] = fb;
  // The *_html keys go into element content (ruby on ja-easy pages, ja::text_html); the
  // plain keys stay for attribute values and <option>, which cannot hold markup.
  v["label_html"] = ja::text_html(v["label"].get<std::string>(), ctx_.locale);
  if (!f.help.empty()) {
    v["hint"] = f.help.get(ctx_.locale, &fb);
    v["hint_html"] = ja::text_html(v["hint"].get<std::string>(), ctx_.locale);
    v["hint_ja"] = fb;
    v["has_hint"] = true;
  }
  // Fieldsets and groups hold no answer of their own; their types clear both marks.
  v["required"] = f.required;
  v["optional"] = !f.required;
  if (f.visible_if && depends_on(*f.visible_if, local_ids)) {
    v["conditional"] = true;
    v["condition"] = condition_json(*f.visible_if, prefix, row, group_siblings_).dump();
  }
  // "name" and "address" give the parts their tokens instead (a date's type does the same).
  if (!f.autocomplete.empty() && f.autocomplete != "name" && f.autocomplete != "address") {
    v["autocomplete"] = f.autocomplete;
    v["has_autocomplete"] = true;
  }
  Json value = scope.is_object() && scope.contains(f.id) ? scope[f.id] : Json();
  FieldScope place(*this, scope, row, prefix, local_ids);
  field_type(f.type).view(f, value, place, &v);
  // Errors on a part (a date's year, an address's postal code) sit with the field too.
  std::vector<std::string> error_ids = {id};
  for (const auto& p : v["parts"]) error_ids.push_back(p["html_id"]);
  add_errors(v, error_ids);
  v["has_type_hint"] = !v["type_hint"].get<std::string>().empty();
  v["has_any_hint"] = v["has_hint"].get<bool>() || v["has_type_hint"].get<bool>();
  v["error_id"] = id + "-error";
  if (v["has_any_hint"].get<bool>()) v["hint_id"] = id + "-hint";
  std::string describedby = v["hint_id"].get<std::string>();
  if (v["has_error"].get<bool>()) describedby += (describedby.empty() ? "" : " ") + id + "-error";
  v["describedby"] = describedby;
  v["has_describedby"] = !describedby.empty();
  return v;
}

Json ViewBuilder::fields(const std::vector<Field>& fields, const Json& scope, const Json* row,
                         const std::string& prefix, const std::set<std::string>& local_ids,
                         const Field* group) {
  (void)group;
  Json out = Json::array();
  for (const auto& f : fields) {
    Leveled l{&f, nullptr};
    if (!shown(l, answers_, row, local_ids)) continue;
    out.push_back(field(l, scope, row, prefix, local_ids));
  }
  return out;
}

}  // namespace

Json page_view(const procedures::Procedure& proc, const procedures::Page& page, const Json& answers,
               const std::vector<FieldError>& errors, const Context& ctx) {
  (void)proc;
  const Json& a = answers.is_object() ? answers : Json::object();
  ViewBuilder b(a, errors, ctx);
  Json out = b.fields(page.fields, a, nullptr, "f.", ids_of(page.fields), nullptr);
  if (page.stop) {
    // The stop notice goes first, as the error summary links to it.
    Json stop = base_view();
    stop["is_stop"] = true;
    stop["html_id"] = "stop-" + page.id;
    stop["label"] = text(ctx, "forms.stop");
    out.insert(out.begin(), std::move(stop));
  }
  return out;
}

}  // namespace madoguchi::forms
