// Shapes of answers: empty values, parts of compound fields, walking fields.
#include <algorithm>

#include "forms/internal.h"

namespace madoguchi::forms::internal {

const std::vector<std::string>& parts_of(FieldType type) {
  static const std::vector<std::string> kName = {"family", "given", "family_kana", "given_kana"};
  static const std::vector<std::string> kAddress = {"postal_code", "prefecture", "city",
                                                    "town",        "street",     "building"};
  static const std::vector<std::string> kDate = {"era", "year", "month", "day"};
  static const std::vector<std::string> kNone;
  switch (type) {
    case FieldType::kPersonName: return kName;
    case FieldType::kPostalAddress: return kAddress;
    case FieldType::kDate: return kDate;
    default: return kNone;
  }
}

bool has_parts(FieldType type) {
  return type == FieldType::kPersonName || type == FieldType::kPostalAddress;
}

Json empty_value(const Field& f) {
  switch (f.type) {
    case FieldType::kCheckboxes:
    case FieldType::kFile:
    case FieldType::kGroup:
      return Json::array();
    case FieldType::kPersonName:
    case FieldType::kPostalAddress: {
      Json o = Json::object();
      for (const auto& p : parts_of(f.type)) o[p] = "";
      return o;
    }
    default:
      return "";
  }
}

bool is_empty(const Json& v) {
  if (v.is_null()) return true;
  if (v.is_string()) return v.get_ref<const std::string&>().empty();
  if (v.is_array()) return v.empty();
  if (v.is_object()) {
    return std::all_of(v.begin(), v.end(), [](const Json& x) { return is_empty(x); });
  }
  return false;
}

std::string html_id(const std::string& name) {
  std::string out = name;
  std::replace(out.begin(), out.end(), '.', '-');
  return out;
}

std::vector<Leveled> answer_fields(const std::vector<Field>& fields) {
  std::vector<Leveled> out;
  for (const auto& f : fields) {
    if (f.type == FieldType::kFieldset) {
      for (const auto& c : f.children) {
        // Fieldsets do not nest (the parser refuses it), so one level is enough.
        if (c.type != FieldType::kFieldset) out.push_back({&c, &f});
      }
    } else {
      out.push_back({&f, nullptr});
    }
  }
  return out;
}

const Field* find_in(const std::vector<Field>& fields, const std::string& id) {
  for (const auto& l : answer_fields(fields)) {
    if (l.field->id == id) return l.field;
  }
  return nullptr;
}

const Field* find_answer_field(const Procedure& proc, const std::string& id) {
  for (const auto& page : proc.pages) {
    if (const Field* f = find_in(page.fields, id)) return f;
  }
  return nullptr;
}

std::set<std::string> ids_of(const std::vector<Field>& fields) {
  std::set<std::string> out;
  for (const auto& l : answer_fields(fields)) out.insert(l.field->id);
  return out;
}

std::string text(const Context& ctx, const std::string& key,
                 const std::map<std::string, std::string>& params) {
  return ctx.locales.t(ctx.locale, key, params);
}

std::string label_for(const Context& ctx, const Field& f, const Field* group, size_t row) {
  const std::string& label = f.label.get(ctx.locale);
  if (!group) return label;
  return text(ctx, "forms.row_field_label",
              {{"group", group->label.get(ctx.locale)},
               {"number", std::to_string(row + 1)},
               {"label", label}});
}

}  // namespace madoguchi::forms::internal
