// Internal to forms/: the built-in field types, one factory per type. field_types.cc
// registers each under its FieldType; a built-in type is added here and there.
#pragma once

#include <memory>

#include "forms/field_type.h"

namespace madoguchi::forms::types {

std::unique_ptr<const FieldTypeDescriptor> text_type();        // text.cc
std::unique_ptr<const FieldTypeDescriptor> textarea_type();    // text.cc
std::unique_ptr<const FieldTypeDescriptor> number_type();      // number.cc
std::unique_ptr<const FieldTypeDescriptor> integer_type();     // number.cc
std::unique_ptr<const FieldTypeDescriptor> date_type();        // date.cc
std::unique_ptr<const FieldTypeDescriptor> select_type();      // choice.cc
std::unique_ptr<const FieldTypeDescriptor> radio_type();       // choice.cc
std::unique_ptr<const FieldTypeDescriptor> checkboxes_type();  // choice.cc
std::unique_ptr<const FieldTypeDescriptor> yesno_type();       // choice.cc
std::unique_ptr<const FieldTypeDescriptor> email_type();       // contact.cc
std::unique_ptr<const FieldTypeDescriptor> phone_type();       // contact.cc
std::unique_ptr<const FieldTypeDescriptor> address_type();     // address.cc
std::unique_ptr<const FieldTypeDescriptor> name_type();        // name.cc
std::unique_ptr<const FieldTypeDescriptor> file_type();        // file.cc
std::unique_ptr<const FieldTypeDescriptor> fieldset_type();    // fieldset.cc
std::unique_ptr<const FieldTypeDescriptor> group_type();       // group.cc

}  // namespace madoguchi::forms::types
