// name: a person's family and given names with their furigana, kept exactly as typed (外字,
// IVS) except the furigana, stored as full-width katakana.
#include "forms/types/builtin.h"
#include "forms/types/common.h"
#include "ja/text.h"

namespace madoguchi::forms::types {

namespace {

class NameType : public PartsType {
 public:
  NameType() : PartsType({"family", "given", "family_kana", "given_kana"}, "forms.hint.name", "forms.name_display") {}

  std::set<std::string> keys() const override { return {"required", "max_length", "autocomplete"}; }
  std::set<std::string> autocomplete_tokens() const override { return {"off", "name"}; }

  Json check(const Field& f, const Json& value, ValueChecker& c) const override {
    bool any = false;
    Json out = typed_parts(value, c, &any);
    bool need = f.required || any;
    for (const auto& part : parts()) {
      std::string s = out[part].get<std::string>();
      if (s.empty()) {
        if (need) c.error(part, "forms.required_part");
        continue;
      }
      if (!c.length_ok(s, f.max_length, kDefaultPartMax, part)) continue;
      if (part.ends_with("_kana")) {
        if (auto kana = ja::to_katakana_furigana(s)) {
          out[part] = *kana;
        } else {
          c.error(part, "forms.part_kana");
        }
      }
    }
    return out;
  }

  // The resident's own name ("autocomplete: name") from their profile.
  std::optional<Json> prefill(const Field& f, const Json& profile) const override {
    if (f.autocomplete != "name") return std::nullopt;
    Json name = Json::object();
    for (const auto& part : parts()) {
      if (profile.contains(part) && profile[part].is_string()) name[part] = profile[part];
    }
    if (name.empty()) return std::nullopt;
    return name;
  }
};

}  // namespace

std::unique_ptr<const FieldTypeDescriptor> name_type() { return std::make_unique<NameType>(); }

}  // namespace madoguchi::forms::types
