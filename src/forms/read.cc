// Posted name/value pairs of one page → answers.
#include <algorithm>
#include <charconv>
#include <set>

#include "forms/field_type.h"
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

void read_fields(const std::vector<Field>& fields, const PostedIndex& in, const std::string& prefix, Json* scope,
                 const Json& old_scope, const Json& answers, const Json* row, const std::set<std::string>& local_ids,
                 const Uploads& uploads);

// One field's view of the post, for its type's read().
class FieldPost : public PostedValue {
 public:
  FieldPost(const Field& f, const PostedIndex& in, std::string name, Json old, const Json& answers,
            const std::set<std::string>& local_ids, const Uploads& uploads)
      : f_(f),
        in_(in),
        name_(std::move(name)),
        old_(std::move(old)),
        answers_(answers),
        local_ids_(local_ids),
        uploads_(uploads) {}

  const std::string& name() const override { return name_; }
  bool has(const std::string& name) const override { return in_.has(name); }
  std::string first(const std::string& name) const override { return in_.first(name); }
  std::vector<std::string> all(const std::string& name) const override { return in_.all(name); }
  const Json& old() const override { return old_; }
  std::vector<Json> uploads() const override {
    auto it = uploads_.find(name_);
    return it == uploads_.end() ? std::vector<Json>() : it->second;
  }

  Json rows() const override {
    Json rows = Json::array();
    std::set<std::string> siblings = ids_of(f_.children);
    siblings.insert(local_ids_.begin(), local_ids_.end());
    for (size_t index : in_.rows(name_)) {
      Json old_row = old_.is_array() && index < old_.size() ? old_[index] : Json::object();
      Json r = empty_row(f_);
      read_fields(f_.children, in_, name_ + "." + std::to_string(index) + ".", &r, old_row, answers_, &r, siblings,
                  uploads_);
      rows.push_back(std::move(r));
    }
    return rows;
  }

 private:
  const Field& f_;
  const PostedIndex& in_;
  std::string name_;
  Json old_;
  const Json& answers_;
  const std::set<std::string>& local_ids_;
  const Uploads& uploads_;
};

void read_fields(const std::vector<Field>& fields, const PostedIndex& in, const std::string& prefix,
                 Json* scope, const Json& old_scope, const Json& answers, const Json* row,
                 const std::set<std::string>& local_ids, const Uploads& uploads) {
  for (const auto& l : answer_fields(fields)) {
    const Field& f = *l.field;
    // A field the page did not show (hidden by an earlier page's answer) is not read.
    if (!shown(l, answers, row, local_ids)) continue;
    Json old = old_scope.is_object() && old_scope.contains(f.id) ? old_scope[f.id] : Json();
    FieldPost post(f, in, prefix + f.id, std::move(old), answers, local_ids, uploads);
    (*scope)[f.id] = field_type(f.type).read(f, post);
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
