// The registry of field types: FieldType → descriptor, built-in types first.
#include <mutex>
#include <shared_mutex>
#include <stdexcept>

#include "forms/field_type.h"
#include "forms/types/builtin.h"
#include "procedures/yaml_reader.h"

namespace madoguchi::forms {

using procedures::FieldType;

namespace {

struct Registry {
  std::shared_mutex mu;
  // Indexed by the FieldType's value; a descriptor is never removed, so references stay valid.
  std::vector<std::unique_ptr<const FieldTypeDescriptor>> by_type;

  void put(FieldType t, std::unique_ptr<const FieldTypeDescriptor> d) {
    size_t i = static_cast<size_t>(t);
    if (by_type.size() <= i) by_type.resize(i + 1);
    by_type[i] = std::move(d);
  }
};

Registry& registry() {
  // Built once, on first use, with every built-in type; never destroyed, as descriptors may
  // be used by other static objects' destructors.
  static Registry* r = [] {
    auto* reg = new Registry();
    reg->put(FieldType::kText, types::text_type());
    reg->put(FieldType::kTextarea, types::textarea_type());
    reg->put(FieldType::kNumber, types::number_type());
    reg->put(FieldType::kInteger, types::integer_type());
    reg->put(FieldType::kDate, types::date_type());
    reg->put(FieldType::kSelect, types::select_type());
    reg->put(FieldType::kRadio, types::radio_type());
    reg->put(FieldType::kCheckboxes, types::checkboxes_type());
    reg->put(FieldType::kYesNo, types::yesno_type());
    reg->put(FieldType::kEmail, types::email_type());
    reg->put(FieldType::kPhone, types::phone_type());
    reg->put(FieldType::kPostalAddress, types::address_type());
    reg->put(FieldType::kPersonName, types::name_type());
    reg->put(FieldType::kFile, types::file_type());
    reg->put(FieldType::kFieldset, types::fieldset_type());
    reg->put(FieldType::kGroup, types::group_type());
    return reg;
  }();
  return *r;
}

}  // namespace

const std::vector<std::string>& default_file_types() {
  static const std::vector<std::string> kTypes = {"application/pdf", "image/jpeg", "image/png"};
  return kTypes;
}

const FieldTypeDescriptor* find_field_type(FieldType type) {
  Registry& r = registry();
  std::shared_lock lock(r.mu);
  size_t i = static_cast<size_t>(type);
  return i < r.by_type.size() ? r.by_type[i].get() : nullptr;
}

const FieldTypeDescriptor& field_type(FieldType type) {
  const FieldTypeDescriptor* d = find_field_type(type);
  if (!d) {
    throw std::out_of_range("no descriptor for field type " + std::to_string(static_cast<int>(type)));
  }
  return *d;
}

std::optional<FieldType> register_field_type(const std::string& name, std::unique_ptr<const FieldTypeDescriptor> d) {
  if (!d || !procedures::internal::valid_field_id(name)) return std::nullopt;
  if (auto known = procedures::parse_field_type(name); known && find_field_type(*known)) {
    return std::nullopt;
  }
  FieldType t = procedures::add_field_type(name);
  Registry& r = registry();
  std::unique_lock lock(r.mu);
  size_t i = static_cast<size_t>(t);
  if (i < r.by_type.size() && r.by_type[i]) return std::nullopt;  // registered meanwhile
  r.put(t, std::move(d));
  return t;
}

std::set<std::string> field_type_names() {
  Registry& r = registry();
  std::shared_lock lock(r.mu);
  std::set<std::string> out;
  for (size_t i = 0; i < r.by_type.size(); ++i) {
    if (r.by_type[i]) out.insert(procedures::field_type_name(static_cast<FieldType>(i)));
  }
  return out;
}

void FieldTypeDescriptor::erase_extras(const Field&, Json*) const {}

std::optional<Json> FieldTypeDescriptor::prefill(const Field&, const Json&) const { return std::nullopt; }

}  // namespace madoguchi::forms
