// Pieces several field types share.
#include "forms/types/common.h"

#include <algorithm>

namespace madoguchi::forms::types {

using internal::html_id;
using internal::text;

namespace {

struct PartSpec {
  const char* autocomplete;  // used when the field asks for autocomplete
  const char* inputmode;
  const char* width;  // "s" / "m" / "l": DADS sizes a field to its content
};

PartSpec part_spec(const std::string& part) {
  static const std::map<std::string, PartSpec> kSpecs = {
      {"family", {"family-name", "", "m"}},
      {"given", {"given-name", "", "m"}},
      {"family_kana", {"", "", "m"}},
      {"given_kana", {"", "", "m"}},
      {"postal_code", {"postal-code", "numeric", "s"}},
      {"prefecture", {"address-level1", "", "m"}},
      {"city", {"address-level2", "", "m"}},
      {"town", {"address-line1", "", "l"}},
      {"street", {"address-line2", "", "m"}},
      {"building", {"address-line3", "", "l"}},
      {"era", {"", "", "s"}},
      {"year", {"bday-year", "numeric", "s"}},
      {"month", {"bday-month", "numeric", "s"}},
      {"day", {"bday-day", "numeric", "s"}},
  };
  auto it = kSpecs.find(part);
  return it == kSpecs.end() ? PartSpec{"", "", "m"} : it->second;
}

}  // namespace

std::string str_of(const Json& scope, const std::string& key) {
  if (!scope.is_object()) return "";
  auto it = scope.find(key);
  return it != scope.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string collapse_spaces(std::string s) {
  s = internal::trim(s);
  for (size_t pos; (pos = s.find("  ")) != std::string::npos;) s.erase(pos, 1);
  return s;
}

void simple_view(const Field& f, const Json& value, ViewContext& ctx, Json* view) {
  Json& v = *view;
  v["value"] = value.is_string() ? value.get<std::string>() : "";
  v["is_input"] = f.type != FieldType::kTextarea;
  if (f.max_length && (f.type == FieldType::kText || f.type == FieldType::kTextarea)) {
    v["has_limit"] = true;
    v["limit_text"] = text(ctx.ctx(), "forms.max_chars", {{"max", std::to_string(*f.max_length)}});
    v["maxlength"] = std::to_string(*f.max_length);
  }
  if (f.kana) v["type_hint"] = text(ctx.ctx(), "forms.hint.kana");
  bool fb = false;
  v["unit"] = f.unit.get(ctx.ctx().locale, &fb);
  v["unit_ja"] = fb;
  v["has_unit"] = !f.unit.empty();
}

void parts_view(const Field& f, const std::vector<std::string>& parts, const Json& shown, ViewContext& ctx,
                Json* view) {
  Json& v = *view;
  bool autocomplete = !f.autocomplete.empty() && f.autocomplete != "off";
  const std::string name = v["name"];
  for (const auto& part : parts) {
    PartSpec spec = part_spec(part);
    std::string part_name = name + "." + part;
    Json p = {{"part", part},
              {"name", part_name},
              {"html_id", html_id(part_name)},
              {"label", text(ctx.ctx(), "forms.part." + part)},
              {"value", str_of(shown, part)},
              {"autocomplete", autocomplete ? spec.autocomplete : ""},
              {"inputmode", spec.inputmode},
              {"width", spec.width},
              {"invalid", ctx.has_error(html_id(part_name))},
              {"is_select", part == "era"},
              {"options", Json::array()}};
    p["has_autocomplete"] = !p["autocomplete"].get<std::string>().empty();
    p["has_inputmode"] = !p["inputmode"].get<std::string>().empty();
    if (part == "era") {
      for (const auto& code : internal::era_codes()) {
        std::string key = code.empty() ? "western" : std::string(1, static_cast<char>(code[0] | 0x20));
        bool on = str_of(shown, "era") == code;
        p["options"].push_back({{"value", code},
                                {"label", text(ctx.ctx(), "forms.era." + key)},
                                {"label_ja", false},
                                {"html_id", ""},
                                {"checked", on},
                                {"selected", on}});
      }
    }
    v["parts"].push_back(std::move(p));
  }
  v["is_compound"] = true;
}

bool is_one_part(const std::vector<std::string>& parts, const std::vector<std::string>& rest) {
  return rest.size() == 1 && std::count(parts.begin(), parts.end(), rest[0]) == 1;
}

Json PartsType::empty_value(const Field&) const {
  Json o = Json::object();
  for (const auto& p : parts_) o[p] = "";
  return o;
}

bool PartsType::accepts(const Field&, const std::vector<std::string>& rest) const { return is_one_part(parts_, rest); }

Json PartsType::read(const Field&, const PostedValue& in) const {
  Json out = Json::object();
  for (const auto& part : parts_) out[part] = in.first(in.name() + "." + part);
  return out;
}

void PartsType::view(const Field& f, const Json& value, ViewContext& ctx, Json* view) const {
  (*view)["type_hint"] = text(ctx.ctx(), hint_key_);
  parts_view(f, parts_, value, ctx, view);
}

std::string PartsType::display(const Field&, const Json& value, const SummaryRows& rows) const {
  std::map<std::string, std::string> params;
  for (const auto& p : parts_) params[p] = str_of(value, p);
  return collapse_spaces(text(rows.ctx(), display_key_, params));
}

Json PartsType::typed_parts(const Json& value, ValueChecker& c, bool* any) const {
  Json out = Json::object();
  *any = false;
  for (const auto& part : parts_) {
    std::string s = value.is_object() && value.contains(part) ? ValueChecker::str(value[part]) : "";
    if (!c.clean(s, part)) s = ValueChecker::sanitize(s);
    // Kept exactly as typed (外字, IVS in names); only the space around them goes.
    out[part] = internal::trim(s);
    *any |= !out[part].get<std::string>().empty();
  }
  return out;
}

}  // namespace madoguchi::forms::types
