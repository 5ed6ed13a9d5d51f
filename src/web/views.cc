#include "web/views.h"

#include <map>

#include "applications/applications.h"
#include "core/wareki.h"
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
  if (yen == 0) return app.locales.t(locale, "money.free");
  std::string digits = std::to_string(yen);
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  return app.locales.t(locale, "money.yen", {{"amount", grouped}});
}

std::string format_date(App& app, const std::string& locale, const Date& d) {
  if (Locales::html_lang(locale) == "ja") return format_both(d);
  auto w = to_wareki(d);
  static const std::map<std::string, std::string> kEraKeys = {
      {"令和", "era.reiwa"}, {"平成", "era.heisei"}, {"昭和", "era.showa"}, {"大正", "era.taisho"}, {"明治", "era.meiji"}};
  std::map<std::string, std::string> params = {{"y", std::to_string(d.year)},
                                               {"m", std::to_string(d.month)},
                                               {"d", std::to_string(d.day)},
                                               {"month", app.locales.t(locale, "date.month." + std::to_string(d.month))}};
  if (!w) return app.locales.t(locale, "date.western", params);
  auto key = kEraKeys.find(w->era);
  params["era"] = key != kEraKeys.end() ? app.locales.t(locale, key->second) : w->era;
  params["ey"] = std::to_string(w->year);
  return app.locales.t(locale, "date.both", params);
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

namespace madoguchi::web {

std::optional<procedures::Procedure> definition_for(App& app, store::Transaction& tx,
                                                    const std::string& procedure_id,
                                                    const std::string& version) {
  const procedures::Procedure* current = app.catalog.find(procedure_id);
  if (current && current->version == version) return *current;
  auto text = applications::version_text(tx, version);
  if (text.ok()) {
    std::vector<procedures::Problem> problems;
    auto p = procedures::parse_procedure(*text, procedure_id + "@" + version.substr(0, 12),
                                         app.catalog.organisation(), &problems);
    if (p.ok()) return *p;
  }
  if (current) return *current;
  return std::nullopt;
}

}  // namespace madoguchi::web
