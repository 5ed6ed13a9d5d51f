// Dates as residents enter them: an era choice and year, month and day parts (or one text).
#include "ja/wareki.h"
#include "forms/internal.h"
#include "ja/text.h"

namespace madoguchi::forms::internal {

namespace {

// The era codes map to the era names wareki.h parses; these are data, not display text
// (what residents see comes from the forms.era.* locale keys).
const char* era_name(const std::string& code) {
  if (code == "R") return "令和";
  if (code == "H") return "平成";
  if (code == "S") return "昭和";
  if (code == "T") return "大正";
  if (code == "M") return "明治";
  return nullptr;
}

std::string trimmed(const Json& v) {
  if (!v.is_string()) return "";
  return ja::normalize_ascii_input(v.get<std::string>());
}

}  // namespace

const std::vector<std::string>& era_codes() {
  static const std::vector<std::string> kCodes = {"", "R", "H", "S", "T", "M"};
  return kCodes;
}

std::optional<Date> parse_date_value(const Json& value, bool* incomplete) {
  *incomplete = false;
  if (value.is_string()) return parse_date_input(value.get<std::string>());
  if (!value.is_object()) return std::nullopt;
  std::string era = value.contains("era") ? trimmed(value["era"]) : "";
  std::string year = value.contains("year") ? trimmed(value["year"]) : "";
  std::string month = value.contains("month") ? trimmed(value["month"]) : "";
  std::string day = value.contains("day") ? trimmed(value["day"]) : "";
  if (year.empty() || month.empty() || day.empty()) {
    *incomplete = true;
    return std::nullopt;
  }
  std::string text;
  if (const char* name = era_name(era)) {
    text = name;
  } else if (!era.empty()) {
    return std::nullopt;
  }
  // 元年 typed as a word is the same as year 1.
  text += year + "年" + month + "月" + day + "日";
  return parse_date_input(text);
}

std::string typed_era_key(const std::string& id) { return id + ".typed"; }

void remember_typed_era(Json* scope, const std::string& id, const Json& typed, const Json& stored) {
  const std::string key = typed_era_key(id);
  if (typed.is_object()) {
    // Freshly posted parts: a valid date typed with an era keeps that era and the year as
    // typed (63, 元, ６３); one typed in 西暦 needs nothing, its ISO year is what was typed.
    std::string era = typed.contains("era") ? trimmed(typed["era"]) : "";
    const Json* y = typed.contains("year") ? &typed["year"] : nullptr;
    std::string year = y && y->is_string() ? y->get<std::string>() : "";
    if (era_name(era) && ja::is_clean_utf8(year) && stored.is_string() &&
        Date::parse_iso(stored.get<std::string>())) {
      (*scope)[key] = {{"era", era}, {"year", trim(year)}};
    } else {
      scope->erase(key);
    }
    return;
  }
  // A stored ISO date checked again (validate_page, submit) keeps what it had; anything else
  // (one typed text such as "S63.4.1", an emptied field) was not typed in era parts.
  if (!(typed.is_string() && Date::parse_iso(typed.get<std::string>()))) scope->erase(key);
}

const Json* typed_era_for(const Json& scope, const std::string& id, const Date& date) {
  if (!scope.is_object()) return nullptr;
  auto it = scope.find(typed_era_key(id));
  if (it == scope.end() || !it->is_object()) return nullptr;
  // Used only while it still names the stored date: if the date changed by any other way
  // (prefill, an API text), a stale era must not put a wrong year on the page.
  auto part = [&](const char* k) {
    auto p = it->find(k);
    return p != it->end() && p->is_string() ? p->get<std::string>() : std::string();
  };
  Json parts = {{"era", part("era")},
                {"year", part("year")},
                {"month", std::to_string(date.month)},
                {"day", std::to_string(date.day)}};
  bool incomplete = false;
  auto again = parse_date_value(parts, &incomplete);
  return again && *again == date && era_name(parts["era"].get<std::string>()) ? &*it : nullptr;
}

}  // namespace madoguchi::forms::internal
