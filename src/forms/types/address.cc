// address: a Japanese postal address in parts, the postal code normalised to "123-4567".
#include <algorithm>

#include "forms/types/builtin.h"
#include "forms/types/common.h"
#include "ja/text.h"

namespace madoguchi::forms::types {

namespace {

class AddressType : public PartsType {
 public:
  AddressType()
      : PartsType({"postal_code", "prefecture", "city", "town", "street", "building"}, "forms.hint.address",
                  "forms.address_display") {}

  std::set<std::string> keys() const override { return {"required", "autocomplete"}; }
  std::set<std::string> autocomplete_tokens() const override { return {"off", "address"}; }

  Json check(const Field& f, const Json& value, ValueChecker& c) const override {
    // Town and building may be empty: not every address has them.
    static const std::vector<std::string> kRequiredParts = {"postal_code", "prefecture", "city", "street"};
    bool any = false;
    Json out = typed_parts(value, c, &any);
    bool need = f.required || any;
    for (const auto& part : parts()) {
      std::string s = out[part].get<std::string>();
      if (s.empty()) {
        if (need && std::count(kRequiredParts.begin(), kRequiredParts.end(), part) > 0) {
          c.error(part, "forms.required_part");
        }
        continue;
      }
      if (part == "postal_code") {
        if (auto code = ja::normalize_postal_code(s)) {
          out[part] = *code;
        } else {
          c.error(part, "forms.postal_code");
        }
        continue;
      }
      c.length_ok(s, std::nullopt, kDefaultPartMax, part);
    }
    return out;
  }

  // The resident's own address ("autocomplete: address") from their profile.
  std::optional<Json> prefill(const Field& f, const Json& profile) const override {
    if (f.autocomplete == "address" && profile.contains("address") && profile["address"].is_object()) {
      return profile["address"];
    }
    return std::nullopt;
  }
};

}  // namespace

std::unique_ptr<const FieldTypeDescriptor> address_type() { return std::make_unique<AddressType>(); }

}  // namespace madoguchi::forms::types
