// Filling in a procedure's form: reading what a resident posted for one page into their
// answers, normalising and validating it, deciding what is visible, and preparing the data
// templates render. No HTTP types: posted fields arrive as name/value pairs.
//
// Answers are one JSON object keyed by field id:
//   text, textarea, number, integer, date, select, radio, yesno, email, phone → string
//     (yesno: "yes"/"no"; date: "YYYY-MM-DD" once valid)
//   checkboxes → array of strings
//   name    → {"family","given","family_kana","given_kana"}
//   address → {"postal_code","prefecture","city","town","street","building"}
//   file    → array of {"id","name","size","type"} (attachment refs; bytes live elsewhere)
//   group   → array of row objects keyed by child field id
//   fieldset→ its children are top-level answers (a fieldset only groups them on the page)
// A value that failed validation stays in the answers exactly as typed, so the page shows it
// again; a valid value is stored normalised (NFKC digits, katakana furigana …). Names and free
// text are stored exactly as typed (only surrounding spaces go). A date that is not valid yet
// holds its typed parts {"era","year","month","day"} (era "" = 西暦, or R H S T M); a valid
// date typed in 和暦 keeps the era and year as typed under "<id>.typed" next to its ISO
// string, so that it is shown again as typed (internal.h, typed_era_key). Empty
// answers are "" / [] / an object of empty parts; group rows hold every child's key.
//
// HTML names: "f.<id>" for simple fields, "f.<id>.<part>" for name/address/date parts (a date
// also accepts one text "f.<id>", e.g. "S60.1.15"), "f.<group>.<row>.<child>[.<part>]" inside
// groups, "f.<group>.<row>._row" marking a row, "f.<id>.remove" dropping an attachment. The
// HTML id of a field is its name with '.' replaced by '-', which error summaries link to
// ("#f-children-0-birth"). A visible stop page (Page::stop) always has one error, whose
// html_id is "stop-<page id>".
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/date.h"
#include "i18n/i18n.h"
#include "procedures/procedure.h"

namespace madoguchi::forms {

using Json = nlohmann::json;
using Posted = std::vector<std::pair<std::string, std::string>>;

struct FieldError {
  std::string html_id;  // "f-children-0-birth"
  std::string message;  // localised, says what to fix
};

struct Context {
  const Locales& locales;
  std::string locale;  // "ja", "en", …
  Date today;          // for "today" in date rules
};

// Reads the posted values of `page`'s visible fields into *answers (fields of the page not
// posted become empty), adds `uploads` (html name → new attachment refs) to file fields, drops
// refs listed in "f.<id>.remove" values, normalises, validates. Group rows are read from the
// row indexes posted. Returns the errors in page order; empty = the page is complete.
// Values of fields that are hidden after this page's answers are removed from *answers.
std::vector<FieldError> apply_page(const procedures::Procedure& proc,
                                   const procedures::Page& page, const Posted& posted,
                                   const std::map<std::string, std::vector<Json>>& uploads,
                                   Json* answers, const Context& ctx);

// Validates the stored answers of one page without changing them (used before submit and to
// decide whether a page is complete).
std::vector<FieldError> validate_page(const procedures::Procedure& proc,
                                      const procedures::Page& page, const Json& answers,
                                      const Context& ctx);

// Group rows: append an empty row (up to max_items) / remove row `index` (not below
// min_items). Return false when the change is not allowed or the group does not exist.
bool add_group_row(const procedures::Procedure& proc, const std::string& group_id, Json* answers);
bool remove_group_row(const procedures::Procedure& proc, const std::string& group_id,
                      size_t index, Json* answers);

// Condition evaluation; `row` is the group row when evaluating a group child's condition.
bool condition_holds(const procedures::Condition& c, const Json& answers, const Json* row);
bool page_visible(const procedures::Page& page, const Json& answers);

// True when a posted name belongs to a field of this page (or a known control such as
// "f.<id>.remove"): anything else posted to a page is a client error (400). Only "f." names
// are judged here; the caller handles its own controls ("csrf", "action") before asking.
bool page_accepts_name(const procedures::Page& page, const std::string& name);

// Removes the answers of fields and pages that the other answers hide. Run before submit so
// hidden fields are neither validated nor stored.
void prune_hidden(const procedures::Procedure& proc, Json* answers);

// The ids of file attachments referenced anywhere in the answers.
std::vector<std::string> attachment_ids(const procedures::Procedure& proc, const Json& answers);

// Placeholders in a group's template_row (page_view): the row's index in HTML names and ids
// ("f.children.__row__.child_name"), and its number as people count in legends and button
// text. static/madoguchi.js replaces them when it clones the row.
inline constexpr const char* kRowIndexToken = "__row__";
inline constexpr const char* kRowNumberToken = "__n__";

// Data for templates/partials/field.mustache for every visible field of `page`:
// a JSON array of field views (see docs/procedure-format.md, "Rendering"), with values,
// options (checked/selected), hints, errors, and for groups their rows.
Json page_view(const procedures::Procedure& proc, const procedures::Page& page,
               const Json& answers, const std::vector<FieldError>& errors, const Context& ctx);

// Check-your-answers: a JSON array with, for each visible page, {"id","title","title_ja",
// "title_lang","rows"}; rows are {"label","label_ja","label_lang","value" (display text, dates
// in 西暦 and 和暦, numbers with their unit), "html_id"}. *_lang is "ja" when the text fell back
// to ja, else false.
Json summary_view(const procedures::Procedure& proc, const Json& answers, const Context& ctx);

// The file types a file field accepts when its definition names none: PDF, JPEG and PNG.
// Written once here; the parser, the check, the page and the upload policy all use it.
const std::vector<std::string>& default_file_types();

// The fee in yen for these answers (yen × copies when per_copy_field is set).
long long fee_for(const procedures::Procedure& proc, const Json& answers);

}  // namespace madoguchi::forms

namespace madoguchi::forms {

// Once-only (ワンスオンリー): answers the ward already knows, taken from a signed-in resident's
// profile, for the fields that ask for the resident's own data — those with an autocomplete
// token: "name" ← profile family/given/family_kana/given_kana, "bday" ← birth (YYYY-MM-DD),
// "address" ← address {postal_code, prefecture, city, town, street, building}, "tel" ← phone,
// "email" ← email. Fields of other people (no token) are never filled. The resident can still
// change every prefilled answer.
Json prefill_from_profile(const procedures::Procedure& proc, const Json& profile);

}  // namespace madoguchi::forms
