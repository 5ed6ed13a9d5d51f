#include "web/views.h"

#include <map>

#include "applications/applications.h"
#include "ja/wareki.h"
#include "i18n/format.h"
#include "ja/ruby.h"

namespace madoguchi::web {

Json localized(const procedures::LocalizedText& text, const std::string& locale, Json extra) {
  bool fell_back = false;
  const std::string& s = text.get(locale, &fell_back);
  extra["text"] = s;
  // "html" is always present (escaped text for every locale, with ruby for ja-easy), so a
  // template shows one key in element content ({{{x.html}}}) without a per-locale branch;
  // "text" stays for <title> and attribute values, where markup cannot go.
  extra["html"] = ja::text_html(s, locale);
  // Marks ja text shown on a page in another language, so screen readers pronounce it right.
  if (fell_back && Locales::html_lang(locale) != "ja") extra["fallback_lang"] = "ja";
  return extra;
}

std::string format_yen(App& app, const std::string& locale, long long yen) {
  return i18n::format_yen(app.locales, locale, yen);
}

std::string format_date(App& app, const std::string& locale, const Date& d) {
  return i18n::format_date(app.locales, locale, d);
}

std::string format_time(int64_t unix_seconds) {
  std::string ts = jst_timestamp(unix_seconds);  // 2026-11-23T14:55:46+09:00
  return ts.substr(0, 10) + " " + ts.substr(11, 5);
}

Json time_parts(int64_t unix_seconds) {
  std::string ts = jst_timestamp(unix_seconds);
  return {{"date", ts.substr(0, 10)}, {"clock", ts.substr(11, 5)}};
}

std::string event_text(App& app, const std::string& locale, const std::string& action, int step,
                       const procedures::Procedure* proc) {
  if (action != "approve" || !proc || step < 0 || static_cast<size_t>(step) >= proc->route.size()) {
    return app.locales.t(locale, "event." + action);
  }
  const auto& roles = app.catalog.organisation().roles;
  auto role = roles.find(proc->route[step]);
  std::string role_name = role != roles.end() ? role->second.title.get(locale) : proc->route[step];
  bool last = static_cast<size_t>(step) + 1 == proc->route.size();
  return app.locales.t(locale, last ? "event.decided_by" : "event.approved_by", {{"role", role_name}});
}

std::string status_text(App& app, const std::string& locale, const std::string& status) {
  return app.locales.t(locale, "status." + status);
}

Json procedure_card(App& app, const procedures::Procedure& p, const std::string& locale) {
  Json card;
  card["id"] = p.id;
  card["href"] = "/procedures/" + p.id;
  card["title"] = localized(p.title, locale);
  card["summary"] = localized(p.summary, locale);
  std::string fee = format_yen(app, locale, p.fee.yen);
  if (!p.fee.per_copy_field.empty() && p.fee.yen > 0) {
    fee = app.locales.t(locale, "money.per_copy", {{"fee", fee}});
  }
  card["fee"] = fee;
  card["processing"] = app.locales.t(locale, "procedure.processing_days",
                                     {{"days", std::to_string(p.processing_days)}});
  auto dept = app.catalog.organisation().departments.find(p.department);
  if (dept != app.catalog.organisation().departments.end()) card["department"] = localized(dept->second, locale);
  return card;
}

}  // namespace madoguchi::web
