#include "i18n/format.h"

#include <map>

#include "ja/wareki.h"

namespace madoguchi::i18n {

std::string format_yen(const Locales& locales, const std::string& locale, long long yen) {
  if (yen == 0) return locales.t(locale, "money.free");
  std::string digits = std::to_string(yen);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return locales.t(locale, "money.yen", {{"amount", grouped}});
}

std::string format_date(const Locales& locales, const std::string& locale, const Date& d) {
  if (Locales::html_lang(locale) == "ja") return format_both(d);
  auto w = to_wareki(d);
  static const std::map<std::string, std::string> kEraKeys = {{"令和", "era.reiwa"},
                                                              {"平成", "era.heisei"},
                                                              {"昭和", "era.showa"},
                                                              {"大正", "era.taisho"},
                                                              {"明治", "era.meiji"}};
  std::map<std::string, std::string> params = {{"y", std::to_string(d.year)},
                                               {"m", std::to_string(d.month)},
                                               {"d", std::to_string(d.day)},
                                               {"month", locales.t(locale, "date.month." + std::to_string(d.month))}};
  if (!w) return locales.t(locale, "date.western", params);
  auto key = kEraKeys.find(w->era);
  params["era"] = key != kEraKeys.end() ? locales.t(locale, key->second) : w->era;
  params["ey"] = std::to_string(w->year);
  return locales.t(locale, "date.both", params);
}

}  // namespace madoguchi::i18n
