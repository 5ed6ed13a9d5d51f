// Steps: the plug-in point of an application's life. A step is something a procedure's
// definition switches on (`steps:` in its YAML) that takes part when an application reaches a
// moment of its life — an e-mail notice today; later a payment between "check your answers"
// and the receipt, a signature or the issued document between the decision and "completed".
// Modelled on Open Forms' registries (payments/, prefill/, registrations/: a base interface,
// plug-ins in their own folders): each step lives in src/steps/<id>/ with its own files, and
// is registered once in Registry::builtin().
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "applications/applications.h"
#include "core/status.h"
#include "procedures/catalog.h"
#include "store/store.h"
#include "usecases/env.h"

namespace madoguchi::steps {

// The moments a step hears about.
enum class Moment {
  kSubmitted,            // a resident submitted: the application exists with its 受付番号
  kCorrectionRequested,  // staff asked the resident to change something
  kDecided,              // approved at the route's last step, or rejected
};

// Where a moment happens: inside the use case's write transaction, after the change was made.
struct Occasion {
  const usecases::Env& env;
  store::Transaction& tx;
  const applications::Application& application;  // as it is after the change
  int64_t now = 0;
  // The definition whose steps run (Registry::run and holding set it).
  const procedures::Procedure* procedure = nullptr;
};

class Step {
 public:
  virtual ~Step() = default;
  // The name definitions use in `steps:`: lower-case letters and '_'.
  virtual std::string_view id() const = 0;
  // Takes part in `moment`. Runs in the transaction that made the change, so what the step
  // writes commits together with the change or not at all; a non-ok Status aborts the change.
  // A step that has nothing to do at a moment returns Ok.
  virtual Status on(Moment moment, const Occasion& occasion) const = 0;
  // A step that must be done before the application may go on (a payment) says so here: a
  // locale key saying what it waits for ("payment.hold"), or nullopt when it holds nothing.
  // Staff cannot approve or complete a held application (usecases/casework.h). Read-only.
  virtual Result<std::optional<std::string>> holds(const Occasion& /*occasion*/) const {
    return std::optional<std::string>();
  }
  // Adds a problem for anything in `proc` that this step finds wrong; `switched_on` says
  // whether `proc` uses the step (a definition may carry a step's settings, e.g. `payment:`,
  // only with the step in `steps:`). For check-procedures and serve's start.
  virtual void check(const procedures::Procedure& /*proc*/, bool /*switched_on*/,
                     std::vector<procedures::Problem>* /*problems*/) const {}
};

class Registry {
 public:
  // Every step Madoguchi ships. Steps marked default run for definitions without `steps:`.
  static Registry builtin();

  // Adds a step; throws std::invalid_argument when its id is taken or malformed.
  void add(std::unique_ptr<Step> step, bool on_by_default);
  // The step with this id, or nullptr.
  const Step* find(std::string_view id) const;
  // The steps `proc` switches on, in its definition's order: its `steps:` list, or the
  // default steps when the definition has none. Ids not registered are skipped here;
  // check() reports them, check-procedures fails on them and serve refuses to start.
  std::vector<const Step*> for_procedure(const procedures::Procedure& proc) const;
  // Tells each step of `proc` about `moment`, in order; stops at and returns the first failure.
  Status run(Moment moment, const procedures::Procedure& proc, const Occasion& occasion) const;
  // The first hold (Step::holds) of the steps of `proc` on the application, or nullopt.
  Result<std::optional<std::string>> holding(const procedures::Procedure& proc, const Occasion& occasion) const;
  // A problem (file:line) for each id a definition's `steps:` names that is not registered,
  // and each problem a step finds in a definition (Step::check).
  std::vector<procedures::Problem> check(const procedures::Catalog& catalog) const;

 private:
  std::vector<std::unique_ptr<Step>> steps_;
  std::vector<const Step*> defaults_;
};

}  // namespace madoguchi::steps
