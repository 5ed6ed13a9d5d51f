// Field types as plug-ins. Each type of field (text, date, file, group …) is described once,
// by one FieldTypeDescriptor: the keys its definition allows and how it reads them, how its
// answer is read from a post, what it holds when empty, how it is checked, how it is shown on
// its page and on the check page, and which posted names belong to it. The walkers of forms/
// (read.cc, validate.cc, view.cc, summary.cc, names.cc) and of procedures/parse_fields.cc
// only look a field's descriptor up and call it, so a new type is one new file registered
// here, plus its template markup and strings (docs/architecture-field-types.md).
//
// The operations are pure virtual: a type that forgets one does not compile. The contexts
// passed to them (DefinitionReader, PostedValue, ValueChecker, ViewContext, SummaryRows) give
// a type what it needs from the walker, including the walker's recursion for the container
// types (fieldset, group).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "forms/form.h"

namespace madoguchi::forms {

using procedures::Field;

// A field's definition while it is parsed (implemented by procedures/parse_fields.cc over the
// field's YAML mapping). Problems are collected with their line, never thrown.
class DefinitionReader {
 public:
  virtual ~DefinitionReader() = default;
  // How messages name the field: "the field 'copies'".
  virtual const std::string& what() const = 0;
  // True when the definition has `key`, even with an empty value.
  virtual bool has(const std::string& key) const = 0;
  // True when `key` is missing, null or an empty list: a list the type needs was not given.
  virtual bool empty_list(const std::string& key) const = 0;
  // Typed reads of `key`; a missing key gives nullopt / an empty list.
  virtual std::optional<int> integer(const std::string& key) = 0;
  virtual std::vector<std::string> string_list(const std::string& key) = 0;
  // The list under "options" (value and label each, values unique and well-formed).
  virtual std::vector<procedures::Option> options() = 0;
  // The fields listed under "fields", read as children of a `container` ("fieldset" /
  // "group") inside `group` (the id of the enclosing group, whose children are siblings).
  virtual std::vector<Field> children(const std::string& container, const std::string& group) = 0;
  // The id of the group this field is in, "" at the top of a page.
  virtual const std::string& group() const = 0;
  // Reports a problem at the line of `key`, or of the field itself when `key` is "" or absent.
  virtual void problem(const std::string& key, const std::string& message) = 0;
  // "a, b and c", as every other problem lists words.
  virtual std::string list_words(const std::set<std::string>& words) const = 0;
};

// One field's part of a post, for reading its answer (implemented by read.cc).
class PostedValue {
 public:
  virtual ~PostedValue() = default;
  // The field's HTML name: "f.<id>" or "f.<group>.<row>.<id>"; parts add ".<part>".
  virtual const std::string& name() const = 0;
  virtual bool has(const std::string& name) const = 0;
  // The first value posted under `name`, "" when none.
  virtual std::string first(const std::string& name) const = 0;
  // Every value posted under `name`, in posted order.
  virtual std::vector<std::string> all(const std::string& name) const = 0;
  // The field's answer before this post (null when it had none).
  virtual const Json& old() const = 0;
  // New attachment refs uploaded under the field's name (empty when none).
  virtual std::vector<Json> uploads() const = 0;
  // For a group: its posted rows, each read like the fields of a page (every child key
  // present), in ascending row index.
  virtual Json rows() const = 0;
};

// Checking one answer: the messages a type reports and the helpers every type shares
// (implemented by check_value.cc). An error marks the answer as failed; a type then returns
// the value as typed so the page shows it again.
class ValueChecker {
 public:
  ValueChecker(const Field& f, const std::string& name, const std::string& label, const Context& ctx, Json* scope,
               std::vector<FieldError>* errors)
      : f_(f), name_(name), label_(label), ctx_(ctx), scope_(scope), errors_(errors) {}

  const Context& ctx() const { return ctx_; }
  const std::string& label() const { return label_; }
  // The answers or the group row that holds this answer, for what a type keeps next to it.
  Json* scope() const { return scope_; }
  bool failed() const { return failed_; }

  // Reports the localised message `key` for the field (part "") or one of its parts; the
  // field's label is passed as {label}, the part's name as {part}.
  void error(const std::string& part, const std::string& key, std::map<std::string, std::string> params = {});
  // Reports `message` as it is (a definition's own pattern_message).
  void error_text(const std::string& message);
  // The string a value holds; anything else (a hand-made post) reads as "".
  static std::string str(const Json& v);
  // Well-formed UTF-8 stays as it is; each broken sequence becomes U+FFFD.
  static std::string sanitize(const std::string& s);
  // False (and an error on `part`) for broken UTF-8 or control characters.
  bool clean(const std::string& s, const std::string& part);
  // False (and an error) when `s` is longer than `max` (else `default_max`) characters, or
  // for the whole field (part "") shorter than the field's min_length.
  bool length_ok(const std::string& s, std::optional<int> max, int default_max, const std::string& part);
  // The trimmed text of a one-input answer, or nullopt when checking ends here with *done
  // the value to store: broken characters (stored replaced, with an error) or nothing typed
  // ("", with an error when the field is required).
  std::optional<std::string> typed_text(const Json& value, Json* done);
  // For a group: checks each row's fields like a page's and returns the checked rows.
  std::function<Json(const Json& rows)> check_rows;

