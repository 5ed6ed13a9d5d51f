// select, radio, yesno and checkboxes: answers chosen from a list of options.
#include <algorithm>

#include "forms/types/builtin.h"
#include "forms/types/common.h"
#include "ja/ruby.h"

namespace madoguchi::forms::types {

namespace {

using internal::text;

struct Choice {
  std::string value;
  std::string label;
  bool label_ja;  // the label fell back to ja
};

// The options of a field, yesno's two from the locale.
std::vector<Choice> choices(const Field& f, const Context& ctx) {
  if (f.type == FieldType::kYesNo) {
    return {{"yes", text(ctx, "forms.yes"), false}, {"no", text(ctx, "forms.no"), false}};
  }
  std::vector<Choice> out;
  for (const auto& o : f.options) {
    bool fb = false;
    const std::string& label = o.label.get(ctx.locale, &fb);
    out.push_back({o.value, label, fb});
  }
  return out;
}

bool is_option(const Field& f, const std::string& value) {
  if (f.type == FieldType::kYesNo) return value == "yes" || value == "no";
  return std::any_of(f.options.begin(), f.options.end(), [&](const auto& o) { return o.value == value; });
}

std::string option_label(const Field& f, const std::string& value, const Context& ctx) {
  if (f.type == FieldType::kYesNo) {
    return value == "yes" ? text(ctx, "forms.yes") : value == "no" ? text(ctx, "forms.no") : value;
  }
  for (const auto& o : f.options) {
    if (o.value == value) return o.label.get(ctx.locale);
  }
  return value;
}

// What every choice type shares: the options list on the page, one input name (checkboxes
// post it once per ticked box).
class ChoiceType : public OneInputType {
 public:
  std::set<std::string> autocomplete_tokens() const override { return {}; }

  void view(const Field& f, const Json& value, ViewContext& ctx, Json* view) const override {
    Json& v = *view;
    const std::string id = v["html_id"];
    std::vector<Choice> opts = choices(f, ctx.ctx());
    for (size_t i = 0; i < opts.size(); ++i) {
      bool on = value.is_string()
                    ? value.get<std::string>() == opts[i].value
                    : value.is_array() && std::find(value.begin(), value.end(), Json(opts[i].value)) != value.end();
      // The first option carries the field's own id, so error links land on it.
      v["options"].push_back({{"value", opts[i].value},
                              {"label", opts[i].label},
                              {"label_html", ja::text_html(opts[i].label, ctx.ctx().locale)},
                              {"label_ja", opts[i].label_ja},
                              {"html_id", i == 0 ? id : id + "-" + std::to_string(i + 1)},
                              {"checked", on},
                              {"selected", on}});
    }
    v["is_choice"] = f.type != FieldType::kSelect;
  }

 protected:
  // select, radio and checkboxes list their options in the definition.
  static void parse_options(DefinitionReader& in, Field* f) {
    if (in.empty_list("options")) {
      in.problem("", "The " + std::string(procedures::field_type_name(f->type)) + " field '" + f->id +
                         "' has no options; list them under 'options' with value and label.");
    } else {
      f->options = in.options();
    }
  }
};

// select, radio and yesno: one option, stored as its value.
class OneChoiceType : public ChoiceType {
 public:
  explicit OneChoiceType(bool listed) : listed_(listed) {}

  std::set<std::string> keys() const override {
    if (listed_) return {"required", "options"};
    return {"required"};
  }
  void parse(DefinitionReader& in, Field* f) const override {
    if (listed_) parse_options(in, f);
  }

  Json check(const Field& f, const Json& raw, ValueChecker& c) const override {
    std::string typed = internal::trim(ValueChecker::sanitize(ValueChecker::str(raw)));
    if (typed.empty()) {
      if (f.required) c.error("", "forms.required_choice");
      return "";
    }
    // An unknown value is kept, so that checking the stored answers again reports it again.
    if (!is_option(f, typed)) c.error("", "forms.option_invalid");
    return typed;
  }

  std::string display(const Field& f, const Json& value, const SummaryRows& rows) const override {
    return option_label(f, value.is_string() ? value.get<std::string>() : "", rows.ctx());
  }

 private:
  bool listed_;  // options come from the definition (not yesno)
};

// checkboxes: any number of options, stored in the options' order.
class CheckboxesType : public ChoiceType {
 public:
  std::set<std::string> keys() const override { return {"required", "options"}; }
  void parse(DefinitionReader& in, Field* f) const override { parse_options(in, f); }
  Json empty_value(const Field&) const override { return Json::array(); }

  Json read(const Field&, const PostedValue& in) const override {
    Json out = Json::array();
    for (const auto& v : in.all(in.name())) {
      if (!v.empty()) out.push_back(v);
    }
    return out;
  }

  Json check(const Field& f, const Json& value, ValueChecker& c) const override {
    std::vector<std::string> ticked;
    if (value.is_string() && !value.get<std::string>().empty()) {
      ticked.push_back(ValueChecker::sanitize(value.get<std::string>()));
    }
    if (value.is_array()) {
      for (const auto& v : value) {
        if (v.is_string()) ticked.push_back(ValueChecker::sanitize(v.get<std::string>()));
      }
    }
    Json out = Json::array();
    bool unknown = false;
    for (const auto& v : ticked) unknown |= v.empty() || !is_option(f, v);
    // Stored in the options' order, once each, whatever order the browser posted.
    for (const auto& o : f.options) {
      if (std::find(ticked.begin(), ticked.end(), o.value) != ticked.end()) out.push_back(o.value);
    }
    if (unknown) {
      // Kept after the known ones so that checking the stored answers again reports them again.
      for (const auto& v : ticked) {
        if (std::find(out.begin(), out.end(), Json(v)) == out.end()) out.push_back(v);
      }
      c.error("", "forms.option_invalid");
    } else if (out.empty() && f.required) {
      c.error("", "forms.required_choice");
    }
    return out;
  }

  std::string display(const Field& f, const Json& value, const SummaryRows& rows) const override {
    std::string out;
    for (const auto& v : value) {
      if (!v.is_string()) continue;
      if (!out.empty()) out += text(rows.ctx(), "forms.list_separator");
      out += option_label(f, v.get<std::string>(), rows.ctx());
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<const FieldTypeDescriptor> select_type() { return std::make_unique<OneChoiceType>(true); }
std::unique_ptr<const FieldTypeDescriptor> radio_type() { return std::make_unique<OneChoiceType>(true); }
std::unique_ptr<const FieldTypeDescriptor> yesno_type() { return std::make_unique<OneChoiceType>(false); }
std::unique_ptr<const FieldTypeDescriptor> checkboxes_type() { return std::make_unique<CheckboxesType>(); }

}  // namespace madoguchi::forms::types
