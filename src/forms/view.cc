// page_view: the data templates/partials/field.mustache renders. Every view carries every
// key the partial reads (false / "" / [] when unused): Mustache looks a missing key up in the
// enclosing context, so a child field would otherwise show its parent's error or rows.
#include <algorithm>

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
  for (const char* flag : {"is_text", "is_textarea", "is_number", "is_integer", "is_date",
                           "is_select", "is_radio", "is_checkboxes", "is_yesno", "is_email",
                           "is_phone", "is_address", "is_name", "is_file", "is_fieldset",
                           "is_group", "is_input", "is_choice", "is_compound", "is_stop"}) {
    v[flag] = false;
  }
  return v;
}

struct PartSpec {
  const char* autocomplete;  // used when the field asks for autocomplete
  const char* inputmode;
  const char* width;         // "s" / "m" / "l": DADS sizes a field to its content
};

PartSpec part_spec(const std::string& part) {
  static const std::map<std::string, PartSpec> kSpecs = {
      {"family", {"family-name", "", "m"}},     {"given", {"given-name", "", "m"}},
      {"family_kana", {"", "", "m"}},            {"given_kana", {"", "", "m"}},
      {"postal_code", {"postal-code", "numeric", "s"}},
      {"prefecture", {"address-level1", "", "m"}}, {"city", {"address-level2", "", "m"}},
      {"town", {"address-line1", "", "l"}},      {"street", {"address-line2", "", "m"}},
      {"building", {"address-line3", "", "l"}},
      {"era", {"", "", "s"}},                    {"year", {"bday-year", "numeric", "s"}},
      {"month", {"bday-month", "numeric", "s"}}, {"day", {"bday-day", "numeric", "s"}},
  };
  auto it = kSpecs.find(part);
  return it == kSpecs.end() ? PartSpec{"", "", "m"} : it->second;
}

std::string size_text(long long bytes) {
  if (bytes >= 1024 * 1024) {
    return display_number(static_cast<double>(bytes * 10 / (1024 * 1024)) / 10) + " MB";
  }
  return display_number(static_cast<double>((bytes + 1023) / 1024)) + " KB";
}

std::string str_of(const Json& scope, const std::string& key) {
  if (!scope.is_object()) return "";
  auto it = scope.find(key);
  return it != scope.end() && it->is_string() ? it->get<std::string>() : "";
}

class ViewBuilder {
 public:
  ViewBuilder(const Json& answers, const std::vector<FieldError>& errors, const Context& ctx)
      : answers_(answers), errors_(errors), ctx_(ctx) {}

  Json fields(const std::vector<Field>& fields, const Json& scope, const Json* row,
              const std::string& prefix, const std::set<std::string>& local_ids, const Field* group);

