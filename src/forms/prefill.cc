#include "forms/form.h"

namespace madoguchi::forms {
namespace {

using procedures::Field;
using procedures::FieldType;

void fill(const std::vector<Field>& fields, const Json& profile, Json* out) {
  for (const Field& f : fields) {
    if (f.type == FieldType::kFieldset) {
      fill(f.children, profile, out);
      continue;
    }
    const std::string& token = f.autocomplete;
    if (f.type == FieldType::kPersonName && token == "name") {
      Json name = Json::object();
      for (const char* part : {"family", "given", "family_kana", "given_kana"}) {
        if (profile.contains(part) && profile[part].is_string()) name[part] = profile[part];
      }
      if (!name.empty()) (*out)[f.id] = name;
    } else if (f.type == FieldType::kPostalAddress && token == "address") {
      if (profile.contains("address") && profile["address"].is_object()) (*out)[f.id] = profile["address"];
    } else if (f.type == FieldType::kDate && token == "bday") {
      if (profile.contains("birth") && profile["birth"].is_string()) (*out)[f.id] = profile["birth"];
    } else if (f.type == FieldType::kPhone && token == "tel") {
      if (profile.contains("phone") && profile["phone"].is_string()) (*out)[f.id] = profile["phone"];
    } else if (f.type == FieldType::kEmail && token == "email") {
      if (profile.contains("email") && profile["email"].is_string()) (*out)[f.id] = profile["email"];
    }
  }
}

}  // namespace

Json prefill_from_profile(const procedures::Procedure& proc, const Json& profile) {
  Json out = Json::object();
  if (!profile.is_object()) return out;
  for (const auto& page : proc.pages) fill(page.fields, profile, &out);
  return out;
}

}  // namespace madoguchi::forms
