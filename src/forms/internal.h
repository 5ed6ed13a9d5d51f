// Internal to forms/: shared helpers of reading, checking, visibility and views.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "forms/form.h"

namespace madoguchi::forms::internal {

using procedures::Condition;
using procedures::Field;
using procedures::FieldType;
using procedures::Page;
using procedures::Procedure;

// "" / [] / an object of empty parts: what a field holds when nothing was entered (its
// type's descriptor says, field_type.h).
Json empty_value(const Field& f);
// A group row holding every child key, each empty.
Json empty_row(const Field& group);
// True for null, "", [], {} and objects whose values are all empty.
bool is_empty(const Json& v);

// HTML id of an HTML name: '.' becomes '-'.
std::string html_id(const std::string& name);

// The fields that hold answers at one level: a fieldset's children are flattened into the
// level around it (they are top-level answers); fieldsets themselves are skipped. A
// fieldset's visible_if applies to its children, so `hidden_by` gives the enclosing fieldset.
struct Leveled {
  const Field* field;
  const Field* fieldset;  // nullptr when not in a fieldset
};
std::vector<Leveled> answer_fields(const std::vector<Field>& fields);

// A top-level answer field (through fieldsets) of any page of the procedure.
const Field* find_answer_field(const Procedure& proc, const std::string& id);
const Field* find_in(const std::vector<Field>& fields, const std::string& id);

// Whether the field (and the fieldset around it) is visible for these answers.
bool visible(const Leveled& f, const Json& answers, const Json* row);
// True when a leaf of `c` names one of `ids`: such a field depends on answers given on the
// same page, so it is shown (for the resident to fill when it applies) and decided on post.
bool depends_on(const Condition& c, const std::set<std::string>& ids);
// Whether a field is shown on its page: visible now, or depending on the page's own answers.
bool shown(const Leveled& f, const Json& answers, const Json* row,
           const std::set<std::string>& local_ids);
std::set<std::string> ids_of(const std::vector<Field>& fields);

// A localised message.
std::string text(const Context& ctx, const std::string& key,
                 const std::map<std::string, std::string>& params = {});
// The label of a field as messages name it; within a group row "子ども(2件目)の氏名".
std::string label_for(const Context& ctx, const Field& f, const Field* group, size_t row);

// Validates the visible fields of `fields` held in *scope (the answers, or a group row) and
// stores their checked values back. `prefix` is "f." or "f.<group>.<row>.".
void check_fields(const std::vector<Field>& fields, Json* scope, Json* answers, Json* row,
                  const std::string& prefix, const Field* group, size_t row_index,
                  const Context& ctx, std::vector<FieldError>* errors);

// Date helpers shared by checking and views. The era codes are "" (西暦) and R H S T M.
const std::vector<std::string>& era_codes();
std::optional<Date> parse_date_value(const Json& value, bool* incomplete);
// A valid date is stored as "YYYY-MM-DD"; when the resident typed it in 和暦, the era and the
// year as typed ({"era": "S", "year": "63"}) are kept next to it under "<id>.typed" (a key no
// field id can take), so the page and the check page show 昭和63年 again, not 1988 — also 元
// and the era of a boundary day (平成31年4月30日 / 令和元年5月1日) as the resident chose it.
std::string typed_era_key(const std::string& id);
// After checking field `id`: `typed` is what was checked, `stored` what check_value returned.
void remember_typed_era(Json* scope, const std::string& id, const Json& typed, const Json& stored);
// The kept era parts of field `id` in `scope` when they still name `date`, else nullptr.
const Json* typed_era_for(const Json& scope, const std::string& id, const Date& date);
// "2025年4月1日(令和7年4月1日)" in ja; the forms.date_display pattern in other locales. With
// `era_first` (typed in 和暦) the forms.date_display_era_first pattern: 「令和7年4月1日(2025年4月1日)」.
std::string display_date(const Context& ctx, const Date& date, bool era_first = false);
// 1234.5 → "1,234.5"; integers without a decimal point.
std::string display_number(double n);
// Surrounding ASCII white space and 全角 spaces removed; the inside kept as typed.
std::string trim(const std::string& s);

}  // namespace madoguchi::forms::internal