 private:
  Json field(const Leveled& l, const Json& scope, const Json* row, const std::string& prefix,
             const std::set<std::string>& local_ids);
  void add_errors(Json& v, const std::vector<std::string>& ids);
  void fill_simple(Json& v, const Field& f, const Json& value);
  void fill_options(Json& v, const Field& f, const Json& value);
  void fill_parts(Json& v, const Field& f, const Json& value, const Json& scope);
  void fill_files(Json& v, const Field& f, const Json& value);
  void fill_group(Json& v, const Field& f, const Json& value, const std::set<std::string>& local_ids);
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

void ViewBuilder::fill_simple(Json& v, const Field& f, const Json& value) {
  v["value"] = value.is_string() ? value.get<std::string>() : "";
  v["is_input"] = f.type != FieldType::kTextarea;
  switch (f.type) {
    case FieldType::kNumber:
      v["inputmode"] = "decimal";
      break;
    case FieldType::kInteger:
      // type=text with inputmode (GOV.UK): type=number mangles 全角 input and scroll-changes.
      v["inputmode"] = "numeric";
      break;
    case FieldType::kEmail:
      v["input_type"] = "email";
      v["spellcheck_off"] = true;
      break;
    case FieldType::kPhone:
      v["input_type"] = "tel";
      v["type_hint"] = text(ctx_, "forms.hint.phone");
      break;
    default:
      break;
  }
  v["has_inputmode"] = !v["inputmode"].get<std::string>().empty();
  if (f.max_length && (f.type == FieldType::kText || f.type == FieldType::kTextarea)) {
    v["has_limit"] = true;
    v["limit_text"] = text(ctx_, "forms.max_chars", {{"max", std::to_string(*f.max_length)}});
    v["maxlength"] = std::to_string(*f.max_length);
  }
  if (f.kana) v["type_hint"] = text(ctx_, "forms.hint.kana");
  bool fb = false;
  v["unit"] = f.unit.get(ctx_.locale, &fb);
  v["unit_ja"] = fb;
  v["has_unit"] = !f.unit.empty();
}

void ViewBuilder::fill_options(Json& v, const Field& f, const Json& value) {
  std::vector<std::pair<std::string, std::pair<std::string, bool>>> opts;  // value, label, ja
  if (f.type == FieldType::kYesNo) {
    opts.push_back({"yes", {text(ctx_, "forms.yes"), false}});
    opts.push_back({"no", {text(ctx_, "forms.no"), false}});
  } else {
    for (const auto& o : f.options) {
      bool fb = false;
      const std::string& label = o.label.get(ctx_.locale, &fb);
      opts.push_back({o.value, {label, fb}});
    }
  }
  const std::string id = v["html_id"];
  for (size_t i = 0; i < opts.size(); ++i) {
    bool on = value.is_string() ? value.get<std::string>() == opts[i].first
                                : value.is_array() && std::find(value.begin(), value.end(),
                                                                Json(opts[i].first)) != value.end();
    // The first option carries the field's own id, so error links land on it.
    v["options"].push_back({{"value", opts[i].first},
                            {"label", opts[i].second.first},
                            {"label_html", ja::text_html(opts[i].second.first, ctx_.locale)},
                            {"label_ja", opts[i].second.second},
                            {"html_id", i == 0 ? id : id + "-" + std::to_string(i + 1)},
                            {"checked", on},
                            {"selected", on}});
  }
  v["is_choice"] = f.type != FieldType::kSelect;
}

void ViewBuilder::fill_parts(Json& v, const Field& f, const Json& value, const Json& scope) {
  Json shown = value;
  if (f.type == FieldType::kDate) {
    shown = Json::object();
    if (value.is_string()) {
      if (auto d = Date::parse_iso(value.get<std::string>())) {
        shown = {{"era", ""}, {"year", std::to_string(d->year)},
                 {"month", std::to_string(d->month)}, {"day", std::to_string(d->day)}};
        // Typed in 和暦: shown again in 和暦 (昭和 63, not 1988), so going Back or fixing
        // another field never rewrites what the resident entered.
        const Json* typed = typed_era_for(scope, f.id, *d);
        if (typed) {
          shown["era"] = (*typed)["era"];
          shown["year"] = (*typed)["year"];
        }
        v["date_display"] = display_date(ctx_, *d, typed != nullptr);
        v["has_date_display"] = true;
      } else {
        shown["year"] = value;  // one text from a counter or API client, shown back as typed
      }
    } else if (value.is_object()) {
      shown = value;
    }
    v["type_hint"] = text(ctx_, "forms.hint.date");
  } else if (f.type == FieldType::kPersonName) {
    v["type_hint"] = text(ctx_, "forms.hint.name");
  } else {
    v["type_hint"] = text(ctx_, "forms.hint.address");
  }
  bool autocomplete = !f.autocomplete.empty() && f.autocomplete != "off";
  const std::string name = v["name"];
  for (const auto& part : parts_of(f.type)) {
    PartSpec spec = part_spec(part);
    std::string part_name = name + "." + part;
    Json p = {{"part", part},
              {"name", part_name},
              {"html_id", html_id(part_name)},
              {"label", text(ctx_, "forms.part." + part)},
              {"value", str_of(shown, part)},
              {"autocomplete", autocomplete ? spec.autocomplete : ""},
              {"inputmode", spec.inputmode},
              {"width", spec.width},
              {"invalid", false},
              {"is_select", part == "era"},
              {"options", Json::array()}};
    p["has_autocomplete"] = !p["autocomplete"].get<std::string>().empty();
    p["has_inputmode"] = !p["inputmode"].get<std::string>().empty();
    for (const auto& e : errors_) {
      if (e.html_id == p["html_id"]) p["invalid"] = true;
    }
    if (part == "era") {
      for (const auto& code : era_codes()) {
        std::string key = code.empty() ? "western" : std::string(1, static_cast<char>(code[0] | 0x20));
        bool on = str_of(shown, "era") == code;
        p["options"].push_back({{"value", code},
                                {"label", text(ctx_, "forms.era." + key)},
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

void ViewBuilder::fill_files(Json& v, const Field& f, const Json& value) {
  const std::string name = v["name"];
  std::vector<std::string> accept = f.accept;
  if (accept.empty()) accept = {"application/pdf", "image/jpeg", "image/png"};
  std::string types, attr;
  for (const auto& a : accept) {
    std::string shortname = a.substr(a.find('/') + 1);
    std::transform(shortname.begin(), shortname.end(), shortname.begin(), ::toupper);
    types += (types.empty() ? "" : ", ") + shortname;
    attr += (attr.empty() ? "" : ",") + a;
  }
  v["accept"] = attr;
  v["multiple"] = f.max_files > 1;
  v["type_hint"] = text(ctx_, "forms.hint.file", {{"types", types}, {"max", std::to_string(f.max_files)}});
  if (!value.is_array()) return;
  size_t i = 0;
  for (const auto& ref : value) {
    if (!ref.is_object()) continue;
    std::string file_name = str_of(ref, "name");
    long long size = ref.contains("size") && ref["size"].is_number() ? ref["size"].get<long long>() : 0;
    v["files"].push_back({{"id", str_of(ref, "id")},
                          {"name", file_name},
                          {"size_text", size_text(size)},
                          {"remove_name", name + ".remove"},
                          {"remove_html_id", html_id(name) + "-remove-" + std::to_string(++i)},
                          {"remove_text", text(ctx_, "forms.remove_file", {{"name", file_name}})}});
  }
  v["has_files"] = !v["files"].empty();
}

void ViewBuilder::fill_group(Json& v, const Field& f, const Json& value,
                             const std::set<std::string>& local_ids) {
  Json rows = value.is_array() ? value : Json::array();
  // A group that needs rows starts with them, so the resident sees what to fill in.
  while (rows.size() < static_cast<size_t>(f.min_items)) {
    Json r = Json::object();
    for (const auto& c : answer_fields(f.children)) r[c.field->id] = empty_value(*c.field);
    rows.push_back(std::move(r));
  }
  std::set<std::string> siblings = ids_of(f.children);
  std::set<std::string> local = local_ids;
  local.insert(siblings.begin(), siblings.end());
  const std::string name = v["name"];
  bool label_ja = false;
  const std::string label = f.label.get(ctx_.locale, &label_ja);
  std::set<std::string> saved = group_siblings_;
  group_siblings_ = siblings;
  auto row_view = [&](const std::string& index, const std::string& number, Json& row, bool can_remove) {
    std::string row_name = name + "." + index;
    std::string legend = text(ctx_, "forms.row_legend", {{"label", label}, {"number", number}});
    return Json{
        {"legend", legend},
        {"legend_html", ja::text_html(legend, ctx_.locale)},
        {"legend_ja", label_ja},
        {"html_id", html_id(row_name)},
        {"marker_name", row_name + "._row"},
        {"fields", fields(f.children, row, &row, row_name + ".", local, &f)},
        {"can_remove", can_remove},
        {"remove_value", "remove:" + f.id + ":" + index},
        {"remove_text", text(ctx_, "forms.remove_row", {{"label", label}, {"number", number}})}};
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    v["rows"].push_back(row_view(std::to_string(i), std::to_string(i + 1), rows[i],
                                 rows.size() > static_cast<size_t>(f.min_items)));
  }
  // An empty row with placeholders for its index and number, rendered from the definition
  // and the locale like any row, inside a <template>: the script clones it to add a row
  // without a round trip (docs/procedure-format.md, "Rendering").
  Json empty = Json::object();
  for (const auto& c : answer_fields(f.children)) empty[c.field->id] = empty_value(*c.field);
  v["template_row"] = row_view(kRowIndexToken, kRowNumberToken, empty, true);
  v["min_items"] = f.min_items;
  v["max_items"] = f.max_items;
  group_siblings_ = saved;
  v["has_rows"] = !v["rows"].empty();
  v["can_add"] = rows.size() < static_cast<size_t>(f.max_items);
  v["add_value"] = "add:" + f.id;
  v["add_text"] = text(ctx_, "forms.add_row", {{"label", label}});
}

Json ViewBuilder::field(const Leveled& l, const Json& scope, const Json* row,
                        const std::string& prefix, const std::set<std::string>& local_ids) {
  const Field& f = *l.field;
  Json v = base_view();
  const std::string name = prefix + f.id;
  const std::string id = html_id(name);
  v["id"] = f.id;
  v["type"] = procedures::field_type_name(f.type);
  v["is_" + std::string(f.type == FieldType::kPostalAddress ? "address"
                        : f.type == FieldType::kPersonName  ? "name"
                                                            : procedures::field_type_name(f.type))] = true;
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
  bool holds_answer = f.type != FieldType::kFieldset && f.type != FieldType::kGroup;
  v["required"] = holds_answer && f.required;
  v["optional"] = holds_answer && !f.required;
  if (f.visible_if && depends_on(*f.visible_if, local_ids)) {
    v["conditional"] = true;
    v["condition"] = condition_json(*f.visible_if, prefix, row, group_siblings_).dump();
  }
  if (!f.autocomplete.empty() && f.autocomplete != "name" && f.autocomplete != "address" &&
      f.type != FieldType::kDate) {
    v["autocomplete"] = f.autocomplete;
    v["has_autocomplete"] = true;
  }
  Json value = scope.is_object() && scope.contains(f.id) ? scope[f.id] : Json();
  std::vector<std::string> error_ids = {id};
  switch (f.type) {
    case FieldType::kFieldset: {
      Json children = Json::array();
      for (const auto& c : f.children) {
        Leveled cl{&c, &f};
        if (!shown(cl, answers_, row, local_ids)) continue;
        children.push_back(field(cl, scope, row, prefix, local_ids));
      }
      v["children"] = std::move(children);
      break;
    }
    case FieldType::kGroup:
      fill_group(v, f, value, local_ids);
      break;
    case FieldType::kSelect:
    case FieldType::kRadio:
    case FieldType::kCheckboxes:
    case FieldType::kYesNo:
      fill_options(v, f, value);
      break;
    case FieldType::kDate:
    case FieldType::kPersonName:
    case FieldType::kPostalAddress:
      fill_parts(v, f, value, scope);
      for (const auto& p : v["parts"]) error_ids.push_back(p["html_id"]);
      break;
    case FieldType::kFile:
      fill_files(v, f, value);
      break;
    default:
      fill_simple(v, f, value);
      break;
  }
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
