// Posted name/value pairs of one page → answers.
#include <algorithm>
#include <charconv>
#include <set>

#include "forms/internal.h"

namespace madoguchi::forms {

using namespace internal;

namespace {

using Uploads = std::map<std::string, std::vector<Json>>;

class PostedIndex {
 public:
  explicit PostedIndex(const Posted& posted) {
    for (const auto& [k, v] : posted) values_[k].push_back(v);
  }
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  std::string first(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::string() : it->second.front();
  }
  std::vector<std::string> all(const std::string& name) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>() : it->second;
  }
  // The row indexes posted for a group, ascending: "f.children.3.name" → 3.
  std::vector<size_t> rows(const std::string& group_name) const {
    std::set<size_t> out;
    const std::string prefix = group_name + ".";
    for (auto it = values_.lower_bound(prefix); it != values_.end(); ++it) {
      if (it->first.compare(0, prefix.size(), prefix) != 0) break;
      std::string rest = it->first.substr(prefix.size());
      std::string index = rest.substr(0, rest.find('.'));
      size_t n = 0;
      auto [ptr, ec] = std::from_chars(index.data(), index.data() + index.size(), n);
      if (ec == std::errc() && ptr == index.data() + index.size()) out.insert(n);
    }
    return {out.begin(), out.end()};
  }

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

Json read_value(const Field& f, const PostedIndex& in, const std::string& name, const Json& old,
                const Uploads& uploads) {
  switch (f.type) {
    case FieldType::kCheckboxes: {
      Json out = Json::array();
      for (const auto& v : in.all(name)) {
        if (!v.empty()) out.push_back(v);
      }
      return out;
    }
    case FieldType::kPersonName:
    case FieldType::kPostalAddress: {
      Json out = Json::object();
      for (const auto& part : parts_of(f.type)) out[part] = in.first(name + "." + part);
      return out;
    }
    case FieldType::kDate: {
      // One text ("R7.4.1") for API clients and counter staff; parts from the page.
      bool any_part = false;
      Json parts = Json::object();
      for (const auto& part : parts_of(f.type)) {
        any_part |= in.has(name + "." + part);
        parts[part] = in.first(name + "." + part);
      }
      if (!any_part) return in.first(name);
      return is_empty(parts) || (parts["year"] == "" && parts["month"] == "" && parts["day"] == "")
                 ? Json("")
                 : parts;
    }
    case FieldType::kFile: {
      std::vector<std::string> remove = in.all(name + ".remove");
      Json out = Json::array();
      if (old.is_array()) {
        for (const auto& ref : old) {
          if (!ref.is_object() || !ref.contains("id") || !ref["id"].is_string()) continue;
          if (std::find(remove.begin(), remove.end(), ref["id"].get<std::string>()) == remove.end()) {
            out.push_back(ref);
          }
        }
      }
      if (auto it = uploads.find(name); it != uploads.end()) {
        for (const auto& ref : it->second) out.push_back(ref);
      }
      return out;
    }
    default:
      return in.first(name);
  }
}

void read_fields(const std::vector<Field>& fields, const PostedIndex& in, const std::string& prefix,
                 Json* scope, const Json& old_scope, const Json& answers, const Json* row,
                 const std::set<std::string>& local_ids, const Uploads& uploads) {
  for (const auto& l : answer_fields(fields)) {
    const Field& f = *l.field;
    // A field the page did not show (hidden by an earlier page's answer) is not read.
    if (!shown(l, answers, row, local_ids)) continue;
    const std::string name = prefix + f.id;
    Json old = old_scope.is_object() && old_scope.contains(f.id) ? old_scope[f.id] : Json();
    if (f.type != FieldType::kGroup) {
      (*scope)[f.id] = read_value(f, in, name, old, uploads);
      continue;
    }
    Json rows = Json::array();
    std::set<std::string> siblings = ids_of(f.children);
    siblings.insert(local_ids.begin(), local_ids.end());
    for (size_t index : in.rows(name)) {
      Json old_row = old.is_array() && index < old.size() ? old[index] : Json::object();
      Json r = Json::object();
      // Every child key is kept in a row, empty or not, so that sibling conditions see the
      // row's own (empty) value rather than a top-level field of the same id.
      for (const auto& c : answer_fields(f.children)) r[c.field->id] = empty_value(*c.field);
      read_fields(f.children, in, name + "." + std::to_string(index) + ".", &r, old_row, answers,
                  &r, siblings, uploads);
      rows.push_back(std::move(r));
    }
    (*scope)[f.id] = std::move(rows);
  }
}

}  // namespace

std::vector<FieldError> apply_page(const procedures::Procedure& proc, const procedures::Page& page,
                                   const Posted& posted,
                                   const std::map<std::string, std::vector<Json>>& uploads,
                                   Json* answers, const Context& ctx) {
  if (!answers->is_object()) *answers = Json::object();
  const Json old = *answers;
  PostedIndex in(posted);
  // Conditions are judged on the answers as they were when the page was shown, so the set
  // of fields read is the set the resident saw.
  read_fields(page.fields, in, "f.", answers, old, old, nullptr, ids_of(page.fields), uploads);
  // Normalise and store first, then prune what the new answers hide, then report the
  // errors of what is still visible (hiding can chain, so errors are judged after pruning).
  std::vector<FieldError> ignored;
  check_fields(page.fields, answers, answers, nullptr, "f.", nullptr, 0, ctx, &ignored);
  prune_hidden(proc, answers);
  return validate_page(proc, page, *answers, ctx);
}

}  // namespace madoguchi::forms
