// fieldset: groups fields under one legend on the page. It holds no answer: its children are
// top-level answers (internal.h, answer_fields), so only definitions, pages and the check
// page see the fieldset itself.
#include "forms/types/builtin.h"
#include "forms/types/common.h"

namespace madoguchi::forms::types {

namespace {

class FieldsetType : public FieldTypeDescriptor {
 public:
  std::set<std::string> keys() const override { return {"fields"}; }
  std::set<std::string> autocomplete_tokens() const override { return {}; }

  void parse(DefinitionReader& in, Field* f) const override {
    if (in.empty_list("fields")) {
      in.problem("", "The fieldset '" + f->id + "' has no child fields; list them under 'fields'.");
    } else {
      // Its children belong to the group around it, if any, like the fieldset itself.
      f->children = in.children("fieldset", in.group());
    }
  }

  // The walkers flatten fieldsets into their children, so the answer operations below are
  // never asked about a fieldset; they answer as for a field that holds nothing.
  Json empty_value(const Field&) const override { return ""; }
  bool accepts(const Field&, const std::vector<std::string>&) const override { return false; }
  Json read(const Field&, const PostedValue&) const override { return Json(); }
  Json check(const Field&, const Json& value, ValueChecker&) const override { return value; }

  void view(const Field& f, const Json&, ViewContext& ctx, Json* view) const override {
    (*view)["required"] = false;
    (*view)["optional"] = false;
    (*view)["children"] = ctx.fieldset_children(f);
  }

  void summarise(const Field& f, const Json&, SummaryRows& rows) const override { rows.add_children(f); }
};

}  // namespace

std::unique_ptr<const FieldTypeDescriptor> fieldset_type() { return std::make_unique<FieldsetType>(); }

}  // namespace madoguchi::forms::types
