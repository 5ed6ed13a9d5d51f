#include <algorithm>
#include <stdexcept>

#include "steps/email_notice/email_notice.h"
#include "steps/issue_document/issue_document.h"
#include "steps/payment/payment.h"
#include "steps/step.h"

namespace madoguchi::steps {

Registry Registry::builtin() {
  Registry r;
  r.add(email_notice::make_step(), /*on_by_default=*/true);
  r.add(issue_document::make_step(), /*on_by_default=*/true);
  r.add(payment::make_step(), /*on_by_default=*/true);  // acts only where `payment:` is set
  return r;
}

void Registry::add(std::unique_ptr<Step> step, bool on_by_default) {
  const std::string_view id = step->id();
  if (id.empty() || id.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string_view::npos) {
    throw std::invalid_argument("malformed step id: " + std::string(id));
  }
  if (find(id)) throw std::invalid_argument("duplicate step id: " + std::string(id));
  if (on_by_default) defaults_.push_back(step.get());
  steps_.push_back(std::move(step));
}

const Step* Registry::find(std::string_view id) const {
  for (const auto& s : steps_) {
    if (s->id() == id) return s.get();
  }
  return nullptr;
}

std::vector<const Step*> Registry::for_procedure(const procedures::Procedure& proc) const {
  if (!proc.steps) return defaults_;
  std::vector<const Step*> out;
  for (const auto& id : *proc.steps) {
    if (const Step* s = find(id)) out.push_back(s);
  }
  return out;
}

Status Registry::run(Moment moment, const procedures::Procedure& proc, const Occasion& occasion) const {
  Occasion o = occasion;
  o.procedure = &proc;
  for (const Step* s : for_procedure(proc)) {
    if (Status st = s->on(moment, o); !st.ok()) return st;
  }
  return Status::Ok();
}

Result<std::optional<std::string>> Registry::holding(const procedures::Procedure& proc,
                                                   const Occasion& occasion) const {
  Occasion o = occasion;
  o.procedure = &proc;
  for (const Step* s : for_procedure(proc)) {
    auto held = s->holds(o);
    if (!held.ok() || *held) return held;
  }
  return std::optional<std::string>();
}

std::vector<procedures::Problem> Registry::check(const procedures::Catalog& catalog) const {
  std::vector<procedures::Problem> problems;
  for (const auto& p : catalog.all()) {
    if (!p.steps) continue;
    for (const auto& id : *p.steps) {
      if (!find(id)) {
        std::string known;
        for (const auto& s : steps_) known += (known.empty() ? "" : ", ") + std::string(s->id());
        problems.push_back({p.file, p.steps_line, "'steps' names '" + id + "', which is not a step; known: " + known});
      }
    }
  }
  for (const auto& p : catalog.all()) {
    const auto on = for_procedure(p);
    for (const auto& s : steps_) s->check(p, std::find(on.begin(), on.end(), s.get()) != on.end(), &problems);
  }
  return problems;
}

}  // namespace madoguchi::steps
