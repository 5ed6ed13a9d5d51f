// Check-your-answers: each visible page with its answers as display text.
#include "forms/internal.h"
#include "ja/ruby.h"
#include "ja/text.h"

namespace madoguchi::forms {

using namespace internal;

namespace {

std::string str_of(const Json& scope, const std::string& key) {
  auto it = scope.find(key);
  return it != scope.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string collapse_spaces(std::string s) {
  s = trim(s);
  for (size_t pos; (pos = s.find("  ")) != std::string::npos;) s.erase(pos, 1);
  return s;
}

class Summary {
 public:
  explicit Summary(const Context& ctx) : ctx_(ctx) {}

  void level(const std::vector<Field>& fields, const Json& scope, const Json& answers,
             const Json* row, const std::string& prefix, const std::string& label_prefix,
             Json* rows);

 private:
  // `scope` holds the answer (the answers or a group row), for what was kept next to it.
  std::string display(const Field& f, const Json& value, const Json& scope);
  std::string option_label(const Field& f, const std::string& value) {
    if (f.type == FieldType::kYesNo) {
      return value == "yes" ? text(ctx_, "forms.yes") : value == "no" ? text(ctx_, "forms.no") : value;
    }
    for (const auto& o : f.options) {
      if (o.value == value) return o.label.get(ctx_.locale);
    }
    return value;
  }
  const Context& ctx_;
};

std::string Summary::display(const Field& f, const Json& value, const Json& scope) {
  if (is_empty(value)) return text(ctx_, "forms.not_answered");
  switch (f.type) {
    case FieldType::kDate: {
      bool incomplete = false;
      if (value.is_string()) {
        if (auto d = Date::parse_iso(value.get<std::string>())) {
          return display_date(ctx_, *d, typed_era_for(scope, f.id, *d) != nullptr);
        }
        return value.get<std::string>();
      }
      if (auto d = parse_date_value(value, &incomplete)) {
        return display_date(ctx_, *d, !str_of(value, "era").empty());
      }
      return collapse_spaces(str_of(value, "year") + " " + str_of(value, "month") + " " +
                             str_of(value, "day"));
    }
    case FieldType::kInteger:
    case FieldType::kNumber: {
      std::string s = value.is_string() ? value.get<std::string>() : value.dump();
      auto n = ja::parse_number(s);
      return (n ? display_number(*n) : s) + f.unit.get(ctx_.locale);
    }
    case FieldType::kSelect:
    case FieldType::kRadio:
    case FieldType::kYesNo:
      return option_label(f, value.is_string() ? value.get<std::string>() : "");
    case FieldType::kCheckboxes: {
      std::string out;
      for (const auto& v : value) {
        if (!v.is_string()) continue;
        if (!out.empty()) out += text(ctx_, "forms.list_separator");
        out += option_label(f, v.get<std::string>());
      }
      return out;
    }
    case FieldType::kPersonName:
    case FieldType::kPostalAddress: {
      std::map<std::string, std::string> params;
      for (const auto& p : parts_of(f.type)) params[p] = str_of(value, p);
      std::string key = f.type == FieldType::kPersonName ? "forms.name_display" : "forms.address_display";
      return collapse_spaces(text(ctx_, key, params));
    }
    case FieldType::kFile: {
      std::string out;
      for (const auto& ref : value) {
        if (!ref.is_object()) continue;
        if (!out.empty()) out += text(ctx_, "forms.list_separator");
        out += str_of(ref, "name");
      }
      return out;
    }
    default:
      return value.is_string() ? value.get<std::string>() : value.dump();
  }
}

void Summary::level(const std::vector<Field>& fields, const Json& scope, const Json& answers,
                    const Json* row, const std::string& prefix, const std::string& label_prefix,
                    Json* rows) {
  for (const auto& f : fields) {
    Leveled l{&f, nullptr};
    if (!visible(l, answers, row)) continue;
    bool fb = false;
    std::string label = f.label.get(ctx_.locale, &fb);
    std::string shown_label = label_prefix.empty()
                                  ? label
                                  : text(ctx_, "forms.nested_label", {{"outer", label_prefix}, {"label", label}});
    const std::string name = prefix + f.id;
    if (f.type == FieldType::kFieldset) {
      level(f.children, scope, answers, row, prefix, shown_label, rows);
      continue;
    }
    Json value = scope.is_object() && scope.contains(f.id) ? scope[f.id] : Json();
    if (f.type == FieldType::kGroup && value.is_array() && !value.empty()) {
      for (size_t i = 0; i < value.size(); ++i) {
        std::string row_label = text(ctx_, "forms.row_legend",
                                     {{"label", shown_label}, {"number", std::to_string(i + 1)}});
        level(f.children, value[i], answers, &value[i], name + "." + std::to_string(i) + ".",
              row_label, rows);
      }
      continue;
    }
    std::string shown_value =
        f.type == FieldType::kGroup ? text(ctx_, "forms.not_answered") : display(f, value, scope);
    // label_html for the <dt> (ruby on ja-easy pages); the plain label stays for the
    // change link's hidden text and for e-mails and exports, which read this view too.
    rows->push_back({{"label", shown_label},
                     {"label_html", ja::text_html(shown_label, ctx_.locale)},
                     {"label_ja", fb},
                     {"label_lang", fb ? Json("ja") : Json(false)},
                     {"value", shown_value},
                     {"html_id", html_id(name)}});
  }
}

}  // namespace

Json summary_view(const procedures::Procedure& proc, const Json& answers, const Context& ctx) {
  Json out = Json::array();
  const Json a = answers.is_object() ? answers : Json::object();
  Summary s(ctx);
  for (const auto& page : proc.pages) {
    if (!page_visible(page, a)) continue;
    Json rows = Json::array();
    s.level(page.fields, a, a, nullptr, "f.", "", &rows);
    bool fb = false;
    std::string title = page.title.get(ctx.locale, &fb);
    out.push_back({{"id", page.id}, {"title", title},
                   {"title_html", ja::text_html(title, ctx.locale)}, {"title_ja", fb},
                    {"title_lang", fb ? Json("ja") : Json(false)}, {"rows", rows}});
  }
  return out;
}

}  // namespace madoguchi::forms
