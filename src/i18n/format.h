// Amounts and dates as a resident reads them, in their language. Shared by pages and by the
// texts that leave the site (e-mail notices), so both say a date or a fee the same way.
#pragma once

#include <string>

#include "core/date.h"
#include "i18n/i18n.h"

namespace madoguchi::i18n {

// "1,000円" / "¥1,000" / "無料" through the locale's money.yen and money.free strings.
std::string format_yen(const Locales& locales, const std::string& locale, long long yen);
// A date in both calendars: ja/ja-easy "2026年12月15日(令和8年12月15日)", other locales from
// "date.both" with the era's name in that language ("15 December 2026 (Reiwa 8)"), or
// "date.western" before Meiji.
std::string format_date(const Locales& locales, const std::string& locale, const Date& d);

}  // namespace madoguchi::i18n
