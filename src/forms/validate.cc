// Checking the visible fields of a page (and of each group row) in page order.
#include <cmath>
#include <cstdio>

#include "ja/wareki.h"
#include "forms/field_type.h"
#include "forms/internal.h"

namespace madoguchi::forms {

using namespace internal;

namespace internal {

void check_fields(const std::vector<Field>& fields, Json* scope, Json* answers, Json* row,
                  const std::string& prefix, const Field* group, size_t row_index,
                  const Context& ctx, std::vector<FieldError>* errors) {
  if (!scope->is_object()) *scope = Json::object();
  for (const auto& l : answer_fields(fields)) {
    const Field& f = *l.field;
    if (!visible(l, *answers, row)) continue;
    const std::string name = prefix + f.id;
    const std::string label = label_for(ctx, f, group, row_index);
    ValueChecker checker(f, name, label, ctx, scope, errors);
    // A group's rows are checked like pages, each row the scope of its fields.
    checker.check_rows = [&](const Json& rows) {
      Json out = rows;
      for (size_t i = 0; i < out.size(); ++i) {
        Json& r = out[i];
        if (!r.is_object()) r = Json::object();
        check_fields(f.children, &r, answers, &r, name + "." + std::to_string(i) + ".", &f, i, ctx, errors);
      }
      return out;
    };
    Json current = scope->contains(f.id) ? (*scope)[f.id] : Json();
    (*scope)[f.id] = field_type(f.type).check(f, current, checker);
  }
}

std::string display_date(const Context& ctx, const Date& date, bool era_first) {
  std::map<std::string, std::string> params = {{"both", format_both(date)},
                                               {"iso", date.iso()},
                                               {"wareki", format_wareki(date)},
                                               {"year", std::to_string(date.year)},
                                               {"month", std::to_string(date.month)},
                                               {"day", std::to_string(date.day)}};
  // Before 1873 there is no era date to put first.
  bool wareki = !params["wareki"].empty();
  return text(ctx, era_first && wareki ? "forms.date_display_era_first" : "forms.date_display", params);
}

std::string display_number(double n) {
  bool negative = n < 0;
  double a = std::fabs(n);
  double whole = std::floor(a);
  std::string digits = std::to_string(static_cast<long long>(whole));
  std::string grouped;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  if (a != whole) {
    char frac[32];
    std::snprintf(frac, sizeof frac, "%.6g", a - whole);  // "0.5"
    grouped += std::string(frac).substr(1);
  }
  return (negative ? "-" : "") + grouped;
}

}  // namespace internal

std::vector<FieldError> validate_page(const procedures::Procedure& proc,
                                      const procedures::Page& page, const Json& answers,
                                      const Context& ctx) {
  (void)proc;
  // Checking writes normalised values; on a copy they are simply dropped.
  Json copy = answers.is_object() ? answers : Json::object();
  std::vector<FieldError> errors;
  if (page.stop && page_visible(page, copy)) {
    errors.push_back({"stop-" + page.id, text(ctx, "forms.stop")});
  }
  check_fields(page.fields, &copy, &copy, nullptr, "f.", nullptr, 0, ctx, &errors);
  return errors;
}

}  // namespace madoguchi::forms
