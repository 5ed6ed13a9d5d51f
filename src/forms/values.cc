// Shapes of answers: empty values, walking fields, labels.
#include <algorithm>

#include "forms/field_type.h"
#include "forms/internal.h"

namespace madoguchi::forms::internal {

Json empty_value(const Field& f) { return field_type(f.type).empty_value(f); }

Json empty_row(const Field& group) {
  Json r = Json::object();
  for (const auto& c : answer_fields(group.children)) r[c.field->id] = empty_value(*c.field);
  return r;
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
