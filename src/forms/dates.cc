// Dates as residents enter them: an era choice and year, month and day parts (or one text).
#include "core/wareki.h"
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

}  // namespace madoguchi::forms::internal
