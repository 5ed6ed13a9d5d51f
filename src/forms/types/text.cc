// text and textarea: free text typed in one input.
#include "ja/text.h"

#include <regex>

#include "forms/types/builtin.h"
#include "forms/types/common.h"

namespace madoguchi::forms::types {

namespace {

// Limits that apply when a definition sets none, so no answer can grow without bound.
constexpr int kDefaultTextMax = 200;
constexpr int kDefaultTextareaMax = 2000;

// Shared by both: one string read from one input, shown as typed on the check page.
class OneTextType : public OneInputType {
 public:
  void view(const Field& f, const Json& value, ViewContext& ctx, Json* view) const override {
    simple_view(f, value, ctx, view);
  }
  std::string display(const Field&, const Json& value, const SummaryRows&) const override {
    return value.is_string() ? value.get<std::string>() : value.dump();
  }
};

class TextType : public OneTextType {
 public:
  std::set<std::string> keys() const override {
    return {"required", "min_length", "max_length", "pattern", "pattern_message", "kana", "autocomplete"};
  }
  std::set<std::string> autocomplete_tokens() const override {
    return {"off",         "name", "family-name", "given-name", "organization", "organization-title", "street-address",
            "country-name"};
  }
  Json check(const Field& f, const Json& value, ValueChecker& c) const override;
};

Json TextType::check(const Field& f, const Json& raw, ValueChecker& c) const {
  Json done;
  auto typed_or = c.typed_text(raw, &done);
  if (!typed_or) return done;
  const std::string& typed = *typed_or;
  std::string value = typed;
  if (f.kana) {
    auto kana = ja::to_katakana_furigana(typed);
    if (!kana) {
      c.error("", "forms.kana");
      return typed;
    }
    value = *kana;
  } else if (!f.pattern.empty()) {
    // A pattern means a machine-shaped value (a code, an account number): 全角 digits count.
    value = ja::normalize_ascii_input(typed);
  }
  if (!c.length_ok(value, f.max_length, kDefaultTextMax, "")) return typed;
  if (!f.pattern.empty()) {
    bool ok = false;
    try {
      ok = std::regex_match(value, std::regex(f.pattern, std::regex::ECMAScript));
    } catch (const std::regex_error&) {
      ok = false;  // the parser refuses bad patterns; this keeps a hand-built one harmless
    }
    if (!ok) {
      if (f.pattern_message.empty()) {
        c.error("", "forms.pattern");
      } else {
        std::string msg = f.pattern_message.get(c.ctx().locale);
        if (auto pos = msg.find("{label}"); pos != std::string::npos) msg.replace(pos, 7, c.label());
        c.error_text(msg);
      }
      return typed;
    }
  }
  return value;
}

class TextareaType : public OneTextType {
 public:
  std::set<std::string> keys() const override { return {"required", "min_length", "max_length"}; }
  std::set<std::string> autocomplete_tokens() const override { return {}; }
  Json check(const Field& f, const Json& raw, ValueChecker& c) const override {
    std::string typed = ValueChecker::str(raw);
    if (!c.clean(typed, "")) return ValueChecker::sanitize(typed);
    // Browsers post CRLF; a resident counts a line break as one character.
    for (size_t pos; (pos = typed.find("\r\n")) != std::string::npos;) typed.erase(pos, 1);
    if (internal::trim(typed).empty()) {
      if (f.required) c.error("", "forms.required");
      return "";
    }
    c.length_ok(typed, f.max_length, kDefaultTextareaMax, "");
    return typed;
  }
};

}  // namespace

std::unique_ptr<const FieldTypeDescriptor> text_type() { return std::make_unique<TextType>(); }
std::unique_ptr<const FieldTypeDescriptor> textarea_type() { return std::make_unique<TextareaType>(); }

}  // namespace madoguchi::forms::types
