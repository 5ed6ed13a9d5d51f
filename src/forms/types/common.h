// Internal to forms/types: pieces several field types share (one-input views, answers made of
// named parts, option lists).
#pragma once

#include <string>
#include <vector>

#include "forms/field_type.h"
#include "forms/internal.h"

namespace madoguchi::forms::types {

using procedures::FieldType;

// The string under `key` in an object, "" for anything else.
std::string str_of(const Json& scope, const std::string& key);
// Trimmed, with runs of spaces made one (parts joined by a pattern with some left empty).
std::string collapse_spaces(std::string s);

// The view keys of a one-input field (text, textarea, number, integer, email, phone): its
// value, is_input (not for a textarea), the length limit, the kana hint and the unit.
void simple_view(const Field& f, const Json& value, ViewContext& ctx, Json* view);

// The view of a field typed in parts (name, address, date): one entry per part in
// view["parts"], with `shown` giving the parts' values; is_compound set.
void parts_view(const Field& f, const std::vector<std::string>& parts, const Json& shown, ViewContext& ctx, Json* view);

// A posted name's rest (after the field's name) that is exactly one of `parts`.
bool is_one_part(const std::vector<std::string>& parts, const std::vector<std::string>& rest);

// A type whose answer is one string from one input named "f.<id>" (text, number, email,
// select …): empty is "", the post's value is read as it is; the type checks and shows it.
class OneInputType : public AnswerType {
 public:
  void parse(DefinitionReader&, Field*) const override {}
  Json empty_value(const Field&) const override { return ""; }
  bool accepts(const Field&, const std::vector<std::string>& rest) const override { return rest.empty(); }
  Json read(const Field&, const PostedValue& in) const override { return in.first(in.name()); }
};

// The longest a part of a name or an address may be when the definition sets no max_length.
inline constexpr int kDefaultPartMax = 100;

// A type whose answer is an object of named parts typed in separate inputs (name, address):
// empty value, reading, posted names, the page's inputs and the check page's text follow
// from the parts; checking and what the definition allows are the type's own.
class PartsType : public AnswerType {
 public:
  // `hint_key`: the type hint under the parts; `display_key`: the locale pattern joining the
  // parts on the check page (it names each part as {<part>}).
  PartsType(std::vector<std::string> parts, std::string hint_key, std::string display_key)
      : parts_(std::move(parts)), hint_key_(std::move(hint_key)), display_key_(std::move(display_key)) {}

  const std::vector<std::string>& parts() const { return parts_; }

  void parse(DefinitionReader&, Field*) const override {}
  Json empty_value(const Field& f) const override;
  bool accepts(const Field& f, const std::vector<std::string>& rest) const override;
  Json read(const Field& f, const PostedValue& in) const override;
  void view(const Field& f, const Json& value, ViewContext& ctx, Json* view) const override;
  std::string display(const Field& f, const Json& value, const SummaryRows& rows) const override;

 protected:
  // Each part's string, trimmed and with broken characters replaced (and reported); *any
  // says whether a part holds anything.
  Json typed_parts(const Json& value, ValueChecker& c, bool* any) const;

 private:
  std::vector<std::string> parts_;
  std::string hint_key_;
  std::string display_key_;
};

}  // namespace madoguchi::forms::types
