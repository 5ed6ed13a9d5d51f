// Fields, options and conditions of a definition.
#include <algorithm>
#include <regex>
#include <set>

#include "forms/field_type.h"
#include "procedures/parse_internal.h"

namespace madoguchi::procedures::internal {

namespace {

const std::set<std::string> kCommonKeys = {"id", "type", "label", "help", "visible_if"};

// The descriptor of a type (forms/field_type.h) says which keys beyond the common ones it
// accepts; a key that belongs to another type is reported as not applying, which catches
// copy-paste mistakes as well as typos.
std::set<std::string> all_type_names() { return forms::field_type_names(); }

std::string field_what(const std::string& id) {
  return id.empty() ? std::string("a field") : "the field '" + id + "'";
}

void check_field_keys(ParseState& s, const YAML::Node& n, const std::optional<FieldType>& type,
                      const std::string& what) {
  std::set<std::string> all = kCommonKeys;
  for (const auto& name : all_type_names()) {
    auto keys = forms::field_type(*parse_field_type(name)).keys();
    all.insert(keys.begin(), keys.end());
  }
  s.r.check_keys(n, all, what);
  if (!type) return;
  const auto mine = forms::field_type(*type).keys();
  for (auto it = n.begin(); it != n.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (all.count(key) && !kCommonKeys.count(key) && !mine.count(key)) {
      std::string extra = (key == "required" && (*type == FieldType::kGroup))
                              ? " Use min_items to ask for at least one row."
                              : "";
      s.r.problem(it->first, "The key '" + key + "' does not apply to a " +
                                 field_type_name(*type) + " field (" + what + ")." + extra);
    }
  }
}

std::vector<Option> read_options(ParseState& s, const YAML::Node& n, const std::string& what) {
  std::vector<Option> out;
  if (!s.r.expect_sequence(n, "'options' of " + what)) return out;
  std::set<std::string> seen;
  for (const auto& item : n) {
    if (!s.r.expect_map(item, "An option of " + what)) continue;
    s.r.check_keys(item, {"value", "label"}, "an option of " + what);
    Option o;
    auto value = s.r.string(item, "value", "An option of " + what, true);
    o.label = s.r.localized(item, "label", "An option of " + what, true);
    if (!value) continue;
    o.value = *value;
    bool ok = std::all_of(o.value.begin(), o.value.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
    if (!ok || o.value.size() > 64) {
      s.r.problem(item["value"], "The option value '" + o.value + "' of " + what +
                                     " is not valid; use lower-case letters, digits, '_' and '-'.");
    }
    if (!seen.insert(o.value).second) {
      s.r.problem(item["value"], "The option value '" + o.value + "' appears twice in " + what +
                                     "; option values must be unique.");
    }
    out.push_back(std::move(o));
  }
  return out;
}

void read_rules(ParseState& s, const YAML::Node& n, Field* f, const std::string& what) {
  f->min_length = s.r.integer(n, "min_length", what, false);
  f->max_length = s.r.integer(n, "max_length", what, false);
  if ((f->min_length && *f->min_length < 0) || (f->max_length && *f->max_length < 1)) {
    s.r.problem(n, "The lengths of " + what + " must be positive.");
  }
  if (f->min_length && f->max_length && *f->min_length > *f->max_length) {
    s.r.problem(n["min_length"], "min_length (" + std::to_string(*f->min_length) +
                                     ") is greater than max_length (" +
                                     std::to_string(*f->max_length) + ") in " + what + ".");
  }
  if (auto p = s.r.string(n, "pattern", what, false)) {
    f->pattern = *p;
    try {
      std::regex re(*p, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      s.r.problem(n["pattern"], "The pattern '" + *p + "' of " + what +
                                    " is not a valid regular expression (" + e.what() + ").");
    }
  }
  f->pattern_message = s.r.localized(n, "pattern_message", what, false);
  if (!f->pattern.empty() && f->pattern_message.empty()) {
    s.r.problem(n["pattern"], what + " has a pattern but no pattern_message; say in "
                                     "pattern_message what a correct value looks like.");
  }
  f->min = s.r.number(n, "min", what);
  f->max = s.r.number(n, "max", what);
  if (f->min && f->max && *f->min > *f->max) {
    s.r.problem(n["min"], "min is greater than max in " + what + ".");
  }
  f->unit = s.r.localized(n, "unit", what, false);
  for (const char* key : {"min_date", "max_date"}) {
    auto rule = s.r.string(n, key, what, false);
    if (!rule) continue;
    if (!resolve_date_rule(*rule, Date{2000, 1, 1})) {
      s.r.problem(n[key], "The date rule '" + *rule + "' of " + what +
                              " is not understood; use YYYY-MM-DD, today, or today-30d / "
                              "today+1y.");
      continue;
    }
    (std::string(key) == "min_date" ? f->min_date : f->max_date) = *rule;
  }
  if (f->min_date && f->max_date) {
    Date base{2000, 1, 1};
    if (*resolve_date_rule(*f->min_date, base) > *resolve_date_rule(*f->max_date, base)) {
      s.r.problem(n["min_date"], "min_date comes after max_date in " + what +
                                     ", so no date could be accepted.");
    }
  }
}

// A field's YAML mapping as its type's descriptor reads it.
class YamlDefinition : public forms::DefinitionReader {
 public:
  YamlDefinition(ParseState& s, const YAML::Node& n, const std::string& what, const std::string& group)
      : s_(s), n_(n), what_(what), group_(group) {}

  const std::string& what() const override { return what_; }
  bool has(const std::string& key) const override { return static_cast<bool>(n_[key]); }
  bool empty_list(const std::string& key) const override {
    const YAML::Node v = n_[key];
    return !v || v.IsNull() || (v.IsSequence() && v.size() == 0);
  }
  std::optional<int> integer(const std::string& key) override { return s_.r.integer(n_, key, what_, false); }
  std::vector<std::string> string_list(const std::string& key) override {
    return s_.r.string_list(n_, key, what_, true);
  }
  std::vector<Option> options() override { return read_options(s_, n_["options"], what_); }
  std::vector<Field> children(const std::string& container, const std::string& group) override {
    return read_fields(s_, n_["fields"], container, group);
  }
  const std::string& group() const override { return group_; }
  void problem(const std::string& key, const std::string& message) override {
    s_.r.problem(!key.empty() && n_[key] ? n_[key] : n_, message);
  }
  std::string list_words(const std::set<std::string>& words) const override { return join_words(words); }

 private:
  ParseState& s_;
  const YAML::Node& n_;
  const std::string& what_;
  const std::string& group_;
};

Field read_field(ParseState& s, const YAML::Node& n, const std::string& container,
                 const std::string& group) {
  Field f;
  f.line = YamlReader::line_of(n);
  auto id = s.r.string(n, "id", "A field", true);
  if (id) {
    f.id = *id;
    if (!valid_field_id(f.id)) {
      s.r.problem(n["id"], "The field id '" + f.id + "' is not valid; use lower-case letters, "
                                                     "digits and '_', starting with a letter.");
    }
  }
  const std::string what = field_what(f.id);
  std::optional<FieldType> type;
  if (auto t = s.r.string(n, "type", what, true)) {
    type = parse_field_type(*t);
    if (type && !forms::find_field_type(*type)) type.reset();  // a name without a descriptor
    if (!type) {
      std::string hint = closest(*t, all_type_names());
      s.r.problem(n["type"], "Unknown field type '" + *t + "' for " + what + "; " +
                                 (hint.empty() ? "use one of " + join_words(all_type_names())
                                               : "did you mean '" + hint + "'") + "?");
    }
  }
  check_field_keys(s, n, type, what);
  f.type = type.value_or(FieldType::kText);
  f.label = s.r.localized(n, "label", what, true);
  f.help = s.r.localized(n, "help", what, false);
  f.required = s.r.boolean(n, "required", what).value_or(false);
  if (n["visible_if"]) f.visible_if = read_condition(s, n["visible_if"], f.id, group);

  // f.type, not *type: equal when type is set, and GCC's unity build warned that the
  // optional's value "may be used uninitialized" here.
  if (type && ((container == "group" && f.type == FieldType::kGroup) ||
               (container == "fieldset" &&
                (f.type == FieldType::kGroup || f.type == FieldType::kFieldset)))) {
    s.r.problem(n, "A " + container + " cannot contain a " + field_type_name(f.type) + " (" +
                       what + "); put it at the top of a page.");
  }
  read_rules(s, n, &f, what);
  f.kana = s.r.boolean(n, "kana", what).value_or(false);
  if (auto a = s.r.string(n, "autocomplete", what, false)) {
    f.autocomplete = *a;
    auto tokens = forms::field_type(f.type).autocomplete_tokens();
    if (!tokens.count(*a)) {
      s.r.problem(n["autocomplete"], "The autocomplete value '" + *a + "' does not fit " + what +
                                         (tokens.empty() ? "." : "; use " + join_words(tokens) + "."));
    }
  }
  YamlDefinition definition(s, n, what, group);
  forms::field_type(f.type).parse(definition, &f);
  return f;
}

}  // namespace

std::vector<Field> read_fields(ParseState& s, const YAML::Node& list, const std::string& container,
                               const std::string& group) {
  std::vector<Field> out;
  if (!s.r.expect_sequence(list, "'fields'")) return out;
  for (const auto& item : list) {
    if (!s.r.expect_map(item, "A field")) continue;
    out.push_back(read_field(s, item, container, group));
  }
  return out;
}

std::optional<Condition> read_condition(ParseState& s, const YAML::Node& n,
                                        const std::string& owner, const std::string& group) {
  const std::string whose = owner.rfind("page ", 0) == 0 ? "the page '" + owner.substr(5) + "'"
                                                          : "the field '" + owner + "'";
  const std::string what = "the condition of " + whose;
  if (!s.r.expect_map(n, "The condition of " + whose)) return std::nullopt;
  s.r.check_keys(n, {"field", "equals", "one_of", "not_empty", "all", "any"}, what);
  Condition c;
  for (const char* key : {"all", "any"}) {
    if (!n[key]) continue;
    c.kind = std::string(key) == "all" ? Condition::Kind::kAll : Condition::Kind::kAny;
    if (n["field"] || n.size() != 1) {
      s.r.problem(n, "'" + std::string(key) + "' in " + what +
                         " must stand alone; put the other tests inside its list.");
    }
    if (!s.r.expect_sequence(n[key], "'" + std::string(key) + "' in " + what)) return std::nullopt;
    if (n[key].size() == 0) {
      s.r.problem(n[key], "'" + std::string(key) + "' in " + what + " is an empty list.");
    }
    for (const auto& child : n[key]) {
      if (auto cc = read_condition(s, child, owner, group)) c.children.push_back(std::move(*cc));
    }
    return c;
  }
  auto field = s.r.string(n, "field", what, true);
  int tests = (n["equals"] ? 1 : 0) + (n["one_of"] ? 1 : 0) + (n["not_empty"] ? 1 : 0);
  if (tests != 1) {
    s.r.problem(n, what + " needs exactly one of equals, one_of or not_empty next to 'field'.");
    return std::nullopt;
  }
  if (n["equals"]) {
    c.kind = Condition::Kind::kEquals;
    if (auto v = s.r.string(n, "equals", what, true)) c.values.push_back(*v);
  } else if (n["one_of"]) {
    c.kind = Condition::Kind::kOneOf;
    c.values = s.r.string_list(n, "one_of", what, true);
  } else {
    c.kind = Condition::Kind::kNotEmpty;
    if (s.r.boolean(n, "not_empty", what) != std::optional<bool>(true)) {
      s.r.problem(n["not_empty"], "not_empty in " + what + " can only be true.");
    }
  }
  if (!field) return std::nullopt;
  c.field = *field;
  s.refs.push_back(ConditionRef{c.field, c.values, owner, group, YamlReader::line_of(n["field"])});
  return c;
}

}  // namespace madoguchi::procedures::internal
