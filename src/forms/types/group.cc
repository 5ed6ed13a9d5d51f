// group: repeating rows of child fields ("子ども" 1件目, 2件目 …), between min_items and
// max_items. The answer is an array of row objects keyed by child field id.
#include <algorithm>

#include "forms/types/builtin.h"
#include "forms/types/common.h"
#include "ja/ruby.h"

namespace madoguchi::forms::types {

namespace {

using internal::text;

// Decimal without leading zeros, so one row has exactly one spelling.
bool row_index(const std::string& s, int max_items) {
  if (s.empty() || s.size() > 3 || (s.size() > 1 && s[0] == '0')) return false;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  return std::stoi(s) < max_items;
}

class GroupType : public FieldTypeDescriptor {
 public:
  std::set<std::string> keys() const override { return {"fields", "min_items", "max_items"}; }
  std::set<std::string> autocomplete_tokens() const override { return {}; }

  void parse(DefinitionReader& in, Field* f) const override {
    if (auto v = in.integer("min_items")) f->min_items = *v;
    if (auto v = in.integer("max_items")) f->max_items = *v;
    if (f->min_items < 0 || f->max_items < 1 || f->max_items > 100) {
      in.problem("", "The rows of " + in.what() + " must be min_items ≥ 0 and 1 ≤ max_items ≤ 100.");
    }
    if (f->min_items > f->max_items) {
      in.problem("min_items", "min_items (" + std::to_string(f->min_items) + ") is greater than max_items (" +
                                  std::to_string(f->max_items) + ") in " + in.what() + ".");
    }
    if (in.empty_list("fields")) {
      in.problem("", "The group '" + f->id + "' has no child fields; list them under 'fields'.");
    } else {
      f->children = in.children("group", f->id);
    }
  }

  Json empty_value(const Field&) const override { return Json::array(); }

  // "f.<group>.<row>._row" marks a row; "f.<group>.<row>.<child>…" names a child's input.
  bool accepts(const Field& f, const std::vector<std::string>& rest) const override {
    if (rest.size() < 2 || !row_index(rest[0], f.max_items)) return false;
    if (rest.size() == 2 && rest[1] == "_row") return true;
    return fields_accept(f.children, rest, 1);
  }

  Json read(const Field&, const PostedValue& in) const override { return in.rows(); }

  Json check(const Field& f, const Json& value, ValueChecker& c) const override {
    Json rows = value.is_array() ? value : Json::array();
    if (rows.size() < static_cast<size_t>(f.min_items)) {
      c.error("", "forms.group_min", {{"min", std::to_string(f.min_items)}});
    } else if (rows.size() > static_cast<size_t>(f.max_items)) {
      c.error("", "forms.group_max", {{"max", std::to_string(f.max_items)}});
    }
    return c.check_rows(rows);
  }

  void view(const Field& f, const Json& value, ViewContext& ctx, Json* view) const override;

  void summarise(const Field& f, const Json& value, SummaryRows& rows) const override {
    if (!value.is_array() || value.empty()) {
      rows.add(text(rows.ctx(), "forms.not_answered"));
      return;
    }
    for (size_t i = 0; i < value.size(); ++i) {
      rows.add_row(f, i, value[i],
                   text(rows.ctx(), "forms.row_legend", {{"label", rows.label()}, {"number", std::to_string(i + 1)}}));
    }
  }
};

void GroupType::view(const Field& f, const Json& value, ViewContext& ctx, Json* view) const {
  Json& v = *view;
  v["required"] = false;
  v["optional"] = false;
  Json rows = value.is_array() ? value : Json::array();
  // A group that needs rows starts with them, so the resident sees what to fill in.
  while (rows.size() < static_cast<size_t>(f.min_items)) rows.push_back(internal::empty_row(f));
  const Context& c = ctx.ctx();
  const std::string name = v["name"];
  bool label_ja = false;
  const std::string label = f.label.get(c.locale, &label_ja);
  auto row_view = [&](const std::string& index, const std::string& number, Json& row, bool can_remove) {
    std::string row_name = name + "." + index;
    std::string legend = text(c, "forms.row_legend", {{"label", label}, {"number", number}});
    return Json{{"legend", legend},
                {"legend_html", ja::text_html(legend, c.locale)},
                {"legend_ja", label_ja},
                {"html_id", internal::html_id(row_name)},
                {"marker_name", row_name + "._row"},
                {"fields", ctx.row_fields(f, row, row_name)},
                {"can_remove", can_remove},
                {"remove_value", "remove:" + f.id + ":" + index},
                {"remove_text", text(c, "forms.remove_row", {{"label", label}, {"number", number}})}};
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    v["rows"].push_back(
        row_view(std::to_string(i), std::to_string(i + 1), rows[i], rows.size() > static_cast<size_t>(f.min_items)));
  }
  // An empty row with placeholders for its index and number, rendered from the definition
  // and the locale like any row, inside a <template>: the script clones it to add a row
  // without a round trip (docs/procedure-format.md, "Rendering").
  Json empty = internal::empty_row(f);
  v["template_row"] = row_view(kRowIndexToken, kRowNumberToken, empty, true);
  v["min_items"] = f.min_items;
  v["max_items"] = f.max_items;
  v["has_rows"] = !v["rows"].empty();
  v["can_add"] = rows.size() < static_cast<size_t>(f.max_items);
  v["add_value"] = "add:" + f.id;
  v["add_text"] = text(c, "forms.add_row", {{"label", label}});
}

}  // namespace

std::unique_ptr<const FieldTypeDescriptor> group_type() { return std::make_unique<GroupType>(); }

}  // namespace madoguchi::forms::types
