// Check-your-answers: each visible page with its answers as display text.
#include "forms/field_type.h"
#include "forms/internal.h"
#include "ja/ruby.h"

namespace madoguchi::forms {

using namespace internal;

namespace {

// The rows of one level of fields (a page, a fieldset's children, a group row).
class Summary {
 public:
  explicit Summary(const Context& ctx) : ctx_(ctx) {}

  void level(const std::vector<Field>& fields, const Json& scope, const Json& answers,
             const Json* row, const std::string& prefix, const std::string& label_prefix,
             Json* rows);

 private:
  const Context& ctx_;
};

// One field's rows, handed to its type.
class FieldRows : public SummaryRows {
 public:
  FieldRows(Summary& s, const Context& ctx, const Field& f, const Json& scope, const Json& answers, const Json* row,
            const std::string& prefix, const std::string& label_prefix, Json* rows)
      : s_(s), ctx_(ctx), f_(f), scope_(scope), answers_(answers), row_(row), prefix_(prefix), rows_(rows) {
    label_ = f.label.get(ctx.locale, &label_ja_);
    if (!label_prefix.empty()) {
      label_ = text(ctx, "forms.nested_label", {{"outer", label_prefix}, {"label", label_}});
    }
  }

  const Context& ctx() const override { return ctx_; }
  const Json& scope() const override { return scope_; }
  const std::string& label() const override { return label_; }

  void add(const std::string& value) override {
    // label_html for the <dt> (ruby on ja-easy pages); the plain label stays for the
    // change link's hidden text and for e-mails and exports, which read this view too.
    rows_->push_back({{"label", label_},
                      {"label_html", ja::text_html(label_, ctx_.locale)},
                      {"label_ja", label_ja_},
                      {"label_lang", label_ja_ ? Json("ja") : Json(false)},
                      {"value", value},
                      {"html_id", html_id(prefix_ + f_.id)}});
  }

  void add_children(const Field& fieldset) override {
    s_.level(fieldset.children, scope_, answers_, row_, prefix_, label_, rows_);
  }

  void add_row(const Field& group, size_t index, const Json& row, const std::string& row_label) override {
    s_.level(group.children, row, answers_, &row, prefix_ + group.id + "." + std::to_string(index) + ".", row_label,
             rows_);
  }

 private:
  Summary& s_;
  const Context& ctx_;
  const Field& f_;
  const Json& scope_;
  const Json& answers_;
  const Json* row_;
  const std::string& prefix_;
  Json* rows_;
  std::string label_;
  bool label_ja_ = false;
};

void Summary::level(const std::vector<Field>& fields, const Json& scope, const Json& answers,
                    const Json* row, const std::string& prefix, const std::string& label_prefix,
                    Json* rows) {
  for (const auto& f : fields) {
    Leveled l{&f, nullptr};
    if (!visible(l, answers, row)) continue;
    Json value = scope.is_object() && scope.contains(f.id) ? scope[f.id] : Json();
    FieldRows out(*this, ctx_, f, scope, answers, row, prefix, label_prefix, rows);
    field_type(f.type).summarise(f, value, out);
  }
}

}  // namespace

Json summary_view(const procedures::Procedure& proc, const Json& answers, const Context& ctx) {
  Json out = Json::array();
  const Json a = answers.is_object() ? answers : Json::object();
  Summary s(ctx);
  for (const auto& page : proc.pages) {
    if (!page_visible(page, a)) continue;
    Json rows = Json::array();
    s.level(page.fields, a, a, nullptr, "f.", "", &rows);
    bool fb = false;
    std::string title = page.title.get(ctx.locale, &fb);
    out.push_back({{"id", page.id}, {"title", title},
                   {"title_html", ja::text_html(title, ctx.locale)}, {"title_ja", fb},
                    {"title_lang", fb ? Json("ja") : Json(false)}, {"rows", rows}});
  }
  return out;
}

void AnswerType::summarise(const Field& f, const Json& value, SummaryRows& rows) const {
  rows.add(is_empty(value) ? text(rows.ctx(), "forms.not_answered") : display(f, value, rows));
}

}  // namespace madoguchi::forms
