// What the answers hide: conditions, page visibility, pruning hidden answers.
#include <algorithm>

#include "forms/field_type.h"
#include "forms/internal.h"

namespace madoguchi::forms {

using namespace internal;

namespace {

const Json& lookup(const std::string& field, const Json& answers, const Json* row) {
  static const Json kNull;
  // A sibling in the same group row wins over a top-level field of the same id.
  if (row && row->is_object()) {
    if (auto it = row->find(field); it != row->end()) return *it;
  }
  if (answers.is_object()) {
    if (auto it = answers.find(field); it != answers.end()) return *it;
  }
  return kNull;
}

// equals/one_of on a checkboxes answer ask whether that box is ticked.
bool matches(const Json& value, const std::vector<std::string>& values) {
  auto in = [&](const std::string& s) {
    return std::find(values.begin(), values.end(), s) != values.end();
  };
  if (value.is_string()) return in(value.get<std::string>());
  if (value.is_array()) {
    return std::any_of(value.begin(), value.end(),
                       [&](const Json& v) { return v.is_string() && in(v.get<std::string>()); });
  }
  return false;
}

// Erases (top level) or empties (group rows, which keep every child key) hidden answers.
bool prune_level(const std::vector<Field>& fields, bool page_shown, Json* scope, Json* answers,
                 Json* row) {
  bool changed = false;
  for (const auto& l : answer_fields(fields)) {
    const Field& f = *l.field;
    if (!scope->contains(f.id)) continue;
    bool keep = page_shown && visible(l, *answers, row);
    if (!keep) {
      // What a type keeps next to the answer goes with it (a date's era as typed).
      field_type(f.type).erase_extras(f, scope);
      if (row) {
        if (!is_empty((*scope)[f.id])) {
          (*scope)[f.id] = empty_value(f);
          changed = true;
        }
      } else {
        scope->erase(f.id);
        changed = true;
      }
      continue;
    }
    if (f.type == FieldType::kGroup && (*scope)[f.id].is_array()) {
      for (auto& r : (*scope)[f.id]) {
        if (r.is_object()) changed |= prune_level(f.children, true, &r, answers, &r);
      }
    }
  }
  return changed;
}

}  // namespace

bool condition_holds(const procedures::Condition& c, const Json& answers, const Json* row) {
  switch (c.kind) {
    case Condition::Kind::kEquals:
    case Condition::Kind::kOneOf:
      return matches(lookup(c.field, answers, row), c.values);
    case Condition::Kind::kNotEmpty:
      return !is_empty(lookup(c.field, answers, row));
    case Condition::Kind::kAll:
      return std::all_of(c.children.begin(), c.children.end(),
                         [&](const Condition& x) { return condition_holds(x, answers, row); });
    case Condition::Kind::kAny:
      return std::any_of(c.children.begin(), c.children.end(),
                         [&](const Condition& x) { return condition_holds(x, answers, row); });
  }
  return false;
}

bool page_visible(const procedures::Page& page, const Json& answers) {
  return !page.visible_if || condition_holds(*page.visible_if, answers, nullptr);
}

void prune_hidden(const procedures::Procedure& proc, Json* answers) {
  if (!answers->is_object()) return;
  // Hiding one answer can hide another that depends on it; repeat until nothing changes.
  // Each round removes at least one answer, so the number of fields bounds the rounds.
  for (int round = 0; round < 1000; ++round) {
    bool changed = false;
    for (const auto& page : proc.pages) {
      changed |= prune_level(page.fields, page_visible(page, *answers), answers, answers, nullptr);
    }
    if (!changed) break;
  }
}

namespace internal {

bool visible(const Leveled& l, const Json& answers, const Json* row) {
  if (l.fieldset && l.fieldset->visible_if && !condition_holds(*l.fieldset->visible_if, answers, row)) {
    return false;
  }
  return !l.field->visible_if || condition_holds(*l.field->visible_if, answers, row);
}

bool depends_on(const Condition& c, const std::set<std::string>& ids) {
  if (c.kind == Condition::Kind::kAll || c.kind == Condition::Kind::kAny) {
    return std::any_of(c.children.begin(), c.children.end(),
                       [&](const Condition& x) { return depends_on(x, ids); });
  }
  return ids.count(c.field) > 0;
}

bool shown(const Leveled& l, const Json& answers, const Json* row,
           const std::set<std::string>& local_ids) {
  if (visible(l, answers, row)) return true;
  auto local = [&](const Field* f) { return f && f->visible_if && depends_on(*f->visible_if, local_ids); };
  // Shown when every condition that currently hides it may change on this very page.
  bool fieldset_ok = !l.fieldset || !l.fieldset->visible_if ||
                     condition_holds(*l.fieldset->visible_if, answers, row) || local(l.fieldset);
  bool field_ok = !l.field->visible_if || condition_holds(*l.field->visible_if, answers, row) ||
                  local(l.field);
  return fieldset_ok && field_ok;
}

}  // namespace internal

}  // namespace madoguchi::forms
