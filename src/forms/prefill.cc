// Once-only: a signed-in resident's profile fills the fields that ask for their own data.
#include "forms/field_type.h"

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
    // Each type knows which autocomplete token asks for which part of the profile.
    if (auto v = field_type(f.type).prefill(f, profile)) (*out)[f.id] = std::move(*v);
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