 private:
  const Field& f_;
  const std::string& name_;
  const std::string& label_;
  const Context& ctx_;
  Json* scope_;
  std::vector<FieldError>* errors_;
  bool failed_ = false;
};

// Building one field's view for templates/partials/field.mustache (implemented by view.cc).
// The view already holds every key the partial reads, with the field's id, name, label,
// hints, required marks, condition and autocomplete filled; a type fills its own keys.
class ViewContext {
 public:
  virtual ~ViewContext() = default;
  virtual const Context& ctx() const = 0;
  // The answers or the group row that holds the value.
  virtual const Json& scope() const = 0;
  // True when an error is reported for this HTML id (a part marks itself invalid).
  virtual bool has_error(const std::string& html_id) const = 0;
  // The views of a fieldset's children that the page shows.
  virtual Json fieldset_children(const Field& fieldset) = 0;
  // The views of a group row's fields; `row_name` is "f.<group>.<index>".
  virtual Json row_fields(const Field& group, Json& row, const std::string& row_name) = 0;
};

// Adding rows to the check page (implemented by summary.cc). A row is labelled with the
// field's label, after the labels of the fieldset or group row around it.
class SummaryRows {
 public:
  virtual ~SummaryRows() = default;
  virtual const Context& ctx() const = 0;
  // The answers or the group row that holds the value.
  virtual const Json& scope() const = 0;
  // The field's label as its row shows it ("口座 › 金融機関名" within a fieldset).
  virtual const std::string& label() const = 0;
  // Adds the field's row with `value` as its display text.
  virtual void add(const std::string& value) = 0;
  // Adds the rows of a fieldset's children (top-level answers), their labels after its own.
  virtual void add_children(const Field& fieldset) = 0;
  // Adds the rows of row `index` of a group, their labels after `row_label`.
  virtual void add_row(const Field& group, size_t index, const Json& row, const std::string& row_label) = 0;
};

// The description of one field type. Implementations hold no state per field: every call
// gets the field's definition. They must be safe to call from several threads at once.
class FieldTypeDescriptor {
 public:
  virtual ~FieldTypeDescriptor() = default;

  // --- The definition (procedures/*.yaml) ---
  // The keys a field of this type may have besides id, type, label, help and visible_if.
  // Shared rule keys (required, min_length, max_length, pattern, pattern_message, min, max,
  // unit, min_date, max_date, kana, autocomplete) are read for every type that lists them.
  virtual std::set<std::string> keys() const = 0;
  // The autocomplete values that fit this type; empty when autocomplete does not apply.
  virtual std::set<std::string> autocomplete_tokens() const = 0;
  // Reads the keys only this type understands (options, accept, fields …) into *f, after the
  // shared ones are read; reports what is wrong through `in`.
  virtual void parse(DefinitionReader& in, Field* f) const = 0;

  // --- Answers ---
  // What the field holds when nothing was entered ("" / [] / an object of empty parts).
  virtual Json empty_value(const Field& f) const = 0;
  // Whether a posted name belongs to the field: `rest` are the dot-separated segments after
  // the field's own name (empty for "f.<id>" itself).
  virtual bool accepts(const Field& f, const std::vector<std::string>& rest) const = 0;
  // The answer as posted, before checking.
  virtual Json read(const Field& f, const PostedValue& in) const = 0;
  // Normalises and validates `value`; returns what to store: normalised when valid, as typed
  // otherwise (errors through `c`).
  virtual Json check(const Field& f, const Json& value, ValueChecker& c) const = 0;

  // --- Pages ---
  // Fills the type's own keys of `*view` (options, parts, files, rows, input hints …).
  virtual void view(const Field& f, const Json& value, ViewContext& ctx, Json* view) const = 0;
  // Adds the field's rows to the check page: usually one, with the answer as display text.
  virtual void summarise(const Field& f, const Json& value, SummaryRows& rows) const = 0;

  // --- Optional hooks (the defaults do nothing) ---
  // Removes what the type keeps next to the answer in `scope` when the answer is removed.
  virtual void erase_extras(const Field& f, Json* scope) const;
  // The answer taken from a signed-in resident's profile (forms/form.h,
  // prefill_from_profile), or nullopt when the field is not prefilled.
  virtual std::optional<Json> prefill(const Field& f, const Json& profile) const;
};

// A type that holds one answer (every type but fieldset and group): its check-page row shows
// "未回答" for an empty answer and `display` otherwise.
class AnswerType : public FieldTypeDescriptor {
 public:
  void summarise(const Field& f, const Json& value, SummaryRows& rows) const override;
  // The display text of a non-empty answer (dates in both calendars, numbers with units).
  virtual std::string display(const Field& f, const Json& value, const SummaryRows& rows) const = 0;
};

// The descriptor of `type`: every built-in type has one, and so has every value
// register_field_type returned. Throws std::out_of_range for any other value.
const FieldTypeDescriptor& field_type(procedures::FieldType type);
// nullptr when `type` has no descriptor.
const FieldTypeDescriptor* find_field_type(procedures::FieldType type);

// Registers a field type under `name` (as definitions write it in "type:") and returns the
// FieldType its fields carry. Returns nullopt, registering nothing, when `name` already has a
// descriptor or is not [a-z][a-z0-9_]*. Register before definitions using it are parsed, and
// not while other threads read or check forms.
std::optional<procedures::FieldType> register_field_type(const std::string& name,
                                                         std::unique_ptr<const FieldTypeDescriptor> descriptor);

// The names of every type with a descriptor, for messages ("use one of …").
std::set<std::string> field_type_names();

// Whether the posted name segments from `at` name a field of `fields` (or one of its parts);
// page_accepts_name applies it from the top, a group to the fields of a row.
bool fields_accept(const std::vector<Field>& fields, const std::vector<std::string>& segs, size_t at);

}  // namespace madoguchi::forms
