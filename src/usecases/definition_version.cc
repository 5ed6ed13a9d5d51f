#include "usecases/definition_version.h"

#include "applications/applications.h"

namespace madoguchi::usecases {

std::optional<procedures::Procedure> definition_for(const procedures::Catalog& catalog, store::Transaction& tx,
                                                    const std::string& procedure_id, const std::string& version) {
  const procedures::Procedure* current = catalog.find(procedure_id);
  if (current && current->version == version) return *current;
  auto text = applications::version_text(tx, version);
  if (text.ok()) {
    std::vector<procedures::Problem> problems;
    auto p = procedures::parse_procedure(*text, procedure_id + "@" + version.substr(0, 12), catalog.organisation(),
                                         &problems);
    if (p.ok()) return *p;
  }
  if (current) return *current;
  return std::nullopt;
}

}  // namespace madoguchi::usecases
