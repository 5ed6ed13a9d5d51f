#include "steps/issue_document/issue_document.h"

#include "usecases/definition_version.h"
#include "usecases/documents.h"

namespace madoguchi::steps::issue_document {
namespace {

class IssueDocument : public Step {
 public:
  std::string_view id() const override { return "issue_document"; }

  // Signing inside the deciding transaction: rendering and signing take tens of
  // milliseconds (docs/documents.md, "Why in the transaction"), and doing it here means a
  // case is never approved with its document missing, nor a document issued for a decision
  // that did not commit.
  Status on(Moment moment, const Occasion& o) const override {
    if (moment != Moment::kDecided) return Status::Ok();
    auto def =
        usecases::definition_for(o.env.catalog, o.tx, o.application.procedure_id, o.application.procedure_version);
    if (!def) return Status::Internal("definition missing for " + o.application.procedure_id);
    return usecases::issue_document(o.env, o.tx, o.application, *def, o.now);
  }
};

}  // namespace

std::unique_ptr<Step> make_step() { return std::make_unique<IssueDocument>(); }

}  // namespace madoguchi::steps::issue_document
