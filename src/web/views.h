// Small view builders shared by the page files.
#pragma once

#include <optional>
#include <string>

#include "core/date.h"
#include "procedures/procedure.h"
#include "store/store.h"
#include "web/app.h"

namespace madoguchi::web {

// {"text": …, "html": the same text as HTML (ja::text_html: ruby on ja-easy pages),
//  "fallback_lang": "ja" when the ja text stands in} merged with `extra`.
Json localized(const procedures::LocalizedText& text, const std::string& locale, Json extra = Json::object());
// Title, summary, fee, period and link of a procedure, for lists and its own page.
Json procedure_card(App& app, const procedures::Procedure& p, const std::string& locale);
// "1,000円" / "無料" via locale strings.
std::string format_yen(App& app, const std::string& locale, long long yen);
// A date in both calendars in the visitor's language: ja/ja-easy "2026年12月15日(令和8年12月15日)",
// other locales from "date.both" with the era's name in that language ("15 December 2026
// (Reiwa 8)").
std::string format_date(App& app, const std::string& locale, const Date& d);
// Date and time in JST for history lists, "2026-11-23 14:55".
std::string format_time(int64_t unix_seconds);
// The same as {"date": "2026-11-23", "clock": "14:55"}, for table cells that may wrap between
// the two but never inside either (templates put each in a .m-nowrap span).
Json time_parts(int64_t unix_seconds);
// One history line's "what": approvals name the step's role ("承認(係長)"), and the last
// step's approval is the decision ("決定(課長)").
std::string event_text(App& app, const std::string& locale, const std::string& action, int step,
                       const procedures::Procedure* proc);
// Status name of an application in the visitor's language.
std::string status_text(App& app, const std::string& locale, const std::string& status);

void register_catalog_routes(http::Router& r, App& app);
void register_form_routes(http::Router& r, App& app);
void register_status_routes(http::Router& r, App& app);

}  // namespace madoguchi::web
