// Which definition an application was filled against. A submission records the content hash
// (version) of its procedure's definition, and the definition text is kept per version, so
// staff and the resident see the answers with the labels and pages the resident saw even after
// the ward changed the definition.
#pragma once

#include <optional>
#include <string>

#include "procedures/catalog.h"
#include "store/store.h"

namespace madoguchi::usecases {

// The definition of `procedure_id` at `version`: the catalogue's when it is that version, else
// the stored text of that version parsed again; the current definition when the version's
// text is missing or no longer parses (it was checked when it was current), nullopt when the
// procedure is not in the catalogue either.
std::optional<procedures::Procedure> definition_for(const procedures::Catalog& catalog, store::Transaction& tx,
                                                    const std::string& procedure_id, const std::string& version);

}  // namespace madoguchi::usecases
