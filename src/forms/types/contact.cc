// email and phone: one input, normalised to the one spelling stored and used to reach the
// resident; filled from a signed-in resident's profile when the definition asks.
#include "forms/types/builtin.h"
#include "forms/types/common.h"
#include "ja/text.h"

namespace madoguchi::forms::types {

namespace {

constexpr int kDefaultEmailMax = 254;

class ContactType : public OneInputType {
 public:
  explicit ContactType(bool email) : email_(email) {}

  std::set<std::string> keys() const override {
    if (email_) return {"required", "max_length", "autocomplete"};
    return {"required", "autocomplete"};
  }
  std::set<std::string> autocomplete_tokens() const override { return {"off", email_ ? "email" : "tel"}; }

  Json check(const Field& f, const Json& raw, ValueChecker& c) const override {
    Json done;
    auto typed_or = c.typed_text(raw, &done);
    if (!typed_or) return done;
    const std::string& typed = *typed_or;
    auto v = email_ ? ja::normalize_email(typed) : ja::normalize_phone(typed);
    if (!v) {
      c.error("", email_ ? "forms.email" : "forms.phone");
      return typed;
    }
    if (email_ && !c.length_ok(*v, f.max_length, kDefaultEmailMax, "")) return typed;
    return *v;
  }

  void view(const Field& f, const Json& value, ViewContext& ctx, Json* view) const override {
    simple_view(f, value, ctx, view);
    Json& v = *view;
    if (email_) {
      v["input_type"] = "email";
      v["spellcheck_off"] = true;
    } else {
      v["input_type"] = "tel";
      v["type_hint"] = internal::text(ctx.ctx(), "forms.hint.phone");
    }
  }

  std::string display(const Field&, const Json& value, const SummaryRows&) const override {
    return value.is_string() ? value.get<std::string>() : value.dump();
  }

  std::optional<Json> prefill(const Field& f, const Json& profile) const override {
    const char* key = email_ ? "email" : "phone";
    if (f.autocomplete != (email_ ? "email" : "tel")) return std::nullopt;
    if (profile.contains(key) && profile[key].is_string()) return profile[key];
    return std::nullopt;
  }

 private:
  bool email_;
};

}  // namespace

std::unique_ptr<const FieldTypeDescriptor> email_type() { return std::make_unique<ContactType>(true); }
std::unique_ptr<const FieldTypeDescriptor> phone_type() { return std::make_unique<ContactType>(false); }

}  // namespace madoguchi::forms::types
