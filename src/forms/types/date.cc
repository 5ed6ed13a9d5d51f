// date: typed as an era choice and year, month and day (or as one text such as "S60.1.15"),
// stored as "YYYY-MM-DD" once valid, shown in 西暦 and 和暦 (dates.cc holds the calendar work).
#include "forms/types/builtin.h"
#include "forms/types/common.h"

namespace madoguchi::forms::types {

namespace {

using internal::display_date;
using internal::text;

const std::vector<std::string>& date_parts() {
  static const std::vector<std::string> kParts = {"era", "year", "month", "day"};
  return kParts;
}

class DateType : public AnswerType {
 public:
  std::set<std::string> keys() const override { return {"required", "min_date", "max_date", "autocomplete"}; }
  std::set<std::string> autocomplete_tokens() const override { return {"off", "bday"}; }
  void parse(DefinitionReader&, Field*) const override {}  // min_date / max_date are shared
  Json empty_value(const Field&) const override { return ""; }

  bool accepts(const Field&, const std::vector<std::string>& rest) const override {
    return rest.empty() || is_one_part(date_parts(), rest);
  }

  Json read(const Field&, const PostedValue& in) const override {
    // One text ("R7.4.1") for API clients and counter staff; parts from the page.
    bool any_part = false;
    Json parts = Json::object();
    for (const auto& part : date_parts()) {
      any_part |= in.has(in.name() + "." + part);
      parts[part] = in.first(in.name() + "." + part);
    }
    if (!any_part) return in.first(in.name());
    return internal::is_empty(parts) || (parts["year"] == "" && parts["month"] == "" && parts["day"] == "") ? Json("")
                                                                                                            : parts;
  }

  Json check(const Field& f, const Json& value, ValueChecker& c) const override {
    Json stored = checked(f, value, c);
    internal::remember_typed_era(c.scope(), f.id, value, stored);
    return stored;
  }

  void view(const Field& f, const Json& value, ViewContext& ctx, Json* view) const override {
    Json& v = *view;
    // The parts carry their own autocomplete tokens (bday-year …), the field none.
    v["autocomplete"] = "";
    v["has_autocomplete"] = false;
    Json shown = Json::object();
    if (value.is_string()) {
      if (auto d = Date::parse_iso(value.get<std::string>())) {
        shown = {{"era", ""},
                 {"year", std::to_string(d->year)},
                 {"month", std::to_string(d->month)},
                 {"day", std::to_string(d->day)}};
        // Typed in 和暦: shown again in 和暦 (昭和 63, not 1988), so going Back or fixing
        // another field never rewrites what the resident entered.
        const Json* typed = internal::typed_era_for(ctx.scope(), f.id, *d);
        if (typed) {
          shown["era"] = (*typed)["era"];
          shown["year"] = (*typed)["year"];
        }
        v["date_display"] = display_date(ctx.ctx(), *d, typed != nullptr);
        v["has_date_display"] = true;
      } else {
        shown["year"] = value;  // one text from a counter or API client, shown back as typed
      }
    } else if (value.is_object()) {
      shown = value;
    }
    v["type_hint"] = text(ctx.ctx(), "forms.hint.date");
    parts_view(f, date_parts(), shown, ctx, view);
  }

  std::string display(const Field& f, const Json& value, const SummaryRows& rows) const override {
    bool incomplete = false;
    if (value.is_string()) {
      if (auto d = Date::parse_iso(value.get<std::string>())) {
        return display_date(rows.ctx(), *d, internal::typed_era_for(rows.scope(), f.id, *d) != nullptr);
      }
      return value.get<std::string>();
    }
    if (auto d = internal::parse_date_value(value, &incomplete)) {
      return display_date(rows.ctx(), *d, !str_of(value, "era").empty());
    }
    return collapse_spaces(str_of(value, "year") + " " + str_of(value, "month") + " " + str_of(value, "day"));
  }

  // What was kept next to a date goes with it.
  void erase_extras(const Field& f, Json* scope) const override { scope->erase(internal::typed_era_key(f.id)); }

  std::optional<Json> prefill(const Field& f, const Json& profile) const override {
    if (f.autocomplete == "bday" && profile.contains("birth") && profile["birth"].is_string()) {
      return profile["birth"];
    }
    return std::nullopt;
  }

 private:
  Json checked(const Field& f, const Json& value, ValueChecker& c) const;
};

Json DateType::checked(const Field& f, const Json& value, ValueChecker& c) const {
  if (internal::is_empty(value)) {
    if (f.required) c.error("year", "forms.required");
    return "";
  }
  Json typed = value;
  if (typed.is_object()) {
    for (auto& [k, v] : typed.items()) {
      v = v.is_string() ? ValueChecker::sanitize(v.get<std::string>()) : "";
    }
  } else if (!typed.is_string()) {
    return "";
  } else if (!c.clean(typed.get<std::string>(), "year")) {
    return ValueChecker::sanitize(typed.get<std::string>());
  }
  bool incomplete = false;
  auto date = internal::parse_date_value(typed, &incomplete);
  if (!date) {
    c.error("year", incomplete ? "forms.date_incomplete" : "forms.date_invalid");
    return typed;
  }
  const Date& today = c.ctx().today;
  if (f.min_date) {
    if (auto min = procedures::resolve_date_rule(*f.min_date, today); min && *date < *min) {
      c.error("year", "forms.date_min", {{"date", display_date(c.ctx(), *min)}});
      return typed;
    }
  }
  if (f.max_date) {
    if (auto max = procedures::resolve_date_rule(*f.max_date, today); max && *date > *max) {
      c.error("year", "forms.date_max", {{"date", display_date(c.ctx(), *max)}});
      return typed;
    }
  }
  return date->iso();
}

}  // namespace

std::unique_ptr<const FieldTypeDescriptor> date_type() { return std::make_unique<DateType>(); }

}  // namespace madoguchi::forms::types
