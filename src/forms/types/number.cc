// number and integer: typed as text (全角 digits and commas allowed), checked against min/max,
// shown with their unit.
#include <algorithm>
#include <cmath>

#include "forms/types/builtin.h"
#include "forms/types/common.h"
#include "ja/text.h"

namespace madoguchi::forms::types {

namespace {

class NumericType : public OneInputType {
 public:
  explicit NumericType(bool integer) : integer_(integer) {}

  std::set<std::string> keys() const override { return {"required", "min", "max", "unit"}; }
  std::set<std::string> autocomplete_tokens() const override { return {}; }

  Json check(const Field& f, const Json& raw, ValueChecker& c) const override {
    Json done;
    auto typed_or = c.typed_text(raw, &done);
    if (!typed_or) return done;
    const std::string& typed = *typed_or;
    double n = 0;
    std::string value;
    if (integer_) {
      auto v = ja::parse_integer(typed);
      if (!v) {
        c.error("", "forms.integer");
        return typed;
      }
      n = static_cast<double>(*v);
      value = std::to_string(*v);
    } else {
      auto v = ja::parse_number(typed);
      if (!v || !std::isfinite(*v)) {
        c.error("", "forms.number");
        return typed;
      }
      n = *v;
      value = ja::normalize_ascii_input(typed);
      value.erase(std::remove(value.begin(), value.end(), ','), value.end());
    }
    std::string unit = f.unit.get(c.ctx().locale);
    auto shown = [&](double x) { return internal::display_number(x) + unit; };
    bool low = f.min && n < *f.min, high = f.max && n > *f.max;
    if (low || high) {
      if (f.min && f.max) {
        c.error("", "forms.between", {{"min", shown(*f.min)}, {"max", shown(*f.max)}});
      } else if (low) {
        c.error("", "forms.min", {{"min", shown(*f.min)}});
      } else {
        c.error("", "forms.max", {{"max", shown(*f.max)}});
      }
      return typed;
    }
    return value;
  }

  void view(const Field& f, const Json& value, ViewContext& ctx, Json* view) const override {
    simple_view(f, value, ctx, view);
    // type=text with inputmode (GOV.UK): type=number mangles 全角 input and scroll-changes.
    (*view)["inputmode"] = integer_ ? "numeric" : "decimal";
    (*view)["has_inputmode"] = true;
  }

  std::string display(const Field& f, const Json& value, const SummaryRows& rows) const override {
    std::string s = value.is_string() ? value.get<std::string>() : value.dump();
    auto n = ja::parse_number(s);
    return (n ? internal::display_number(*n) : s) + f.unit.get(rows.ctx().locale);
  }

 private:
  bool integer_;
};

}  // namespace

std::unique_ptr<const FieldTypeDescriptor> number_type() { return std::make_unique<NumericType>(false); }
std::unique_ptr<const FieldTypeDescriptor> integer_type() { return std::make_unique<NumericType>(true); }

}  // namespace madoguchi::forms::types
