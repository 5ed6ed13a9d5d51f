#include "procedures/procedure.h"

#include <array>
#include <charconv>
#include <deque>
#include <mutex>
#include <utility>

namespace madoguchi::procedures {

namespace {

constexpr std::array<std::pair<FieldType, const char*>, 16> kTypeNames{{
    {FieldType::kText, "text"},
    {FieldType::kTextarea, "textarea"},
    {FieldType::kNumber, "number"},
    {FieldType::kInteger, "integer"},
    {FieldType::kDate, "date"},
    {FieldType::kSelect, "select"},
    {FieldType::kRadio, "radio"},
    {FieldType::kCheckboxes, "checkboxes"},
    {FieldType::kYesNo, "yesno"},
    {FieldType::kEmail, "email"},
    {FieldType::kPhone, "phone"},
    {FieldType::kPostalAddress, "address"},
    {FieldType::kPersonName, "name"},
    {FieldType::kFile, "file"},
    {FieldType::kFieldset, "fieldset"},
    {FieldType::kGroup, "group"},
}};

// Types added at run time, after the built-in ones; a deque keeps each name's c_str() valid.
struct AddedTypes {
  std::mutex mu;
  std::deque<std::string> names;
};

AddedTypes& added_types() {
  static AddedTypes* added = new AddedTypes();  // never destroyed: names outlive static users
  return *added;
}

}  // namespace

const std::string& LocalizedText::get(const std::string& locale, bool* fell_back) const {
  static const std::string kEmpty;
  if (auto it = by_locale.find(locale); it != by_locale.end()) {
    if (fell_back) *fell_back = false;
    return it->second;
  }
  auto ja = by_locale.find("ja");
  // Only a real substitution counts as falling back: asking for ja and finding nothing is not.
  if (fell_back) *fell_back = ja != by_locale.end() && locale != "ja";
  return ja != by_locale.end() ? ja->second : kEmpty;
}

const char* field_type_name(FieldType t) {
  for (const auto& [type, name] : kTypeNames) {
    if (type == t) return name;
  }
  AddedTypes& added = added_types();
  std::lock_guard lock(added.mu);
  size_t index = static_cast<size_t>(t) - kTypeNames.size();
  return index < added.names.size() ? added.names[index].c_str() : "text";
}

std::optional<FieldType> parse_field_type(const std::string& name) {
  for (const auto& [type, n] : kTypeNames) {
    if (name == n) return type;
  }
  AddedTypes& added = added_types();
  std::lock_guard lock(added.mu);
  for (size_t i = 0; i < added.names.size(); ++i) {
    if (added.names[i] == name) return static_cast<FieldType>(kTypeNames.size() + i);
  }
  return std::nullopt;
}

FieldType add_field_type(const std::string& name) {
  if (auto t = parse_field_type(name)) return *t;
  AddedTypes& added = added_types();
  std::lock_guard lock(added.mu);
  // Checked again under the lock: another thread may have added it meanwhile.
  for (size_t i = 0; i < added.names.size(); ++i) {
    if (added.names[i] == name) return static_cast<FieldType>(kTypeNames.size() + i);
  }
  added.names.push_back(name);
  return static_cast<FieldType>(kTypeNames.size() + added.names.size() - 1);
}

std::optional<Date> resolve_date_rule(const std::string& rule, const Date& today) {
  if (auto d = Date::parse_iso(rule)) return d;
  if (rule.rfind("today", 0) != 0) return std::nullopt;
  if (rule == "today") return today;
  // today±N followed by d (days) or y (years).
  if (rule.size() < 8 || (rule[5] != '-' && rule[5] != '+')) return std::nullopt;
  char unit = rule.back();
  if (unit != 'd' && unit != 'y') return std::nullopt;
  int n = 0;
  const char* begin = rule.data() + 6;
  const char* end = rule.data() + rule.size() - 1;
  auto [ptr, ec] = std::from_chars(begin, end, n);
  if (ec != std::errc() || ptr != end || n < 0 || n > 200 * 366) return std::nullopt;
  if (rule[5] == '-') n = -n;
  if (unit == 'd') return today.plus_days(n);
  Date d{today.year + n, today.month, today.day};
  // 29 February has no twin in most years; the day before is the kinder reading.
  if (!Date::valid(d.year, d.month, d.day)) d.day = 28;
  return d;
}

}  // namespace madoguchi::procedures

namespace madoguchi::procedures {

const char* outcome_kind_name(Outcome::Kind k) {
  switch (k) {
    case Outcome::Kind::kGranted:
      return "granted";
    case Outcome::Kind::kPartlyGranted:
      return "partly_granted";
    case Outcome::Kind::kRefused:
      return "refused";
  }
  return "";  // unreachable: -Wswitch names a missing kind
}

const Outcome* Decision::find(const std::string& value) const {
  for (const auto& o : outcomes) {
    if (o.value == value) return &o;
  }
  return nullptr;
}

}  // namespace madoguchi::procedures
